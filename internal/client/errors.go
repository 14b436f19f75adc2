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
	// Body is the raw answer when it was not in one of DRF's shapes.
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
// `field: message`, or the start of the raw body.
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

// maxQuotedBody keeps an unexpected answer (an HTML error page from a proxy,
// say) from flooding a diagnostic.
const maxQuotedBody = 512

// parseAPIError reads DRF's error shapes: {"detail": "..."},
// {"field": ["msg", ...], ...} and {"non_field_errors": [...]}. Anything else is
// kept as raw text. The token is scrubbed from every string the answer
// holds, keys and nested values included, before anything is quoted.
func parseAPIError(status int, header http.Header, body []byte, token string) *APIError {
	scrub := func(s string) string { return quote(redact(s, token)) }
	apiErr := &APIError{StatusCode: status}
	if location := header.Get("Location"); location != "" {
		apiErr.Location = scrub(location)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		apiErr.Body = scrub(unescaped(body))
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
		apiErr.Body = scrub(unescaped(body))
	}
	mediaType, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	apiErr.fromPreo = mediaType == "application/json" && apiErr.Detail != ""
	return apiErr
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

func quote(body string) string {
	text := strings.TrimSpace(strings.ToValidUTF8(body, "?"))
	if len(text) > maxQuotedBody {
		text = strings.ToValidUTF8(text[:maxQuotedBody], "") + "..."
	}
	return text
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
