package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// These tests hold each line of the table "Requests per operation" in
// DESIGN.md: the requests Preo receives for one operation, read from the
// emulator's request log. terraform-plugin-testing runs every step as a
// saved plan, then its apply, then a plan without and one with refresh:
// a PreApply check sees the plan's requests, a state check the apply's,
// and a PostApplyPostRefresh check the refresh of both later plans.

// expectRequests checks the requests made since the last check, as
// "METHOD path?query", in any order: parallel page reads arrive in any.
func expectRequests(srv *emulator.TestServer, want ...string) requestsCheck {
	return requestsCheck{srv: srv, check: func(requests []emulator.Request) error {
		got := make([]string, len(requests))
		for i, r := range requests {
			got[i] = r.Method + " " + r.Path
			if len(r.Query) > 0 {
				got[i] += "?" + r.Query.Encode()
			}
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			return fmt.Errorf("requests:\n  got  %s\n  want %s", strings.Join(got, ", "), strings.Join(want, ", "))
		}
		return nil
	}}
}

const (
	getAda   = "GET /v1/user/usr_ada"
	patchAda = "PATCH /v1/user/usr_ada"
)

// requestsPerStep checks a step's plan, apply and refresh requests.
func requestsPerStep(srv *emulator.TestServer, plan, apply, refresh []string) (resource.ConfigPlanChecks, []statecheck.StateCheck) {
	return resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{expectRequests(srv, plan...)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectRequests(srv, refresh...)},
	}, []statecheck.StateCheck{expectRequests(srv, apply...)}
}

func TestAccRequests_userResource(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	// A step whose plan makes the given requests, its apply the others,
	// and whose refresh afterwards reads the user once.
	step := func(config string, plan, apply []string) resource.TestStep {
		checks, state := requestsPerStep(srv, plan, apply, []string{getAda})
		return resource.TestStep{
			PreConfig:         forgetRequests(srv),
			Config:            withProvider(srv, config),
			ConfigPlanChecks:  checks,
			ConfigStateChecks: state,
		}
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			// Adoption: the plan reads the user; the apply plans once more,
			// which reads it again, and sends the PATCH, whose answer is
			// checked: three requests in all.
			step(userConfig(`id = "usr_ada"`, `first_name = "Augusta"`), []string{getAda}, []string{getAda, patchAda}),
			// An unchanged user: one read in the plan, nothing to apply.
			step(userConfig(`id = "usr_ada"`, `first_name = "Augusta"`), []string{getAda}, nil),
			// A rename: the refresh, then the PATCH.
			step(userConfig(`id = "usr_ada"`, `first_name = "Ada"`), []string{getAda}, []string{patchAda}),
			// Import by id, with the command: one read.
			{
				PreConfig:        forgetRequests(srv),
				ResourceName:     adaAddress,
				ImportState:      true,
				ImportStateCheck: func([]*terraform.InstanceState) error { return expectRequests(srv, getAda).check(srv.Requests()) },
			},
			// Destroy makes no request: Preo keeps the user.
			{
				PreConfig: forgetRequests(srv),
				Config:    withProvider(srv, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionDestroy), expectRequests(srv, getAda)},
				},
				ConfigStateChecks: []statecheck.StateCheck{expectRequests(srv)},
			},
		},
	})
}

// Adopting a user whose values already match reads it at plan time and once
// more while applying, and sends nothing.
func TestAccRequests_adoptionWithoutChanges(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	checks, state := requestsPerStep(srv, []string{getAda}, []string{getAda}, []string{getAda})
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config:            withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Ada"`)),
			ConfigPlanChecks:  checks,
			ConfigStateChecks: state,
		}},
	})
}

// An import block is planned with one read of the user; by email address,
// with the lookup first.
func TestAccRequests_importBlock(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	step := func(id string, plan ...string) resource.TestStep {
		checks, state := requestsPerStep(srv, plan, nil, []string{getAda})
		return resource.TestStep{
			PreConfig: forgetRequests(srv),
			Config: withProvider(srv, userConfig(`id = "usr_ada"`)+fmt.Sprintf(`
import {
  to = preo_user.ada
  id = %q
}
`, id)),
			ConfigPlanChecks:  checks,
			ConfigStateChecks: state,
		}
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			step("usr_ada", getAda),
		},
	})
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			step("ada@example.com", "GET /v1/user?search=ada%40example.com", getAda),
		},
	})
}

