package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Errors for successful answers that cannot be used. Neither is retried:
// the same request would get the same answer.
var (
	// ErrInvalidAnswer is a 2xx answer that is not what the API documents:
	// not JSON, a user without an id or with another id than asked for, a
	// page whose count and results do not agree.
	ErrInvalidAnswer = errors.New("the answer is not what the Preo API sends")
	// ErrAnswerTooLarge is an answer longer than any the API sends.
	ErrAnswerTooLarge = errors.New("answer too large")
)

// APIError is a request that did not get a successful answer: either the API
// answered with an error status (StatusCode is set), or no answer came at all
// (Err is set).
type APIError struct {
	Operation string // what was attempted, e.g. `read user "usr_1"`
	Method    string
	URL       string
	Attempts  int // how many times the request was sent, retries included
	// ThrottledRate, for a 429, is the rate in requests per second that the
	// client sent at when Preo last throttled it.
	ThrottledRate float64

	StatusCode int
	// Detail is DRF's {"detail": "..."} message.
	Detail string
	// FieldErrors are DRF's {"field": ["message", ...]} validation errors;
	// non_field_errors land under that key too.
	FieldErrors map[string][]string
	// Body is an excerpt of the answer's text (see excerpt) when it was not
	// in one of DRF's shapes.
	Body string
	// RetryAfter, when the answer's Retry-After asked for a longer wait than
	// the client takes, says what it asked and what the client did.
	RetryAfter string
	// Location is where a redirect pointed. Redirects are never followed:
	// the request carries the token.
	Location string

	Err error

	// fromPreo records that the answer has the shape of Preo's own errors:
	// JSON with a "detail" message, not a proxy's page.
	fromPreo bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s ", e.Operation, e.Method, e.URL)
	if e.StatusCode == 0 {
		fmt.Fprintf(&b, "got no answer: %v", e.Err)
		return b.String()
	}
	fmt.Fprintf(&b, "returned %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Err != nil {
		fmt.Fprintf(&b, ", whose body could not be read (%v)", e.Err)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %s", countAttempts(e.Attempts))
	}
	if e.Location != "" {
		fmt.Fprintf(&b, ", a redirect to %s that was not followed", e.Location)
	}
	if msg := e.Message(); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.RetryAfter != "" {
		b.WriteString(". ")
		b.WriteString(e.RetryAfter)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// Message is what the API said, in one line: the detail, the field errors as
// `field: message`, or an excerpt of the body.
func (e *APIError) Message() string {
	var parts []string
	if e.Detail != "" {
		parts = append(parts, e.Detail)
	}
	for _, field := range sortedKeys(e.FieldErrors) {
		parts = append(parts, field+": "+strings.Join(e.FieldErrors[field], " "))
	}
	if len(parts) == 0 && e.Body != "" {
		parts = append(parts, e.Body)
	}
	return strings.Join(parts, "; ")
}

// IsNotFound reports whether err is the API saying the object does not exist.
// For GetUser that takes proof (see ErrUnconfirmedNotFound): a 404 that does
// not prove the user gone is not a missing user.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && !errors.Is(err, ErrUnconfirmedNotFound)
}

// maxExcerpt is how many characters of an answer an error quotes: a few
// lines, enough to recognize a proxy's page or the start of a stack trace,
// however large the answer was.
const maxExcerpt = 300

// parseAPIError reads DRF's error shapes: {"detail": "..."},
// {"field": ["msg", ...], ...} and {"non_field_errors": [...]}. Anything else is
// quoted as an excerpt of its text, markup stripped. The token is scrubbed
// from every string the answer holds, keys and nested values included, before
// anything is quoted or cut short.
func parseAPIError(status int, header http.Header, body []byte, token string) *APIError {
	if len(body) >= maxErrorBytes {
		// The answer was cut at the read limit, perhaps inside the token.
		body = bytes.TrimSuffix(body, []byte(tokenStartAtEnd(string(body), token)))
	}
	scrub := func(s string) string { return excerpt(redact(s, token)) }
	apiErr := &APIError{StatusCode: status}
	if location := header.Get("Location"); location != "" {
		apiErr.Location = scrub(location)
	}
	mediaType, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	raw := func() string {
		if isMarkup(mediaType, body) {
			return scrub(markupText(redact(string(body), token)))
		}
		return scrub(unescaped(body))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		apiErr.Body = raw()
		return apiErr
	}
	for key, raw := range fields {
		if key == "detail" {
			var detail string
			if json.Unmarshal(raw, &detail) == nil {
				apiErr.Detail = scrub(detail)
				continue
			}
		}
		if msgs := messages(raw); len(msgs) > 0 {
			if apiErr.FieldErrors == nil {
				apiErr.FieldErrors = map[string][]string{}
			}
			for i, msg := range msgs {
				msgs[i] = scrub(msg)
			}
			apiErr.FieldErrors[scrub(key)] = msgs
		}
	}
	if apiErr.Detail == "" && len(apiErr.FieldErrors) == 0 {
		apiErr.Body = raw()
	}
	apiErr.fromPreo = mediaType == "application/json" && apiErr.Detail != ""
	return apiErr
}

// tokenStartAtEnd is the longest end of s that is the start of the token,
// but not the whole token, which redact finds.
func tokenStartAtEnd(s, token string) string {
	for n := min(len(token)-1, len(s)); n > 0; n-- {
		if strings.HasSuffix(s, token[:n]) {
			return token[:n]
		}
	}
	return ""
}

// isMarkup reports whether an error answer is HTML or XML, such as a
// proxy's error page, whose text is what a person would read. A body that
// starts like JSON is read as JSON whatever its media type says, so that a
// token written with JSON escapes is found.
func isMarkup(mediaType string, body []byte) bool {
	body = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\uFEFF")))
	switch {
	case bytes.HasPrefix(body, []byte("<")):
		return true
	case bytes.HasPrefix(body, []byte("{")), bytes.HasPrefix(body, []byte("[")):
		return false
	}
	return mediaType == "text/html" || mediaType == "application/xhtml+xml" || mediaType == "text/xml" ||
		mediaType == "application/xml" || strings.HasSuffix(mediaType, "+xml")
}

// markupText is the text a browser would show of an HTML or XML page:
// tags, comments, scripts and styles dropped, entities decoded, a space
// where a block ends. Inline tags add none, so that they cannot split a
// token into parts that redact would not find.
func markupText(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	var text strings.Builder
	hidden := 0 // inside script or style
	for {
		tokenType := z.Next()
		switch tokenType {
		case html.ErrorToken:
			return text.String()
		case html.TextToken:
			if hidden == 0 {
				text.Write(z.Text())
			}
			continue
		}
		name, _ := z.TagName()
		switch tag := atom.Lookup(name); {
		case tag == atom.Script || tag == atom.Style:
			if tokenType == html.StartTagToken {
				hidden++
			} else if tokenType == html.EndTagToken && hidden > 0 {
				hidden--
			}
		case !inlineTags[tag]:
			text.WriteByte(' ')
		}
	}
}

// inlineTags are the HTML elements that flow within a line of text.
var inlineTags = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true, atom.Cite: true, atom.Code: true,
	atom.Data: true, atom.Dfn: true, atom.Em: true, atom.I: true, atom.Kbd: true, atom.Mark: true, atom.Q: true,
	atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strong: true, atom.Sub: true,
	atom.Sup: true, atom.Time: true, atom.U: true, atom.Var: true, atom.Wbr: true, atom.Font: true, atom.Tt: true,
}

