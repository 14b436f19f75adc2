package client

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		want time.Duration
		ok   bool
	}{
		"":                              {0, false},
		"3":                             {3 * time.Second, true},
		"0":                             {0, true},
		"-1":                            {0, false},
		"86400":                         {maxRetryWait, true},
		"Fri, 27 Nov 2026 12:00:10 GMT": {10 * time.Second, true},
		"Fri, 27 Nov 2026 11:00:00 GMT": {0, true},
		"soon":                          {0, false},
	}
	for value, tc := range cases {
		got, ok := parseRetryAfter(value, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", value, got, ok, tc.want, tc.ok)
		}
	}
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
		{`<html>Bad gateway</html>`, "<html>Bad gateway</html>"},
		{`{"unexpected": 42}`, `{"unexpected": 42}`},
		{``, ``},
	}
	for _, tc := range cases {
		if got := parseAPIError(400, jsonHeader, []byte(tc.body), "t0ken").Message(); got != tc.want {
			t.Errorf("parseAPIError(%q).Message() = %q, want %q", tc.body, got, tc.want)
		}
	}
	long := parseAPIError(502, http.Header{"Content-Type": {"text/html"}}, []byte(strings.Repeat("x", 5000)), "t0ken").Message()
	if len(long) > maxQuotedBody+3 {
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
		if strings.TrimSpace(body) != "" && msg == "" && len(err.FieldErrors) == 0 {
			t.Errorf("non-empty body %q gave no message", body)
		}
		if len(err.Body) > maxQuotedBody+3 {
			t.Errorf("quoted %d bytes", len(err.Body))
		}
		_ = err.Error()
	})
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
		strings.Repeat("x", maxQuotedBody-4) + token,
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
