package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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