// excerpt is text as an error quotes it: on one line, whitespace and control
// characters collapsed to single spaces, cut to maxExcerpt characters.
func excerpt(text string) string {
	text = strings.Join(strings.FieldsFunc(strings.ToValidUTF8(text, "\uFFFD"), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	end := 0
	for range maxExcerpt {
		if end == len(text) {
			return text
		}
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	if end == len(text) {
		return text
	}
	return text[:end] + "..."
}

// unescaped writes a JSON body that holds escapes with its strings as they
// read, so that a token behind escapes such as \u002d is scrubbed like any
// other. Anything else is returned as it is.
func unescaped(body []byte) string {
	if !bytes.ContainsRune(body, '\\') {
		return string(body)
	}
	var value any
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	if decoder.Decode(&value) != nil || decoder.More() {
		return string(body)
	}
	var out strings.Builder
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false)
	if encoder.Encode(value) != nil {
		return string(body)
	}
	return out.String()
}

// redact replaces the token wherever a server's words echo it.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "[redacted]")
}

// messages flattens one DRF error value: a string, a list of strings, or
// (for nested serializers) an object of those.
func messages(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		var out []string
		for _, item := range list {
			out = append(out, messages(item)...)
		}
		return out
	}
	var nested map[string]json.RawMessage
	if json.Unmarshal(raw, &nested) == nil {
		var out []string
		for _, key := range sortedKeys(nested) {
			for _, msg := range messages(nested[key]) {
				out = append(out, key+": "+msg)
			}
		}
		return out
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