// The data sources read what they return, once per plan: a user by id, a
// user by email address through one search page, and a listing page by
// page. The apply reads nothing more.
func TestAccRequests_dataSources(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{PageSize: 2}, ada(), alan(), grace())
	step := func(config string, reads ...string) resource.TestStep {
		return resource.TestStep{
			PreConfig: forgetRequests(srv),
			Config:    withProvider(srv, config),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{expectRequests(srv, reads...)},
				// The plan without refresh reads data sources again, and
				// so does the one with refresh.
				PostApplyPostRefresh: []plancheck.PlanCheck{expectRequests(srv, append(reads, reads...)...)},
			},
			ConfigStateChecks: []statecheck.StateCheck{expectRequests(srv)},
		}
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			step(`data "preo_user" "ada" { id = "usr_ada" }`, getAda),
			step(`data "preo_user" "ada" { email = "ada@example.com" }`, "GET /v1/user?search=ada%40example.com"),
			step(`data "preo_users" "all" {}`, "GET /v1/user", "GET /v1/user?page=2"),
			step(`data "preo_users" "first" { max_results = 2 }`, "GET /v1/user"),
		},
	})
}

// Plans read every managed user, and these tests hold the plan-level lines
// of the table: the reads are answered from listings, never wrongly. The
// tenant holds 30 users on 6 pages of 5; twelve of them form one
// organization, listed on 3 pages.
const (
	planTenantUsers = 30
	planTenantPages = 6
	planOrgUsers    = 12
)

func planTenant(t *testing.T) *emulator.TestServer {
	t.Helper()
	users := emulator.GenerateUsers(planTenantUsers)
	for i := range users {
		users[i].OrganizationID = "org_other"
		if i < planOrgUsers {
			users[i].OrganizationID = "org_big"
		}
	}
	return startEmulator(t, emulator.Options{PageSize: 5}, users...)
}

// providerWith is withProvider with more provider settings.
func providerWith(srv *emulator.TestServer, settings, hcl string) string {
	return fmt.Sprintf(`
provider "preo" {
  base_url    = %[1]q
  api_token   = %[2]q
  max_retries = 0
  %[3]s
}
%[4]s`, srv.URL, srv.Token, settings, hcl)
}

// expectReads checks the requests made since the last check: exactly the
// pages given, in any order, and between minGets and maxGets GETs of
// single users, among them those named in mustGet.
func expectReads(srv *emulator.TestServer, pages []string, minGets, maxGets int, mustGet ...string) requestsCheck {
	return requestsCheck{srv: srv, check: func(requests []emulator.Request) error {
		var gotPages []string
		gets := map[string]bool{}
		getCount := 0
		for _, r := range requests {
			if r.Path != "/v1/user" {
				getCount++
				gets[r.Method+" "+r.Path] = true
				continue
			}
			page := r.Method + " " + r.Path
			if len(r.Query) > 0 {
				page += "?" + r.Query.Encode()
			}
			gotPages = append(gotPages, page)
		}
		slices.Sort(gotPages)
		want := slices.Sorted(slices.Values(pages))
		if !slices.Equal(gotPages, want) {
			return fmt.Errorf("pages:\n  got  %s\n  want %s", strings.Join(gotPages, ", "), strings.Join(want, ", "))
		}
		if getCount < minGets || getCount > maxGets {
			return fmt.Errorf("%d GETs of single users, want %d to %d", getCount, minGets, maxGets)
		}
		for _, get := range mustGet {
			if !gets[get] {
				return fmt.Errorf("no %s among the requests", get)
			}
		}
		return nil
	}}
}

// eitherOf passes when one of two request checks does.
func eitherOf(a, b requestsCheck) requestsCheck {
	return requestsCheck{srv: a.srv, check: func(requests []emulator.Request) error {
		errA := a.check(requests)
		if errA == nil {
			return nil
		}
		if errB := b.check(requests); errB != nil {
			return fmt.Errorf("%w\nor %w", errA, errB)
		}
		return nil
	}}
}

