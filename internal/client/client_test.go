package client_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

const userAgent = "terraform-provider-preo/1.2.3 (+https://registry.terraform.io/providers/preo/preo) Terraform/1.5.7"

// newClient reads every user with a GET of its own, so that tests of the
// transport count one request per read; reads_test.go tests the strategies.
func newClient(t testing.TB, baseURL, token string, tune ...func(*client.Config)) *client.Client {
	t.Helper()
	cfg := client.Config{
		ReadStrategy: client.ReadGet,
		BaseURL:      baseURL,
		Token:        token,
		MaxRetries:   3,
		UserAgent:    userAgent,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
	for _, f := range tune {
		f(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return c
}

func start(t *testing.T, opts emulator.Options, users ...emulator.User) (*emulator.TestServer, *client.Client) {
	t.Helper()
	srv := emulator.NewTestServer(t, opts, users...)
	return srv, newClient(t, srv.URL, srv.Token)
}

func TestGetUser(t *testing.T) {
	users := emulator.GenerateUsers(3)
	srv, c := start(t, emulator.Options{}, users...)
	got, err := c.GetUser(context.Background(), users[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := users[1]
	if got.ID != want.ID || got.Email != want.Email || *got.FirstName != want.FirstName || !got.DateJoined.Equal(want.DateJoined) {
		t.Errorf("GetUser = %+v, want %+v", got, want)
	}
	requests := srv.Requests()
	if len(requests) != 1 {
		t.Fatalf("%d requests, want 1", len(requests))
	}
	r := requests[0]
	if r.Method != http.MethodGet || r.Path != "/v1/user/"+want.ID {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+srv.Token {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != userAgent {
		t.Errorf("User-Agent = %q", got)
	}
}

func TestGetUserEscapesID(t *testing.T) {
	odd := emulator.GenerateUsers(1)[0]
	odd.ID = "usr/../odd?x=1 #"
	srv, c := start(t, emulator.Options{}, odd)
	got, err := c.GetUser(context.Background(), odd.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != odd.ID {
		t.Errorf("got user %q", got.ID)
	}
	if path := srv.Requests()[0].Path; path != "/v1/user/"+odd.ID {
		t.Errorf("server saw path %q", path)
	}
}

func TestGetUserNotFound(t *testing.T) {
	srv, c := start(t, emulator.Options{})
	_, err := c.GetUser(context.Background(), "usr_missing")
	if !client.IsNotFound(err) {
		t.Fatalf("err = %v, want a 404", err)
	}
	if !strings.Contains(err.Error(), `read user "usr_missing": GET `+srv.URL+`/v1/user/usr_missing returned 404 Not Found: Not found.`) {
		t.Errorf("error text: %v", err)
	}
	// GetUser also asks the listing once, for proof that the user is gone.
	if n := userRequests(srv); n != 1 {
		t.Errorf("a 404 was sent %d times", n)
	}
}

func TestUpdateUserSendsOnlySetFields(t *testing.T) {
	users := emulator.GenerateUsers(1)
	srv, c := start(t, emulator.Options{}, users...)
	empty, first := "", "Grete"
	got, err := c.UpdateUser(context.Background(), users[0].ID, client.UserPatch{PhoneNumber: &empty, FirstName: &first})
	if err != nil {
		t.Fatal(err)
	}
	if *got.FirstName != "Grete" || got.PhoneNumber == nil || *got.PhoneNumber != "" || *got.LastName != users[0].LastName {
		t.Errorf("UpdateUser returned %+v", got)
	}
	r := srv.Requests()[0]
	if r.Method != http.MethodPatch || r.Body != `{"phone_number":"","first_name":"Grete"}` {
		t.Errorf("sent %s %q", r.Method, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestUpdateUserValidationError(t *testing.T) {
	users := emulator.GenerateUsers(1)
	srv, c := start(t, emulator.Options{}, users...)
	bad, long := "not-an-email", strings.Repeat("x", 81)
	_, err := c.UpdateUser(context.Background(), users[0].ID, client.UserPatch{Email: &bad, LastName: &long})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Fatalf("err = %v, want a 400 APIError", err)
	}
	want := map[string][]string{
		"email":     {"Enter a valid email address."},
		"last_name": {"Ensure this field has no more than 80 characters."},
	}
	for field, msgs := range want {
		if !slices.Equal(apiErr.FieldErrors[field], msgs) {
			t.Errorf("FieldErrors[%s] = %q, want %q", field, apiErr.FieldErrors[field], msgs)
		}
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("a 400 was sent %d times", n)
	}
}

func TestRetries(t *testing.T) {
	cases := map[string]struct {
		status     int
		retryAfter string
		failures   int
		wantSent   int
		wantErr    bool
	}{
		"503 then success":          {503, "", 2, 3, false},
		"429 with Retry-After":      {429, "0", 1, 2, false},
		"502 then success":          {502, "", 1, 2, false},
		"504 then success":          {504, "", 3, 4, false},
		"503 until retries run out": {503, "", 10, 4, true},
		"400 is not retried":        {400, "", 1, 1, true},
		"401 is not retried":        {401, "", 1, 1, true},
		"404 is not retried":        {404, "", 1, 1, true},
		"500 is not retried":        {500, "", 1, 1, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			users := emulator.GenerateUsers(1)
			srv, c := start(t, emulator.Options{}, users...)
			srv.Fail("GET", "/v1/user/", tc.status, "", tc.retryAfter, tc.failures)
			_, err := c.GetUser(context.Background(), users[0].ID)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if n := userRequests(srv); n != tc.wantSent {
				t.Errorf("sent %d requests, want %d", n, tc.wantSent)
			}
			var apiErr *client.APIError
			if tc.wantErr && (!errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Attempts != tc.wantSent) {
				t.Errorf("err = %#v, want status %d after %d attempts", err, tc.status, tc.wantSent)
			}
		})
	}
}

func TestRetriesConnectionErrors(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	accepted := 0
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			accepted++
			mu.Unlock()
			_ = conn.Close()
		}
	}()
	t.Cleanup(func() { _ = listener.Close() })

	for retries, want := range map[int]string{0: "gave up after 1 attempt: ", 2: "gave up after 3 attempts: "} {
		mu.Lock()
		accepted = 0
		mu.Unlock()
		c := newClient(t, "http://"+listener.Addr().String(), "secret-token", func(cfg *client.Config) { cfg.MaxRetries = retries })
		_, err = c.GetUser(context.Background(), "usr_1")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("max retries %d: err = %v, want %q", retries, err, want)
		}
		mu.Lock()
		if accepted != retries+1 {
			t.Errorf("max retries %d: server saw %d connections", retries, accepted)
		}
		mu.Unlock()
	}
}

// A 503 holds only its own request, a 429 every request of the client.
func TestCancellationStopsRetrying(t *testing.T) {
	for _, status := range []int{503, 429} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			emu := emulator.New(emulator.Options{})
			emu.Seed(emulator.GenerateUsers(1)...)
			emu.Fail("", "/v1/user/", status, "", "30", 5)
			ctx, cancel := context.WithCancel(context.Background())
			// Cancel once the first answer, asking for a 30 s wait, is on its
			// way. Whether the client is still reading it or already waiting to
			// retry, it must stop at once and say it was cancelled.
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				emu.ServeHTTP(w, r)
				w.(http.Flusher).Flush()
				cancel()
			}))
			t.Cleanup(srv.Close)

			c := newClient(t, srv.URL, "dev-token")
			_, err := c.GetUser(ctx, "usr_0001")
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if n := len(emu.Requests()); n != 1 {
				t.Errorf("sent %d requests after cancellation, want 1", n)
			}
		})
	}
}

