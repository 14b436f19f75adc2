package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

const usersAddress = "data.preo_users.all"

// usersConfig is a preo_users "all" block with the given attribute lines.
func usersConfig(attributes ...string) string {
	return fmt.Sprintf("data \"preo_users\" \"all\" {\n  %s\n}\n", strings.Join(attributes, "\n  "))
}

// expectIDs checks the listed ids, in order.
func expectIDs(ids ...string) statecheck.StateCheck {
	values := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		values[i] = knownvalue.StringExact(id)
	}
	return statecheck.ExpectKnownValue(usersAddress, attrPath("ids"), knownvalue.ListExact(values))
}

func expectTotal(n int) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(usersAddress, attrPath("total_count"), knownvalue.Int64Exact(int64(n)))
}

// listedPages returns the page parameter of each list request, sorted:
// parallel fetches arrive in any order, and which pages were fetched is what
// counts.
func listedPages(requests []emulator.Request) []string {
	var pages []string
	for _, r := range requests {
		if r.Method == http.MethodGet && r.Path == "/v1/user" {
			pages = append(pages, r.Query.Get("page"))
		}
	}
	slices.Sort(pages)
	return pages
}

func ids(users []emulator.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out
}

func TestAccUsersDataSource_filters(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan(), grace())
	cases := []struct {
		attributes []string
		want       []string
	}{
		{nil, []string{"usr_ada", "usr_alan", "usr_grace"}},
		{[]string{`edition_id = "edt_main"`}, []string{"usr_ada", "usr_alan"}},
		{[]string{`organization_id = "org_north"`}, []string{"usr_ada", "usr_grace"}},
		{[]string{`edition_id = "edt_main"`, `organization_id = "org_north"`}, []string{"usr_ada"}},
		{[]string{`search = "example.com"`}, []string{"usr_ada", "usr_alan"}},
		{[]string{`search = "ada lovelace"`}, []string{"usr_ada"}},
		{[]string{`search = "a,hopper"`}, []string{"usr_grace"}},
		{[]string{`search = "4587"`}, []string{"usr_grace"}},
		{[]string{`search = "nobody"`}, []string{}},
		{[]string{`organization_id = "org_north"`, `search = "example"`}, []string{"usr_ada", "usr_grace"}},
		{[]string{`edition_id = "edt_unknown"`}, []string{}},
	}
	steps := make([]resource.TestStep, len(cases))
	for i, tc := range cases {
		steps[i] = resource.TestStep{
			Config:            withProvider(srv, usersConfig(tc.attributes...)),
			ConfigStateChecks: []statecheck.StateCheck{expectIDs(tc.want...), expectTotal(len(tc.want))},
		}
	}
	acceptanceTest(t, resource.TestCase{ProtoV6ProviderFactories: noEnv, Steps: steps})
}

func TestAccUsersDataSource_userAttributes(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config: withProvider(srv, usersConfig()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(usersAddress, attrPath("users"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("usr_ada"), "email": knownvalue.StringExact("ada@example.com"),
						"phone_number": knownvalue.StringExact("+4512345678"), "first_name": knownvalue.StringExact("Ada"),
						"last_name": knownvalue.StringExact("Lovelace"), "is_verified": knownvalue.Bool(true),
						"is_active": knownvalue.Bool(true), "locale": knownvalue.StringExact("en"),
						"msg_channel": knownvalue.StringExact("email"), "date_joined": knownvalue.StringExact("2024-08-25T15:00:00Z"),
						"last_seen": knownvalue.StringExact("2026-11-20T09:30:00.25Z"),
						"metadata":  knownvalue.StringExact(`{"tags":["vip"],"tier":"gold"}`),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("usr_alan"), "phone_number": knownvalue.StringExact(""),
						"msg_channel": knownvalue.Null(), "last_seen": knownvalue.Null(), "metadata": knownvalue.StringExact(`{}`),
					}),
				})),
			},
		}},
	})
}

func TestAccUsersDataSource_ordering(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{PageSize: 7}, emulator.GenerateUsers(25)...)
	orderings := [][]string{
		{"email"}, {"-email"}, {"last_seen"}, {"-last_seen"}, {"phone_number", "-date_joined"},
		{"-last_seen", "email"}, {"date_joined"},
	}
	steps := make([]resource.TestStep, len(orderings))
	for i, ordering := range orderings {
		quoted := make([]string, len(ordering))
		for j, field := range ordering {
			quoted[j] = strconv.Quote(field)
		}
		steps[i] = resource.TestStep{
			PreConfig: forgetRequests(srv),
			Config:    withProvider(srv, usersConfig(`ordering = [`+strings.Join(quoted, ", ")+`]`)),
			ConfigStateChecks: []statecheck.StateCheck{
				expectIDs(ids(srv.Ordered(ordering...))...),
				requestsCheck{srv: srv, check: func(requests []emulator.Request) error {
					for _, r := range requests {
						if got := r.Query["ordering"]; r.Path == "/v1/user" && !slices.Equal(got, []string{strings.Join(ordering, ",")}) {
							return fmt.Errorf("sent ordering %q, want one comma-separated parameter %q", got, strings.Join(ordering, ","))
						}
					}
					return nil
				}},
			},
		}
	}
	acceptanceTest(t, resource.TestCase{ProtoV6ProviderFactories: noEnv, Steps: steps})
}