// The adoption guide's pattern: once its users are managed, a plan costs
// the data source's pages and the one GET that proves the listing carries
// what a GET does. A change made in Preo between plans shows in the next
// one, and a user gone from Preo is read with its own GET, whose 404
// removes it.
func TestAccRequests_guidePattern(t *testing.T) {
	t.Parallel()
	srv := planTenant(t)
	config := providerWith(srv, "", `
data "preo_users" "organization" {
  organization_id = "org_big"
}
resource "preo_user" "member" {
  for_each   = toset(data.preo_users.organization.ids)
  id         = each.key
  first_name = "Member"
}
`)
	orgPages := func(n int) []string {
		pages := []string{"GET /v1/user?organization_id=org_big"}
		for page := 2; page <= n; page++ {
			pages = append(pages, fmt.Sprintf("GET /v1/user?organization_id=org_big&page=%d", page))
		}
		return pages
	}
	twice := func(pages []string) []string { return append(slices.Clone(pages), pages...) }
	const drifted = `preo_user.member["usr_0003"]`
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{Config: config},
			// A plan that changes nothing: three pages and one GET.
			{
				PreConfig: forgetRequests(srv),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectReads(srv, orgPages(3), 1, 1)},
					// The plan without refresh reads the data source; the
					// one with refresh reads it and the managed users.
					PostApplyPostRefresh: []plancheck.PlanCheck{expectReads(srv, twice(orgPages(3)), 1, 1)},
				},
			},
			// Someone renames a user in Preo: the plan puts the name back.
			{
				PreConfig: func() {
					srv.UpdateUser("usr_0003", func(u *emulator.User) { u.FirstName = "Renamed" })
					srv.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(drifted, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(drifted, tfjsonpath.New("first_name"), knownvalue.StringExact("Member")),
						expectReads(srv, orgPages(3), 1, 1),
					},
				},
			},
			// A user deleted in Preo leaves the organization's listing; its
			// refresh reads it with a GET, and the 404 removes it. Terraform
			// may refresh it before the data source is read, and then the
			// 404 asks the listing's first page whether the API answers.
			{
				PreConfig: func() {
					srv.DeleteUser("usr_0005")
					srv.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						eitherOf(
							expectReads(srv, orgPages(3), 2, 2, "GET /v1/user/usr_0005"),
							expectReads(srv, append(orgPages(3), "GET /v1/user"), 2, 2, "GET /v1/user/usr_0005"),
						),
					},
				},
			},
			// terraform-plugin-testing cannot read the state of instances
			// with string keys, which it does once the steps are done: this
			// step lets go of every user.
			{Config: providerWith(srv, "", "")},
		},
	})
	if _, ok := srv.User("usr_0003"); !ok {
		t.Fatal("usr_0003 is gone")
	}
	if u, _ := srv.User("usr_0003"); u.FirstName != "Member" {
		t.Errorf("usr_0003 is named %q after the apply, want Member", u.FirstName)
	}
}

// Users written out by id, in a tenant of P pages: below P the reads are
// GETs (and the second one learns P); above it they cost at most 2 x P + 1.
// Each read strategy is honoured.
func TestAccRequests_usersByID(t *testing.T) {
	t.Parallel()
	allPages := func() []string {
		pages := []string{"GET /v1/user"}
		for page := 2; page <= planTenantPages; page++ {
			pages = append(pages, fmt.Sprintf("GET /v1/user?page=%d", page))
		}
		return pages
	}
	for _, tc := range []struct {
		name     string
		settings string
		users    int
		pages    []string
		min, max int
	}{
		{"adaptive, one user", "", 1, nil, 1, 1},
		// The probe's page may answer some of the reads.
		{"adaptive, below P", "", 4, []string{"GET /v1/user"}, 1, 4},
		{"adaptive, above P", "", 20, allPages(), 1, planTenantPages},
		{"list", `read_strategy = "list"`, 20, allPages(), 1, 1},
		{"get", `read_strategy = "get"`, 20, nil, 20, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := planTenant(t)
			config := providerWith(srv, tc.settings, fmt.Sprintf(`
resource "preo_user" "member" {
  count = %d
  id    = format("usr_%%04d", count.index + 1)
}
`, tc.users))
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: noEnv,
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig: forgetRequests(srv),
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectReads(srv, tc.pages, tc.min, tc.max)},
						},
					},
				},
			})
		})
	}
}