func TestTokenNeverLogged(t *testing.T) {
	const token = "tok-5up3r-s3cr3t"
	users := emulator.GenerateUsers(1)
	srv := emulator.NewTestServer(t, emulator.Options{Token: token}, users...)
	c := newClient(t, srv.URL, token)
	srv.Fail("GET", "/v1/user/", 400, `{"detail": "token tok-5up3r-s3cr3t is not allowed here", "email": ["tok-5up3r-s3cr3t is no email"]}`, "", 1)

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	_, err := c.GetUser(ctx, users[0].ID)
	if err == nil {
		t.Fatal("expected the injected 400")
	}
	first := "changed"
	if _, err := c.UpdateUser(ctx, users[0].ID, client.UserPatch{FirstName: &first}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(err.Error(), "email: [redacted] is no email") || strings.Contains(err.Error(), token) {
		t.Errorf("error does not hide the token: %v", err)
	}
	out := logs.String()
	for _, want := range []string{"Sending request to Preo", "Received response from Preo", `"status":400`, `"method":"PATCH"`, `\"first_name\":\"changed\"`} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, token) {
		t.Errorf("logs contain the token:\n%s", out)
	}
}

func TestConnectionsStayWithinTheCap(t *testing.T) {
	users := emulator.GenerateUsers(5)
	srv := emulator.NewTestServer(t, emulator.Options{Latency: 2 * time.Millisecond}, users...)
	c := newClient(t, srv.URL, srv.Token, func(cfg *client.Config) { cfg.MaxConcurrentRequests = 4 })
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			if _, err := c.GetUser(context.Background(), users[i%len(users)].ID); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := srv.Connections(); n < 1 || n > 4 {
		t.Errorf("opened %d connections for 64 requests with a cap of 4", n)
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	for _, cfg := range []client.Config{
		{BaseURL: "https://api.preo.dev"},
		{BaseURL: "https://api.preo.dev", Token: "tok\n"},
		{BaseURL: "http://api.preo.dev", Token: "t"},
		{BaseURL: "not a url", Token: "t"},
		{BaseURL: "https://api.preo.dev/v1", Token: "t"},
		{BaseURL: "https://api.preo.dev", Token: "t", MaxConcurrentRequests: 1 << 62},
		{BaseURL: "https://api.preo.dev", Token: "t", MaxRetries: client.MaxMaxRetries + 1},
		{BaseURL: "https://api.preo.dev", Token: "t", RequestTimeout: client.MaxRequestTimeout + 1},
	} {
		if _, err := client.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	cases := map[string]string{
		"https://api.preo.dev":         "https://api.preo.dev",
		"https://api.preo.dev/":        "https://api.preo.dev",
		"https://proxy.example/preo/":  "https://proxy.example/preo",
		"http://localhost:8089":        "http://localhost:8089",
		"http://127.0.0.5:1":           "http://127.0.0.5:1",
		"http://[::1]:8089/":           "http://[::1]:8089",
		"http://api.preo.dev":          "",
		"http://10.0.0.1":              "",
		"http://localhost.evil.com":    "",
		"ftp://api.preo.dev":           "",
		"api.preo.dev":                 "",
		"https://":                     "",
		"https://user:pw@api.preo.dev": "",
		"https://api.preo.dev?x=1":     "",
		"https://api.preo.dev?":        "",
		"::":                           "",
		"https://api.preo.dev/v1":      "",
		"https://api.preo.dev/v1/":     "",
		"https://proxy.example/a/v1":   "",
		"https://api.preo.dev/v1/user": "",
		"https://api.preo.dev/v10":     "https://api.preo.dev/v10",
	}
	for raw, want := range cases {
		got, err := client.ParseBaseURL(raw)
		switch {
		case want == "" && err == nil:
			t.Errorf("ParseBaseURL(%q) = %v, want an error", raw, got)
		case want != "" && err != nil:
			t.Errorf("ParseBaseURL(%q): %v", raw, err)
		case want != "" && got.String() != want:
			t.Errorf("ParseBaseURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

// A password in base_url never shows in the error, whether or not the URL
// parses.
func TestParseBaseURLHidesPasswords(t *testing.T) {
	for _, raw := range []string{
		"https://ada:hunter2@api.preo.dev",
		"https://ada:hunter2@api.preo.dev:bad/",
		"http://ada:hunter2@example.com",
		"ada:hunter2@api.preo.dev",
		"https://ada:hunt/er2@api.preo.dev",
	} {
		_, err := client.ParseBaseURL(raw)
		var urlErr *client.BaseURLError
		if !errors.As(err, &urlErr) {
			t.Fatalf("ParseBaseURL(%q) = %v, want a *BaseURLError", raw, err)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "hunt/er2") {
			t.Errorf("ParseBaseURL(%q) shows the password: %v", raw, err)
		}
	}
}

func TestCheckToken(t *testing.T) {
	for token, want := range map[string]error{
		"tok_123":       nil,
		"":              client.ErrEmptyToken,
		"tok\n123":      client.ErrTokenControlChar,
		"tok\x7f":       client.ErrTokenControlChar,
		"tok\u0085":     client.ErrTokenControlChar,
		"tok\r\nX-A: b": client.ErrTokenControlChar,
	} {
		err := client.CheckToken(token)
		if !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("CheckToken(%q) = %v, want %v", token, err, want)
		}
		if err != nil && token != "" && strings.Contains(err.Error(), token) {
			t.Errorf("CheckToken(%q) quotes the token: %v", token, err)
		}
	}
}

// The cap's queue must not eat into request_timeout: only time on the wire counts.
func TestRequestTimeoutExcludesWaitingForASlot(t *testing.T) {
	users := emulator.GenerateUsers(1)
	srv := emulator.NewTestServer(t, emulator.Options{Latency: 40 * time.Millisecond}, users...)
	c := newClient(t, srv.URL, srv.Token, func(cfg *client.Config) {
		cfg.MaxConcurrentRequests = 1
		cfg.RequestTimeout = 2 * time.Second
		cfg.MaxRetries = 0
	})
	// 60 requests through one slot queue for about 2.4 s in all, longer than
	// request_timeout, while each one alone takes 40 ms.
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for range 60 {
		wg.Go(func() {
			if _, err := c.GetUser(context.Background(), users[0].ID); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRequestTimeoutBoundsEachAttempt(t *testing.T) {
	users := emulator.GenerateUsers(1)
	// The emulator would take a minute to answer; each attempt gives up long before.
	srv := emulator.NewTestServer(t, emulator.Options{Latency: time.Minute}, users...)
	c := newClient(t, srv.URL, srv.Token, func(cfg *client.Config) {
		cfg.RequestTimeout = 50 * time.Millisecond
		cfg.MaxRetries = 2
	})
	_, err := c.GetUser(context.Background(), users[0].ID)
	var timeout *client.TimeoutError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &timeout) || timeout.Timeout != 50*time.Millisecond ||
		!strings.Contains(err.Error(), "gave up after 3 attempts: ") || !strings.Contains(err.Error(), "no complete answer within 50ms") {
		t.Fatalf("err = %v, want a request_timeout after 3 attempts", err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d attempts reached the server, want 3", n)
	}
}

// userRequests counts the requests for one user, leaving out the listing
// GetUser asks for proof when it gets a 404.
func userRequests(srv *emulator.TestServer) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/v1/user/") {
			n++
		}
	}
	return n
}
