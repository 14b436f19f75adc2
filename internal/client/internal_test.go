package client

import (
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// Every form RFC 9110 allows is read, in the past, near and far, and capped
// the same way; anything else is ignored.
func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	const forever = time.Duration(math.MaxInt64)
	cases := map[string]struct {
		asked time.Duration
		ok    bool
	}{
		"3":                                {3 * time.Second, true},
		"0":                                {0, true},
		"000":                              {0, true},
		" \t7 ":                            {7 * time.Second, true},
		"60":                               {maxRetryWait, true},
		"61":                               {61 * time.Second, true},
		"86400":                            {24 * time.Hour, true},
		"9223372036":                       {9223372036 * time.Second, true},
		"9223372037":                       {forever, true},
		"18446744073709551616":             {forever, true},
		"99999999999999999999999999999999": {forever, true},
		// IMF-fixdate, RFC 850 and asctime: past, near, beyond the cap, far.
		"Fri, 27 Nov 2026 11:00:00 GMT":    {0, true},
		"Fri, 27 Nov 2026 12:00:10 GMT":    {10 * time.Second, true},
		"Fri, 27 Nov 2026 12:05:00 GMT":    {5 * time.Minute, true},
		"Thu, 01 Jan 2099 00:00:00 GMT":    {time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now), true},
		"Friday, 27-Nov-26 11:00:00 GMT":   {0, true},
		"Friday, 27-Nov-26 12:00:10 GMT":   {10 * time.Second, true},
		"Thursday, 01-Jan-60 00:00:00 GMT": {time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now), true},
		"Fri Nov 27 11:00:00 2026":         {0, true},
		"Fri Nov 27 12:00:10 2026":         {10 * time.Second, true},
		"Fri Nov 27 12:00:10 9999":         {time.Date(9999, 11, 27, 12, 0, 10, 0, time.UTC).Sub(now), true},
		"Mon Jan  1 00:00:00 1900":         {0, true},
		"":                                 {0, false},
		"   ":                              {0, false},
		"-1":                               {0, false},
		"+5":                               {0, false},
		"1.5":                              {0, false},
		"1e3":                              {0, false},
		"0x10":                             {0, false},
		"5 5":                              {0, false},
		"soon":                             {0, false},
		"2099-01-01T00:00:00Z":             {0, false},
		"Fri, 27 Nov 2026 12:00:10 CET":    {0, false},
		"Fri, 31 Feb 2026 12:00:10 GMT":    {0, false},
		"\u0661":                           {0, false},
	}
	for value, tc := range cases {
		got, ok := parseRetryAfter(value, now)
		if ok != tc.ok || got.asked != tc.asked || got.wait != min(tc.asked, maxRetryWait) {
			t.Errorf("parseRetryAfter(%q) = %+v, %v; want asked %v, %v", value, got, ok, tc.asked, tc.ok)
		}
		if got.capped() != (tc.asked > maxRetryWait) {
			t.Errorf("parseRetryAfter(%q).capped() = %v", value, got.capped())
		}
	}
}

// What a capped wait reports names what the server asked and what the
// client did, in words a person reads.
func TestRetryAfterText(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for value, want := range map[string]string{
		"Thu, 01 Jan 2099 00:00:00 GMT": `Retry-After "Thu, 01 Jan 2099 00:00:00 GMT" asked for a wait of about 72 years; the provider waits at most 1m0s`,
		"86400":                         `Retry-After "86400" asked for a wait of 24h0m0s; the provider waits at most 1m0s`,
		"864000":                        `asked for a wait of about 10 days`,
		"99999999999999999999":          `asked for a wait of more than 292 years`,
	} {
		ra, _ := parseRetryAfter(value, now)
		if got := ra.String(); !strings.Contains(got, want) {
			t.Errorf("%q: %s\nwant it to hold %s", value, got, want)
		}
	}
}

