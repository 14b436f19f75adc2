package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// retryAfterForms writes an instant in every form RFC 9110 allows for
// Retry-After, delay-seconds included.
var retryAfterForms = map[string]func(at time.Time) string{
	"seconds": func(at time.Time) string {
		return fmt.Sprint(max(int64(time.Until(at).Round(time.Second)/time.Second), 0))
	},
	"IMF-fixdate": func(at time.Time) string { return at.UTC().Format(http.TimeFormat) },
	"RFC 850":     func(at time.Time) string { return at.UTC().Format("Monday, 02-Jan-06 15:04:05 GMT") },
	"asctime":     func(at time.Time) string { return at.UTC().Format(time.ANSIC) },
}

// Every form of Retry-After, in the past, near and far, on 429 and 503, for
// one request and for eight in flight together: a wait within the cap is
// honoured; a longer one is cut to the cap, reported in the error, and never
// holds a request that has no retry left. A request that got a 429 itself is
// sent again only as one of its retries, whichever request's 429 set the wait.
func TestRetryAfterEveryForm(t *testing.T) {
	whens := map[string]struct {
		at         func() time.Time
		maxRetries int
		// wantRetried: the answer is retried and the request succeeds;
		// otherwise it fails after one attempt, reporting the capped wait.
		wantRetried bool
		minWait     time.Duration
	}{
		"past": {func() time.Time { return time.Now().Add(-time.Hour) }, 1, true, 0},
		"near": {func() time.Time { return time.Now().Add(1500 * time.Millisecond) }, 1, true, 400 * time.Millisecond},
		"far":  {func() time.Time { return time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC) }, 0, false, 0},
	}
	for formName, form := range retryAfterForms {
		for whenName, when := range whens {
			for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
				for _, inFlight := range []int{1, 8} {
					name := fmt.Sprintf("%s/%s/%d/%d in flight", formName, whenName, status, inFlight)
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						value := form(when.at())
						if formName == "seconds" && whenName == "far" {
							value = "2000000000"
						}
						users := emulator.GenerateUsers(inFlight)
						emu := emulator.New(emulator.Options{})
						emu.Seed(users...)
						emu.Fail("GET", "/v1/user/", status, "", value, inFlight)
						srv := httptest.NewServer(barrier(inFlight, emu))
						t.Cleanup(srv.Close)
						c := newClient(t, srv.URL, "dev-token", func(cfg *client.Config) { cfg.MaxRetries = when.maxRetries })

						errs := make([]error, inFlight)
						began := time.Now()
						var wg sync.WaitGroup
						for i, u := range users {
							wg.Go(func() { _, errs[i] = c.GetUser(context.Background(), u.ID) })
						}
						wg.Wait()
						took := time.Since(began)

						// Well below the 60 s cap, which a wait that is not
						// bounded as it should be would reach, and well above
						// what a loaded machine adds.
						if took > 30*time.Second || took < when.minWait {
							t.Errorf("took %s for Retry-After %q", took, value)
						}
						wantSent := inFlight
						if when.wantRetried {
							wantSent = 2 * inFlight
						}
						if n := len(emu.Requests()); n != wantSent {
							t.Errorf("the server saw %d requests, want %d", n, wantSent)
						}
						for _, err := range errs {
							if when.wantRetried {
								if err != nil {
									t.Errorf("Retry-After %q: %v", value, err)
								}
								continue
							}
							var apiErr *client.APIError
							if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Attempts != 1 {
								t.Fatalf("Retry-After %q: err = %v, want %d after 1 attempt", value, err, status)
							}
							for _, want := range []string{fmt.Sprintf("Retry-After %q asked for a wait of ", value), "years", "the provider waits at most 1m0s"} {
								if !strings.Contains(err.Error(), want) {
									t.Errorf("error %q does not say %q", err, want)
								}
							}
						}
					})
				}
			}
		}
	}
}

// A wait within the cap that a 429 asked for holds the requests sent after
// it too, and a 503's Retry-After holds only the request it answered.
func TestRetryAfterHoldsLaterRequests(t *testing.T) {
	users := emulator.GenerateUsers(2)
	srv := emulator.NewTestServer(t, emulator.Options{}, users...)
	srv.Fail("GET", "/v1/user/"+users[0].ID, http.StatusTooManyRequests, "", "2", 1)
	c := newClient(t, srv.URL, srv.Token, func(cfg *client.Config) { cfg.MaxRetries = 0 })
	if _, err := c.GetUser(context.Background(), users[0].ID); err == nil {
		t.Fatal("the 429 was not reported")
	}
	began := time.Now()
	if _, err := c.GetUser(context.Background(), users[1].ID); err != nil {
		t.Fatal(err)
	}
	// Only the lower bound: a loaded machine may take longer, never less.
	if took := time.Since(began); took < 1500*time.Millisecond {
		t.Errorf("a request sent after Retry-After: 2 waited only %s", took)
	}
}

// A wait cut to the cap is logged at WARN, with what Preo asked.
func TestCappedRetryAfterIsLogged(t *testing.T) {
	users := emulator.GenerateUsers(1)
	srv := emulator.NewTestServer(t, emulator.Options{}, users...)
	srv.Fail("GET", "/v1/user/", http.StatusServiceUnavailable, "", "86400", 1)
	c := newClient(t, srv.URL, srv.Token, func(cfg *client.Config) { cfg.MaxRetries = 0 })
	var logs bytes.Buffer
	if _, err := c.GetUser(tflogtest.RootLogger(context.Background(), &logs), users[0].ID); err == nil {
		t.Fatal("the 503 was not reported")
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if entry["@level"] == "warn" && strings.Contains(entry["@message"].(string),
			`Preo answered 503 Service Unavailable to GET `+srv.URL+`/v1/user/`+users[0].ID+` (attempt 1 of 1): Retry-After "86400" asked for a wait of 24h0m0s; the provider waits at most 1m0s`) {
			return
		}
	}
	t.Errorf("no warning about the capped wait in %v", entries)
}
