package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/sync/errgroup"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// barrier answers the first n requests as they arrive but holds every
// answer until all n are answered, so that they are all on their way, and
// all answered by the server, before any answer comes back: a request the
// client sends again cannot reach the server before one of the first n.
func barrier(n int, next http.Handler) http.Handler {
	var mu sync.Mutex
	arrived, answered := 0, 0
	all := make(chan struct{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrived++
		first := arrived <= n
		mu.Unlock()
		if !first {
			next.ServeHTTP(w, r)
			return
		}
		answer := httptest.NewRecorder()
		next.ServeHTTP(answer, r)
		mu.Lock()
		answered++
		if answered == n {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-r.Context().Done():
			return
		}
		for name, values := range answer.Header() {
			w.Header()[name] = values
		}
		w.WriteHeader(answer.Code)
		_, _ = w.Write(answer.Body.Bytes())
	})
}

// Eight requests in flight together all get a 429. The first answer opens a
// throttle window; the other seven belong to it and open none, but each
// request that got a 429 is sent again only as one of its own retries: with
// none, all eight fail and nothing is sent again; with one, all eight
// succeed on their second attempt.
func TestRequestsInOneThrottleWindowSpendTheirOwnRetries(t *testing.T) {
	for maxRetries, want := range map[int]struct{ failed, sent int }{0: {8, 8}, 1: {0, 16}} {
		t.Run(fmt.Sprintf("max retries %d", maxRetries), func(t *testing.T) {
			users := emulator.GenerateUsers(8)
			emu := emulator.New(emulator.Options{})
			emu.Seed(users...)
			emu.Fail("GET", "/v1/user/", http.StatusTooManyRequests, "", "0", len(users))
			srv := httptest.NewServer(barrier(len(users), emu))
			t.Cleanup(srv.Close)
			c := newClient(t, srv.URL, "dev-token", func(cfg *client.Config) { cfg.MaxRetries = maxRetries })

			errs := make([]error, len(users))
			var wg sync.WaitGroup
			for i, u := range users {
				wg.Go(func() { _, errs[i] = c.GetUser(context.Background(), u.ID) })
			}
			wg.Wait()

			failed := 0
			for _, err := range errs {
				var apiErr *client.APIError
				switch {
				case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests && apiErr.Attempts == 1:
					failed++
				case err != nil:
					t.Errorf("unexpected error: %v", err)
				}
			}
			if failed != want.failed {
				t.Errorf("%d requests failed with a 429 after 1 attempt, want %d", failed, want.failed)
			}
			if n := len(emu.Requests()); n != want.sent {
				t.Errorf("the emulator saw %d requests, want %d", n, want.sent)
			}
		})
	}
}

func TestMaxRequestsPerSecondAvoidsThrottling(t *testing.T) {
	const limit = 20
	users := emulator.GenerateUsers(60)
	for name, tc := range map[string]struct {
		maxRequestsPerSecond float64
		wantThrottled        bool
	}{
		"set to the limit": {limit, false},
		"unset":            {0, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewTestServer(t, emulator.Options{RateLimit: limit}, users...)
			c := newClient(t, srv.URL, srv.Token, func(cfg *client.Config) {
				cfg.MaxRequestsPerSecond = tc.maxRequestsPerSecond
				cfg.MaxRetries = client.DefaultMaxRetries
			})
			group, ctx := errgroup.WithContext(context.Background())
			group.SetLimit(10)
			for _, u := range users {
				group.Go(func() error {
					_, err := c.GetUser(ctx, u.ID)
					return err
				})
			}
			if err := group.Wait(); err != nil {
				t.Fatal(err)
			}
			throttled := srv.RateLimited()
			if (throttled > 0) != tc.wantThrottled {
				t.Errorf("%d answers 429, want some: %v", throttled, tc.wantThrottled)
			}
			if n := len(srv.Requests()); n != len(users)+throttled {
				t.Errorf("%d requests for %d users and %d answers 429", n, len(users), throttled)
			}
		})
	}
}

func TestThrottledWaitsAndRetriesAreLogged(t *testing.T) {
	users := emulator.GenerateUsers(1)
	srv, c := start(t, emulator.Options{}, users...)
	srv.Fail("GET", "/v1/user/", http.StatusServiceUnavailable, "", "", 2)
	srv.Fail("PATCH", "/v1/user/", http.StatusTooManyRequests, "", "0", 1)

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	if _, err := c.GetUser(ctx, users[0].ID); err != nil {
		t.Fatal(err)
	}
	first := "Grete"
	if _, err := c.UpdateUser(ctx, users[0].ID, client.UserPatch{FirstName: &first}); err != nil {
		t.Fatal(err)
	}

	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	for _, entry := range entries {
		if entry["@level"] == "warn" {
			warnings = append(warnings, entry["@message"].(string))
		}
	}
	target := regexp.QuoteMeta(srv.URL + "/v1/user/" + users[0].ID)
	want := []*regexp.Regexp{
		regexp.MustCompile(`^Preo answered 503 Service Unavailable to GET ` + target + ` \(attempt 1 of 4\): retrying in [\d.]+m?s$`),
		regexp.MustCompile(`^Preo answered 503 Service Unavailable to GET ` + target + ` \(attempt 2 of 4\): retrying in [\d.]+m?s$`),
		regexp.MustCompile(`^Preo rate limited PATCH ` + target + ` \(attempt 1 of 4\) at about \d+\.\d requests per second: the provider sends at most \d+\.\d requests per second, rising slowly$`),
	}
	if len(warnings) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d", strings.Join(warnings, "\n"), len(want))
	}
	for i, pattern := range want {
		if !pattern.MatchString(warnings[i]) {
			t.Errorf("warning %d:\n%s\nwant it to match\n%s", i, warnings[i], pattern)
		}
	}
}

func TestRateLimitErrorCarriesTheRate(t *testing.T) {
	users := emulator.GenerateUsers(1)
	srv := emulator.NewTestServer(t, emulator.Options{}, users...)
	c := newClient(t, srv.URL, srv.Token, func(cfg *client.Config) { cfg.MaxRetries = 1 })
	srv.Fail("GET", "/v1/user/", http.StatusTooManyRequests, "", "0", 10)
	_, err := c.GetUser(context.Background(), users[0].ID)
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || apiErr.Attempts != 2 {
		t.Fatalf("err = %v, want a 429 after 2 attempts", err)
	}
	if apiErr.ThrottledRate <= 0 {
		t.Errorf("ThrottledRate = %v, want the rate the client sent at", apiErr.ThrottledRate)
	}
	if !strings.Contains(err.Error(), "after 2 attempts") {
		t.Errorf("error text: %v", err)
	}
}