// Whatever the header holds, the wait is within [0, maxRetryWait], and a
// value that is read as a wait at all is one RFC 9110 allows.
func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"0", "120", "-1", "99999999999999999999", "Fri, 27 Nov 2026 12:00:10 GMT",
		"Friday, 27-Nov-26 12:00:10 GMT", "Fri Nov 27 12:00:10 2026", "Thu, 01 Jan 2099 00:00:00 GMT", " 5 ", "soon", ""} {
		f.Add(seed, int64(0))
	}
	base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, value string, offset int64) {
		ra, ok := parseRetryAfter(value, base.Add(time.Duration(offset)))
		if ra.wait < 0 || ra.wait > maxRetryWait || ra.asked < ra.wait {
			t.Fatalf("parseRetryAfter(%q) = %+v", value, ra)
		}
		if !ok && ra != (retryAfter{}) {
			t.Fatalf("parseRetryAfter(%q) ignored the value but returned %+v", value, ra)
		}
		if ok && strings.Trim(strings.TrimSpace(value), "0123456789") != "" {
			if _, err := http.ParseTime(strings.TrimSpace(value)); err != nil {
				t.Fatalf("parseRetryAfter(%q) read a value that is neither delay-seconds nor an HTTP date", value)
			}
		}
	})
}

func TestBackoff(t *testing.T) {
	withRetryAfter := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}}
	if got := backoff(time.Second, 30*time.Second, 0, withRetryAfter); got != 7*time.Second {
		t.Errorf("backoff with Retry-After 7 = %v", got)
	}
	for attempt := range 40 {
		ceiling := min(30*time.Second, time.Second<<min(attempt, 30))
		for range 20 {
			got := backoff(time.Second, 30*time.Second, attempt, &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}})
			if got < ceiling/2 || got > ceiling {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, got, ceiling/2, ceiling)
			}
		}
	}
}

func TestParseAPIError(t *testing.T) {
	cases := []struct {
		body string
		want string
	}{
		{`{"detail": "Not found."}`, "Not found."},
		{`{"email": ["Enter a valid email address."], "last_name": ["Too long.", "Really."]}`, "email: Enter a valid email address.; last_name: Too long. Really."},
		{`{"non_field_errors": ["Invalid data."]}`, "non_field_errors: Invalid data."},
		{`{"metadata": {"tier": ["Unknown tier."]}}`, "metadata: tier: Unknown tier."},
		{`<html>Bad gateway</html>`, "Bad gateway"},
		{`{"unexpected": 42}`, `{"unexpected": 42}`},
		{``, ``},
	}
	for _, tc := range cases {
		if got := parseAPIError(400, jsonHeader, []byte(tc.body), "t0ken").Message(); got != tc.want {
			t.Errorf("parseAPIError(%q).Message() = %q, want %q", tc.body, got, tc.want)
		}
	}
	long := parseAPIError(502, http.Header{"Content-Type": {"text/html"}}, []byte(strings.Repeat("x", 5000)), "t0ken").Message()
	if utf8.RuneCountInString(long) > maxExcerpt+3 {
		t.Errorf("a long body was quoted whole (%d bytes)", len(long))
	}
}

func FuzzParseAPIError(f *testing.F) {
	for _, seed := range []string{`{"detail": "x"}`, `{"a": ["b", {"c": ["d"]}]}`, `[]`, `null`, `{"detail": 3}`, "\xff\xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		err := parseAPIError(400, jsonHeader, []byte(body), "t0ken")
		msg := err.Message()
		hasText := strings.ContainsFunc(body, func(r rune) bool { return !unicode.IsSpace(r) && !unicode.IsControl(r) })
		if hasText && !isMarkup("application/json", []byte(body)) && msg == "" && len(err.FieldErrors) == 0 {
			t.Errorf("non-empty body %q gave no message", body)
		}
		for _, quoted := range append([]string{err.Body, err.Detail}, slices.Concat(slices.Collect(maps.Values(err.FieldErrors))...)...) {
			if n := utf8.RuneCountInString(quoted); n > maxExcerpt+3 || strings.ContainsFunc(quoted, unicode.IsControl) || strings.Contains(quoted, "  ") {
				t.Errorf("quoted %q", quoted)
			}
		}
		_ = err.Error()
	})
}

