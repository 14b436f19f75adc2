package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// rateLimit is the emulator's limit in these tests, in requests per second:
// far below what the provider sends unchecked, and high enough that a run of
// a few hundred requests takes seconds, not minutes.
const rateLimit = 30

// rateLimitedProvider is a provider block with the default settings, plus
// any extra lines.
func rateLimitedProvider(srv *emulator.TestServer, extra ...string) string {
	return fmt.Sprintf(`
provider "preo" {
  base_url  = %[1]q
  api_token = %[2]q
  %[3]s
}
`, srv.URL, srv.Token, strings.Join(extra, "\n  "))
}

// rateLimitCheck asserts on how many requests the emulator's rate limit
// refused during the step.
type rateLimitCheck struct {
	srv  *emulator.TestServer
	want func(refused int) error
}

func (c rateLimitCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.want(c.srv.RateLimited())
}

// renamedCheck asserts that Preo holds every new name.
type renamedCheck struct {
	srv   *emulator.TestServer
	users []emulator.User
}

func (c renamedCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	for _, u := range c.users {
		got, _ := c.srv.User(u.ID)
		if want := "Renamed " + u.ID; got.FirstName != want {
			resp.Error = fmt.Errorf("user %s has first name %q in Preo, want %q", u.ID, got.FirstName, want)
			return
		}
	}
}

// Sixty users adopted and renamed in one apply against a rate-limited API:
// with the default settings the provider backs off and paces itself, and
// finishes without running out of retries; with max_requests_per_second at
// the limit it is never refused at all. Every user is read with a GET of its
// own, so that the reads alone exceed the limit, which listings would not.
func TestAccProvider_rateLimitedApply(t *testing.T) {
	t.Parallel()
	users := emulator.GenerateUsers(60)
	cases := map[string]struct {
		settings []string
		want     func(refused int) error
	}{
		"default settings": {
			want: func(refused int) error {
				if refused == 0 {
					return fmt.Errorf("the rate limit never refused a request, so it proves nothing")
				}
				return nil
			},
		},
		"max_requests_per_second at the limit": {
			settings: []string{fmt.Sprintf("max_requests_per_second = %d", rateLimit)},
			want: func(refused int) error {
				if refused != 0 {
					return fmt.Errorf("the rate limit refused %d requests", refused)
				}
				return nil
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startEmulator(t, emulator.Options{RateLimit: rateLimit}, users...)
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: noEnv,
				Steps: []resource.TestStep{{
					Config:           rateLimitedProvider(srv, append(tc.settings, `read_strategy = "get"`)...) + teamConfig(users, "Renamed "),
					ConfigPlanChecks: emptyPlanAfterApply(),
					ConfigStateChecks: []statecheck.StateCheck{
						renamedCheck{srv: srv, users: users},
						rateLimitCheck{srv: srv, want: tc.want},
					},
				}},
			})
			if refused := srv.RateLimited(); tc.want(refused) != nil {
				t.Errorf("over the whole test: %v", tc.want(refused))
			}
		})
	}
}

// A listing of many pages, fetched in parallel under a rate limit, is the
// same list, in the same order, as the unthrottled API's: the emulator's
// default order, which the data source's own tests read unthrottled.
func TestAccProvider_rateLimitedListing(t *testing.T) {
	t.Parallel()
	users := emulator.GenerateUsers(300)
	// A lower limit than rateLimit: the first window of parallel pages
	// already exceeds what it allows.
	srv := startEmulator(t, emulator.Options{PageSize: 10, RateLimit: 10}, users...)
	ids := make([]knownvalue.Check, len(users))
	for i, u := range srv.Users() {
		ids[i] = knownvalue.StringExact(u.ID)
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config: rateLimitedProvider(srv) + `
data "preo_users" "all" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.preo_users.all", tfjsonpath.New("ids"), knownvalue.ListExact(ids)),
				statecheck.ExpectKnownValue("data.preo_users.all", tfjsonpath.New("total_count"), knownvalue.Int64Exact(int64(len(users)))),
				rateLimitCheck{srv: srv, want: func(refused int) error {
					if refused == 0 {
						return fmt.Errorf("the rate limit never refused a request, so it proves nothing")
					}
					return nil
				}},
			},
		}},
	})
}
