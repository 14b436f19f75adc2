package client

import (
	"net/http"
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
		if got := parseAPIError(400, []byte(tc.body)).Message(); got != tc.want {
			t.Errorf("parseAPIError(%q).Message() = %q, want %q", tc.body, got, tc.want)
		}
	}
	long := parseAPIError(502, []byte(strings.Repeat("x", 5000))).Message()
	if len(long) > maxQuotedBody+3 {
		t.Errorf("a long body was quoted whole (%d bytes)", len(long))
	}
}

func FuzzParseAPIError(f *testing.F) {
	for _, seed := range []string{`{"detail": "x"}`, `{"a": ["b", {"c": ["d"]}]}`, `[]`, `null`, `{"detail": 3}`, "\xff\xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		err := parseAPIError(400, []byte(body))
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
	for _, seed := range []string{"https://api.preo.dev", "http://localhost:1", "http://[::1]", "http://127.1", "http://evil", "https://a/b/"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseBaseURL(raw)
		if err != nil {
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

func FuzzCheckNextLink(f *testing.F) {
	for _, seed := range []string{"https://api.preo.dev/v1/user?page=2", "https://evil.example/v1/user?page=2", "//evil.example/x", "/v1/user?page=3", "https://api.preo.dev:443/v1/user?page=2", "http://api.preo.dev/v1/user"} {
		f.Add(seed)
	}
	c, err := New(Config{BaseURL: "https://api.preo.dev", Token: "t"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, link string) {
		next, err := c.checkNextLink("list users", link, map[string]bool{})
		if err != nil {
			return
		}
		if next.Scheme != "https" || next.Hostname() != "api.preo.dev" || effectivePort(next) != "443" {
			t.Errorf("followed %q to %v", link, next)
		}
	})
}