// An error page is quoted as a short excerpt of its text: markup, scripts
// and styles dropped, entities decoded, whitespace collapsed, cut on a
// character boundary.
func TestErrorExcerpt(t *testing.T) {
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	cases := []struct {
		header http.Header
		body   string
		want   string
	}{
		{html, "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body { color: red }</style>\n" +
			"<script>var secret = 1;</script></head>\n<body>\n\n  <h1>Bad&nbsp;Gateway</h1><p>The  upstream &amp; the proxy\n\tdisagree.</p><!-- node 7 --></body></html>",
			"502 Bad Gateway Bad Gateway The upstream & the proxy disagree."},
		{http.Header{"Content-Type": {"application/xml"}}, `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Denied &lt;here&gt;</Message></Error>`,
			"AccessDenied Denied <here>"},
		{jsonHeader, "  <html><body>maintenance</body></html>", "maintenance"},
		{http.Header{"Content-Type": {"text/plain"}}, "line one\r\n\r\n\tline two\x1b[31m red", "line one line two [31m red"},
		{http.Header{"Content-Type": {"text/plain"}}, "a < b and c > d", "a < b and c > d"},
		{jsonHeader, `{"detail": "many\n\n   lines"}`, "many lines"},
	}
	for _, tc := range cases {
		if got := parseAPIError(502, tc.header, []byte(tc.body), "t0ken").Message(); got != tc.want {
			t.Errorf("body %q:\n got %q\nwant %q", tc.body, got, tc.want)
		}
	}
	long := parseAPIError(502, html, []byte("<p>"+strings.Repeat("é ", 5000)+"</p>"), "t0ken").Message()
	if n := utf8.RuneCountInString(long); n != maxExcerpt+3 || !utf8.ValidString(long) || !strings.HasSuffix(long, "...") {
		t.Errorf("a long page was quoted as %d characters: %q", n, long)
	}
}

func FuzzParseBaseURL(f *testing.F) {
	for _, seed := range []string{"https://api.preo.dev", "http://localhost:1", "http://[::1]", "http://127.1", "http://evil", "https://a/b/", "https://u:pw@a/v1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseBaseURL(raw)
		if err != nil {
			if given, parseErr := url.Parse(raw); parseErr == nil && given.User != nil {
				if password, ok := given.User.Password(); ok && strings.Contains(err.Error(), ":"+password+"@") {
					t.Errorf("the error for %q shows the password: %v", raw, err)
				}
			}
			return
		}
		if u.Scheme != "https" && (u.Scheme != "http" || !IsLoopback(u.Hostname())) {
			t.Errorf("accepted %q as %v", raw, u)
		}
		if strings.HasSuffix(u.Path, "/") {
			t.Errorf("kept a trailing slash: %v", u)
		}
	})
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// The token is scrubbed from every string of an error answer before any of
// it is quoted or cut short: keys, values, nested objects, the raw body and
// the redirect target.
func TestParseAPIErrorRedactsTheToken(t *testing.T) {
	const token = "tok-5ecret"
	escaped := `tok\u002d5ecret`
	cases := []string{
		`{"detail": "bad tok-5ecret"}`,
		`{"tok-5ecret": ["is a key"]}`,
		`{"` + escaped + `": ["an escaped key"], "detail": "` + escaped + `"}`,
		`{"metadata": {"tok-5ecret": ["nested key"], "x": ["nested tok-5ecret"]}}`,
		`{"a": [["deep", {"b": "tok-5ecret"}]]}`,
		`{"` + escaped + `": 1}`,
		`["` + escaped + `"]`,
		strings.Repeat("x", maxExcerpt-4) + token,
		strings.Repeat("x", maxErrorBytes-len(token)+3) + token[:len(token)-3],
		`<p>tok&#45;5ecret</p>`,
		`<p>tok<b>-5ecret</b></p>`,
		`<html>` + token + `</html>`,
	}
	for _, body := range cases {
		header := http.Header{"Content-Type": {"text/html"}, "Location": {"https://elsewhere.example/?t=" + token}}
		apiErr := parseAPIError(http.StatusFound, header, []byte(body), token)
		apiErr.Operation, apiErr.Method, apiErr.URL = "read user", "GET", "https://api.preo.dev/v1/user/x"
		text := apiErr.Error()
		for _, part := range []string{"tok-", "5ecret", token[:6]} {
			if strings.Contains(text, part) {
				t.Errorf("body %q: the error shows %q: %s", body, part, text)
			}
		}
		if !strings.Contains(text, "redirect to https://elsewhere.example/?t=[redacted]") {
			t.Errorf("body %q: the error does not name the redirect: %s", body, text)
		}
	}
}