func TestAccUsersDataSource_invalidOrdering(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	cases := map[string]string{
		`["first_name"]`:             `value must be one of`,
		`["email", "-email"]`:        `"email" appears more than once in ordering`,
		`["last_seen", "last_seen"]`: `"last_seen" appears more than once`,
		`["--email"]`:                `value must be one of`,
		`[""]`:                       `value must be one of`,
	}
	var steps []resource.TestStep
	for ordering, want := range cases {
		steps = append(steps, resource.TestStep{
			Config:      withProvider(srv, usersConfig(`ordering = `+ordering)),
			PlanOnly:    true,
			ExpectError: errorMatching(`ordering`, want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: withProvider(srv, usersConfig(`max_results = 0`)), PlanOnly: true,
		ExpectError: errorMatching(`max_results`, `not a whole number from 1 to 100000`),
	})
	acceptanceTest(t, resource.TestCase{ProtoV6ProviderFactories: noEnv, Steps: steps})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("invalid configurations sent %d requests", n)
	}
}

func TestAccUsersDataSource_pagination(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		users      int
		attributes []string
		wantUsers  int
		wantPages  []string
	}{
		"no users":                  {0, nil, 0, []string{""}},
		"one user":                  {1, nil, 1, []string{""}},
		"exactly one page":          {7, nil, 7, []string{""}},
		"many pages":                {53, nil, 53, []string{"", "2", "3", "4", "5", "6", "7", "8"}},
		"max_results below a page":  {53, []string{`max_results = 3`}, 3, []string{""}},
		"max_results at a page":     {53, []string{`max_results = 7`}, 7, []string{""}},
		"max_results above a page":  {53, []string{`max_results = 8`}, 8, []string{"", "2"}},
		"max_results of many pages": {53, []string{`max_results = 22`}, 22, []string{"", "2", "3", "4"}},
		"max_results above count":   {53, []string{`max_results = 500`}, 53, []string{"", "2", "3", "4", "5", "6", "7", "8"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			users := emulator.GenerateUsers(tc.users)
			srv := startEmulator(t, emulator.Options{PageSize: 7}, users...)
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: noEnv,
				Steps: []resource.TestStep{{
					PreConfig: forgetRequests(srv),
					Config:    withProvider(srv, usersConfig(tc.attributes...)),
					ConfigStateChecks: []statecheck.StateCheck{
						expectIDs(ids(srv.Users())[:tc.wantUsers]...),
						expectTotal(tc.users),
						statecheck.ExpectKnownValue(usersAddress, attrPath("users"), knownvalue.ListSizeExact(tc.wantUsers)),
					},
				}},
			})
			// Terraform reads the data source in plan and again in the
			// post-apply refresh and plan: every read fetches the same pages.
			requests := srv.Requests()
			perRead := len(tc.wantPages)
			if len(requests) == 0 || len(requests)%perRead != 0 {
				t.Fatalf("%d list requests, not a multiple of the %d pages one read needs", len(requests), perRead)
			}
			if got := listedPages(requests[:perRead]); !slices.Equal(got, tc.wantPages) {
				t.Errorf("one read fetched pages %q, want %q", got, tc.wantPages)
			}
		})
	}
}

func TestAccUsersDataSource_refusesForeignNextLink(t *testing.T) {
	t.Parallel()
	other := startEmulator(t, emulator.Options{}, emulator.GenerateUsers(10)...)
	srv := startEmulator(t, emulator.Options{PageSize: 7, LinkBaseURL: other.URL}, emulator.GenerateUsers(10)...)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config:      withProvider(srv, usersConfig()),
			ExpectError: errorMatching(`Unable to List Preo Users`, `next link outside the API`, `was not requested`),
		}},
	})
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the foreign host received %d requests", n)
	}
}

func TestAccUsersDataSource_refusesLoopingNextLink(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{PageSize: 7, LoopingNext: true}, emulator.GenerateUsers(20)...)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config:      withProvider(srv, usersConfig()),
			ExpectError: errorMatching(`Unable to List Preo Users`, `next link to a page already read`),
		}},
	})
}

func TestRepeatedOrderingField(t *testing.T) {
	values := func(elements ...types.String) []types.String { return elements }
	s := types.StringValue
	cases := []struct {
		ordering []types.String
		repeated string
	}{
		{ordering: nil},
		{ordering: values(s("email"), s("-last_seen"), s("date_joined"), s("phone_number"))},
		{ordering: values(s("email"), s("-email")), repeated: "email"},
		{ordering: values(s("-last_seen"), s("email"), s("last_seen")), repeated: "last_seen"},
		{ordering: values(s("email"), s("phone_number"), s("phone_number"), s("email")), repeated: "phone_number"},
		{ordering: values(types.StringUnknown(), types.StringUnknown(), s("email"))},
		{ordering: values(types.StringNull(), s("-email"), types.StringNull())},
	}
	for _, tc := range cases {
		field, ok := repeatedOrderingField(tc.ordering)
		if field != tc.repeated || ok != (tc.repeated != "") {
			t.Errorf("repeatedOrderingField(%v) = %q, %v; want %q", tc.ordering, field, ok, tc.repeated)
		}
	}
}