// FuzzCheckNextLink: a link is accepted only when it is exactly page 2 of
// the listing, under the API path of the base URL.
func FuzzCheckNextLink(f *testing.F) {
	for _, seed := range []string{
		"https://api.preo.dev/preo/v1/user?page=2&search=a", "/preo/v1/user?search=a&page=2", "https://API.preo.dev:443/preo/v1/user?page=2&search=a",
		"https://evil.example/preo/v1/user?page=2&search=a", "//evil.example/x", "https://api.preo.dev/admin/v1/user?page=2&search=a",
		"http://api.preo.dev/preo/v1/user?page=2&search=a", "https://u:p@api.preo.dev/preo/v1/user?page=2&search=a",
		"https://api.preo.dev/preo/v1/user?search=a", "https://api.preo.dev/preo/v1/user?page=3&search=a",
	} {
		f.Add(seed)
	}
	c, err := New(Config{BaseURL: "https://api.preo.dev/preo", Token: "t"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, link string) {
		l := &listing{c: c, first: c.listURL(ListUsersQuery{Search: "a"}), count: 100, pageSize: 10, lastPage: 10}
		if l.checkNext(1, &page{Next: &link}) != nil {
			return
		}
		next, err := l.first.Parse(link)
		if err != nil {
			t.Fatalf("accepted %q, which does not parse: %v", link, err)
		}
		if next.Scheme != "https" || !strings.EqualFold(next.Hostname(), "api.preo.dev") || effectivePort(next) != "443" ||
			next.Path != "/preo/v1/user" || next.User != nil || next.Query().Encode() != "page=2&search=a" {
			t.Errorf("accepted %q as page 2", link)
		}
	})
}

// The fields of a user are read directly where encoding/json would scan them
// again: whatever the answer holds, the user is what encoding/json reads.
func FuzzUserFields(f *testing.F) {
	for _, seed := range []string{
		`{"id": "usr_1", "email": "a@b.c", "phone_number": null, "first_name": "Ad\u00e9", "last_name": "L\\"x",
		  "is_verified": true, "is_active": false, "locale": "en", "msg_channel": null, "date_joined": "2024-08-25T15:00:00Z",
		  "last_seen": "2026-11-20T09:30:00.25+02:00", "metadata": {"a": [1]}}`,
		`{"id": 7}`, `{"is_active": "yes"}`, `{"first_name": "\xff"}`, `null`, `{"id": "a", "id": null}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, answer string) {
		var want struct {
			ID, Email, Locale *string
			PhoneNumber       *string    `json:"phone_number"`
			FirstName         *string    `json:"first_name"`
			LastName          *string    `json:"last_name"`
			MsgChannel        *string    `json:"msg_channel"`
			IsVerified        *bool      `json:"is_verified"`
			IsActive          *bool      `json:"is_active"`
			DateJoined        *time.Time `json:"date_joined"`
			LastSeen          *time.Time `json:"last_seen"`
		}
		wantErr := json.Unmarshal([]byte(answer), &want)
		var fields userFields
		err := json.Unmarshal([]byte(answer), &fields)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: err %v, encoding/json: %v", answer, err, wantErr)
		}
		if err != nil {
			return
		}
		u := fields.user()
		same := func(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
		value := func(s *string) *string {
			if s == nil {
				return ptrTo("")
			}
			return s
		}
		if !same(value(want.ID), &u.ID) || !same(value(want.Email), &u.Email) || !same(value(want.Locale), &u.Locale) ||
			!same(want.PhoneNumber, u.PhoneNumber) || !same(want.FirstName, u.FirstName) || !same(want.LastName, u.LastName) ||
			!same(want.MsgChannel, u.MsgChannel) {
			t.Fatalf("%q: read %+v, encoding/json %+v", answer, u, want)
		}
		if (want.IsActive == nil) != (u.IsActive == nil) || want.IsActive != nil && *want.IsActive != *u.IsActive ||
			(want.IsVerified == nil) != (u.IsVerified == nil) || want.IsVerified != nil && *want.IsVerified != *u.IsVerified {
			t.Fatalf("%q: read %+v, encoding/json %+v", answer, u, want)
		}
		if (want.LastSeen == nil) != (u.LastSeen == nil) || want.LastSeen != nil && !want.LastSeen.Equal(*u.LastSeen) ||
			want.DateJoined != nil && !want.DateJoined.Equal(u.DateJoined) {
			t.Fatalf("%q: read %+v, encoding/json %+v", answer, u, want)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }
