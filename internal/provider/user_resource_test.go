package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

const adaAddress = "preo_user.ada"

// userConfig is a preo_user "ada" block with the given attribute lines.
func userConfig(attributes ...string) string {
	return fmt.Sprintf("resource \"preo_user\" \"ada\" {\n  %s\n}\n", strings.Join(attributes, "\n  "))
}

// afterAdoptingAda runs steps after a first one that adopts Ada's user as
// Preo has it.
func afterAdoptingAda(t *testing.T, srv *emulator.TestServer, steps ...resource.TestStep) {
	t.Helper()
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps:                    append([]resource.TestStep{{Config: withProvider(srv, userConfig(`id = "usr_ada"`))}}, steps...),
	})
}

func attrPath(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

func emptyPlanAfterApply() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

// adaInPreo is every attribute of the fixture ada as the provider reads it.
func adaInPreo() map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"id":           knownvalue.StringExact("usr_ada"),
		"email":        knownvalue.StringExact("ada@example.com"),
		"phone_number": knownvalue.StringExact("+4512345678"),
		"first_name":   knownvalue.StringExact("Ada"),
		"last_name":    knownvalue.StringExact("Lovelace"),
		"is_verified":  knownvalue.Bool(true),
		"is_active":    knownvalue.Bool(true),
		"locale":       knownvalue.StringExact("en"),
		"msg_channel":  knownvalue.StringExact("email"),
		"date_joined":  knownvalue.StringExact("2024-08-25T15:00:00Z"),
		"last_seen":    knownvalue.StringExact("2026-11-20T09:30:00.25Z"),
		"metadata":     knownvalue.StringExact(`{"tags":["vip"],"tier":"gold"}`),
	}
}

// stateIs checks every attribute of preo_user.ada in the state.
func stateIs(values map[string]knownvalue.Check) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for name, value := range values {
		checks = append(checks, statecheck.ExpectKnownValue(adaAddress, attrPath(name), value))
	}
	return checks
}

// planned checks every attribute of preo_user.ada in the plan: its value in
// base, or in changes, where nil means unknown.
func planned(base, changes map[string]knownvalue.Check) []plancheck.PlanCheck {
	var checks []plancheck.PlanCheck
	for name, value := range base {
		if change, ok := changes[name]; ok {
			value = change
		}
		if value == nil {
			checks = append(checks, plancheck.ExpectUnknownValue(adaAddress, attrPath(name)))
			continue
		}
		checks = append(checks, plancheck.ExpectKnownValue(adaAddress, attrPath(name), value))
	}
	return checks
}

func TestAccUserResource_adopt(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	log := newDiagnosticsLog()
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: recordingFactories(log),
		Steps: []resource.TestStep{{
			Config: withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Ada"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				// last_seen changes on its own: an adoption cannot promise it.
				PreApply: append(planned(adaInPreo(), map[string]knownvalue.Check{"last_seen": nil}),
					plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionCreate),
					expectNoWarning(log, "plan"),
					requestsCheck{srv: srv, check: onlyReads},
				),
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: append(stateIs(adaInPreo()), expectPatches(srv), expectNoWarning(log, "apply")),
		}},
	})
}

// The plan of an adoption is the user as it will be: what the configuration
// sets, and Preo's current values for everything else, with a warning that
// lists each value adoption changes, and only those.
func TestAccUserResource_adoptionPreview(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	log := newDiagnosticsLog()
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: recordingFactories(log),
		Steps: []resource.TestStep{{
			Config: withProvider(srv, userConfig(`id = "usr_ada"`, `phone_number = ""`, `first_name = "Augusta"`, `email = "ADA@example.com"`)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				// last_seen changes on its own, and clearing the phone number
				// may reset verification in Preo.
				PreApply: append(planned(adaInPreo(), map[string]knownvalue.Check{
					"phone_number": knownvalue.StringExact(""),
					"first_name":   knownvalue.StringExact("Augusta"),
					"email":        knownvalue.StringExact("ADA@example.com"),
					"last_seen":    nil,
					"is_verified":  nil,
				}),
					plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionCreate),
					// An email in other letter case is the same address to Preo.
					expectWarningWithout(log, []string{"email:"}, "plan", "Adopting a Preo User Changes It", `"usr_ada" (ada@example.com)`,
						`phone_number: "+4512345678" -> ""`, `first_name: "Ada" -> "Augusta"`, `leaves out keep the current values`),
					requestsCheck{srv: srv, check: onlyReads},
				),
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				expectPatches(srv, `{"phone_number":"","first_name":"Augusta"}`),
				statecheck.ExpectKnownValue(adaAddress, attrPath("last_name"), knownvalue.StringExact("Lovelace")),
			},
		}},
	})
}

// An id Preo does not know fails the plan, on id, before anything is sent.
func TestAccUserResource_adoptUnknownIDFailsThePlan(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config:      withProvider(srv, userConfig(`id = "usr_nobody"`, `first_name = "Ada"`)),
			PlanOnly:    true,
			ExpectError: errorMatching(`Preo User Not Found`, `with preo_user.ada`, `id = "usr_nobody"`, `No Preo user has the id "usr_nobody"`, `create the user in Preo first`),
		}},
	})
	if err := onlyReads(srv.Requests()); err != nil {
		t.Error(err)
	}
}

// onlyReads fails if anything but GET requests reached Preo.
func onlyReads(requests []emulator.Request) error {
	for _, r := range requests {
		if r.Method != http.MethodGet {
			return fmt.Errorf("planning sent %s %s", r.Method, r.Path)
		}
	}
	return nil
}

func TestAccUserResource_adoptPatchesOnlyWhatDiffers(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config:           withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta Ada"`, `last_name = "Lovelace"`, `email = "ADA@example.com"`)),
			ConfigPlanChecks: emptyPlanAfterApply(),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPatches(srv, `{"first_name":"Augusta Ada"}`),
				statecheck.ExpectKnownValue(adaAddress, attrPath("first_name"), knownvalue.StringExact("Augusta Ada")),
				statecheck.ExpectKnownValue(adaAddress, attrPath("email"), knownvalue.StringExact("ADA@example.com")),
			},
		}},
	})
	if got, _ := srv.User("usr_ada"); got.Email != "ada@example.com" || got.LastName != "Lovelace" {
		t.Errorf("attributes that already matched were changed: %+v", got)
	}
}

func TestAccUserResource_updateEachAttribute(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	step := func(body string, attributes ...string) resource.TestStep {
		return resource.TestStep{
			PreConfig:         forgetRequests(srv),
			Config:            withProvider(srv, userConfig(append([]string{`id = "usr_ada"`}, attributes...)...)),
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionUpdate)}, PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv, body)},
		}
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{Config: withProvider(srv, userConfig(`id = "usr_ada"`)), ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv)}},
			step(`{"email":"countess@example.com"}`, `email = "countess@example.com"`),
			step(`{"phone_number":"+44 20 7946 0000"}`, `email = "countess@example.com"`, `phone_number = "+44 20 7946 0000"`),
			step(`{"first_name":"Augusta"}`, `email = "countess@example.com"`, `phone_number = "+44 20 7946 0000"`, `first_name = "Augusta"`),
			step(`{"last_name":"King"}`, `email = "countess@example.com"`, `phone_number = "+44 20 7946 0000"`, `first_name = "Augusta"`, `last_name = "King"`),
			step(`{"email":"ada@example.com","phone_number":"","first_name":"Ada","last_name":"Lovelace"}`,
				`email = "ada@example.com"`, `phone_number = ""`, `first_name = "Ada"`, `last_name = "Lovelace"`),
		},
	})
}

func TestAccUserResource_unsetAttributesStayUntouched(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				Config:            withProvider(srv, userConfig(`id = "usr_ada"`, `last_name = "King"`)),
				ConfigPlanChecks:  emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv, `{"last_name":"King"}`)},
			},
			{
				// Someone changes the phone number in Preo: the configuration
				// does not manage it, so the plan stays empty and state follows.
				PreConfig: func() {
					srv.UpdateUser("usr_ada", func(u *emulator.User) { u.PhoneNumber = ptr("+4599999999") })
				},
				Config:           withProvider(srv, userConfig(`id = "usr_ada"`, `last_name = "King"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPatches(srv),
					statecheck.ExpectKnownValue(adaAddress, attrPath("phone_number"), knownvalue.StringExact("+4599999999")),
				},
			},
		},
	})
	got, _ := srv.User("usr_ada")
	if got.Email != "ada@example.com" || got.FirstName != "Ada" || *got.PhoneNumber != "+4599999999" {
		t.Errorf("attributes outside the configuration were changed: %+v", got)
	}
}

func TestAccUserResource_import(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	config := withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Ada"`))
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply()},
			{ResourceName: adaAddress, ImportState: true, ImportStateVerify: true},
			{ResourceName: adaAddress, ImportState: true, ImportStateVerify: true, ImportStateId: "ADA@Example.com"},
			{ResourceName: adaAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{ResourceName: adaAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: "ada@example.com"},
		},
	})
	if bodies := patchBodies(srv.Requests()); len(bodies) != 0 {
		t.Errorf("import sent PATCH requests: %q", bodies)
	}
}

func TestAccUserResource_importErrors(t *testing.T) {
	t.Parallel()
	twin := alan()
	twin.ID, twin.Email = "usr_alan2", "ALAN@example.com"
	srv := startEmulator(t, emulator.Options{}, ada(), alan(), twin)
	config := withProvider(srv, userConfig(`id = "usr_ada"`))
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{Config: config},
			{ResourceName: adaAddress, ImportState: true, ImportStateId: "nobody@example.com", ExpectError: errorMatching(`Unable to Import Preo User`, `no Preo user has the email address "nobody@example.com"`)},
			{ResourceName: adaAddress, ImportState: true, ImportStateId: "alan@example.com", ExpectError: errorMatching(`2 Preo users have the email address "alan@example.com"`, `"usr_alan"`, `"usr_alan2"`)},
			{ResourceName: adaAddress, ImportState: true, ImportStateId: "usr_nobody", ExpectError: errorMatching(`Preo User Not Found`, `No Preo user has the id "usr_nobody"`, `Check the id`)},
		},
	})
}

// generateConfig imports Ada's user with an import block and has Terraform
// write its configuration, failing with expectError unless that is nil.
func generateConfig(srv *emulator.TestServer, expectError *regexp.Regexp) resource.TestStep {
	return resource.TestStep{
		Config:          withProvider(srv, ""),
		ResourceName:    adaAddress,
		ImportState:     true,
		ImportStateKind: resource.ImportBlockWithID,
		ImportStateId:   "usr_ada",
		GenerateConfig:  true,
		ExpectError:     expectError,
	}
}

func TestAccUserResource_importGeneratesConfig(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps:                    []resource.TestStep{generateConfig(srv, nil)},
	})
}

func expectIdentity(id string) statecheck.StateCheck {
	return statecheck.ExpectIdentity(adaAddress, map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
}

func TestAccUserResource_importByIdentity(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		TerraformVersionChecks:   identityVersions,
		Steps: []resource.TestStep{
			{
				// The import and a change in one apply, then nothing left to do.
				Config: withProvider(srv, userConfig(`first_name = "Augusta Ada"`)+importByIdentity(adaAddress, "usr_ada")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPatches(srv, `{"first_name":"Augusta Ada"}`),
					expectIdentity("usr_ada"),
					statecheck.ExpectIdentityValueMatchesState(adaAddress, attrPath("id")),
					statecheck.ExpectKnownValue(adaAddress, attrPath("email"), knownvalue.StringExact("ada@example.com")),
				},
			},
			{
				// terraform-plugin-testing's own check: the identity in state imports the same user.
				Config:          withProvider(srv, userConfig(`first_name = "Augusta Ada"`)),
				ResourceName:    adaAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

func TestAccUserResource_importByStringSetsIdentity(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		TerraformVersionChecks:   identityVersions,
		Steps: []resource.TestStep{{
			Config: withProvider(srv, userConfig(`first_name = "Ada"`)+`
import {
  to = preo_user.ada
  id = "ADA@example.com"
}
`),
			ConfigPlanChecks: emptyPlanAfterApply(),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPatches(srv),
				expectIdentity("usr_ada"),
			},
		}},
	})
}

func TestAccUserResource_identityFollowsTheUser(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	step := func(id string, attributes ...string) resource.TestStep {
		return resource.TestStep{
			Config:            withProvider(srv, userConfig(append([]string{`id = "` + id + `"`}, attributes...)...)),
			ConfigPlanChecks:  emptyPlanAfterApply(),
			ConfigStateChecks: []statecheck.StateCheck{expectIdentity(id), statecheck.ExpectIdentityValueMatchesState(adaAddress, attrPath("id"))},
		}
	}
	changedInPreo := step("usr_ada", `first_name = "Augusta"`, `email = "countess@example.com"`)
	changedInPreo.PreConfig = func() {
		srv.UpdateUser("usr_ada", func(u *emulator.User) { u.LastName, u.Email = "King", "ada.king@example.com" })
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		TerraformVersionChecks:   identityVersions,
		Steps: []resource.TestStep{
			step("usr_ada"),
			step("usr_ada", `first_name = "Augusta"`),
			step("usr_ada", `first_name = "Augusta"`, `email = "countess@example.com"`, `phone_number = ""`),
			changedInPreo,
			// Another id is another user: the identity moves with the replacement.
			step("usr_alan"),
		},
	})
}

func TestAccUserResource_importByIdentityOfUnknownUser(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		TerraformVersionChecks:   identityVersions,
		Steps: []resource.TestStep{
			{
				Config:      withProvider(srv, userConfig(`first_name = "Ada"`)+importByIdentity(adaAddress, "usr_nobody")),
				ExpectError: errorMatching(`Preo User Not Found`, `No Preo user has the id "usr_nobody", so there is nothing to import.`),
			},
			{
				Config:      withProvider(srv, userConfig(`first_name = "Ada"`)+importByIdentity(adaAddress, "")),
				ExpectError: errorMatching(`Missing Preo User ID`, `Set id in the identity`),
			},
		},
	})
	if bodies := patchBodies(srv.Requests()); len(bodies) != 0 {
		t.Errorf("a failed import sent PATCH requests: %q", bodies)
	}
}

func TestAccUserResource_outOfBandChangeIsPlannedBack(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	config := withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Ada"`, `email = "ada@example.com"`))
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{Config: config, ConfigPlanChecks: emptyPlanAfterApply()},
			{
				PreConfig: func() {
					srv.UpdateUser("usr_ada", func(u *emulator.User) { u.FirstName, u.Email = "Mallory", "mallory@example.com" })
					srv.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(adaAddress, attrPath("first_name"), knownvalue.StringExact("Ada")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv, `{"email":"ada@example.com","first_name":"Ada"}`)},
			},
		},
	})
}

// importedConfig is what -generate-config-out writes for ada: no id, with
// the import block that brought the user in, while it is still there.
func importedConfig(withImport bool, attributes ...string) string {
	block := userConfig(attributes...)
	if withImport {
		block = "import {\n  to = " + adaAddress + "\n  id = \"usr_ada\"\n}\n" + block
	}
	return block
}

// Configuration written by -generate-config-out has no id. When its user is
// deleted in Preo, the plan says so and what to do, instead of only asking
// for an id.
func TestAccUserResource_generatedConfigForDeletedUser(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	log := newDiagnosticsLog()
	generated := []string{`email = "ada@example.com"`, `first_name = "Ada"`, `last_name = "Lovelace"`, `phone_number = "+4512345678"`}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: recordingFactories(log),
		Steps: []resource.TestStep{
			{
				Config:            withProvider(srv, importedConfig(true, generated...)),
				ConfigPlanChecks:  emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv)},
			},
			{
				PreConfig: func() { srv.DeleteUser("usr_ada") },
				Config:    withProvider(srv, importedConfig(false, generated...)),
				ExpectError: errorMatching(`Missing Preo User ID`, `No Preo user has the email address "ada@example.com"`,
					`deleted in Preo`, `Restore the user in Preo and import it again, set id to adopt another user, or remove the block.`),
			},
			{
				// The same block for a user that exists names the id to set.
				Config:      withProvider(srv, importedConfig(false, `email = "alan@example.com"`)),
				ExpectError: errorMatching(`Missing Preo User ID`, `The Preo user "usr_alan" has the email address "alan@example.com": set id = "usr_alan" to adopt it`),
			},
		},
	})
	if _, err := findWarning(log.take("read"), "Preo User No Longer Exists", `"usr_ada" (ada@example.com) was not found`,
		`restore the user in Preo and import it`, `remove the resource block`, `no id at all (as -generate-config-out writes it)`); err != nil {
		t.Error(err)
	}
}

// A value Preo holds with surrounding whitespace, from before it stripped
// values, ends up in generated configuration; the plan then says which way
// out to take.
func TestAccUserResource_generatedConfigWithPaddedValue(t *testing.T) {
	t.Parallel()
	padded := ada()
	padded.FirstName = " Ada "
	srv := startEmulator(t, emulator.Options{}, padded)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			generateConfig(srv, errorMatching(`Value With Surrounding Whitespace`, `first_name is " Ada "`, `it would store "Ada"`,
				`set first_name = "Ada"`, `-generate-config-out`, `drop the first_name argument to leave the value as Preo has it`)),
			{
				// Dropping the attribute adopts the user and leaves the value be.
				Config:           withProvider(srv, importedConfig(true, `last_name = "Lovelace"`)),
				ConfigPlanChecks: emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPatches(srv),
					statecheck.ExpectKnownValue(adaAddress, attrPath("first_name"), knownvalue.StringExact(" Ada ")),
				},
			},
		},
	})
}

func TestAccUserResource_outOfBandDeletion(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	config := withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Ada"`))
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Refresh drops the user; the plan then proposes to adopt it
				// again and fails at once, without a request that changes anything.
				PreConfig:   func() { srv.DeleteUser("usr_ada"); srv.ResetRequests() },
				Config:      config,
				ExpectError: errorMatching(`Preo User Not Found`, `No Preo user has the id "usr_ada"`),
			},
			{
				PreConfig: func() {
					if err := onlyReads(srv.Requests()); err != nil {
						t.Error(err)
					}
					srv.Seed(ada())
				},
				Config:           config,
				ConfigPlanChecks: emptyPlanAfterApply(),
			},
		},
	})
}

func TestAccUserResource_changingIDReplaces(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	log := newDiagnosticsLog()
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: recordingFactories(log),
		Steps: []resource.TestStep{
			{Config: withProvider(srv, userConfig(`id = "usr_ada"`))},
			{
				Config: withProvider(srv, userConfig(`id = "usr_alan"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectKnownValue(adaAddress, attrPath("email"), knownvalue.StringExact("alan@example.com")),
						expectWarning(log, "plan", "Preo User Stays in Preo", `stop managing the Preo user "usr_ada" (ada@example.com)`, `stays in Preo, unchanged`),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(adaAddress, attrPath("email"), knownvalue.StringExact("alan@example.com")),
				},
			},
		},
		CheckDestroy: usersStillThere(srv, "usr_ada", "usr_alan"),
	})
}

// An update plans every attribute as known, except what the PATCH may
// change: the attribute it sends, and is_verified when it sends contact
// details.
func TestAccUserResource_updatePlansOnlyWhatThePatchChanges(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	same := statecheck.CompareValue(compare.ValuesSame())
	update := func(changes map[string]knownvalue.Check) []plancheck.PlanCheck {
		return append(planned(adaInPreo(), changes), plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionUpdate))
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				Config:            withProvider(srv, userConfig(`id = "usr_ada"`)),
				ConfigStateChecks: []statecheck.StateCheck{same.AddStateValue(adaAddress, attrPath("date_joined"))},
			},
			{
				Config: withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             update(map[string]knownvalue.Check{"first_name": knownvalue.StringExact("Augusta")}),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{same.AddStateValue(adaAddress, attrPath("date_joined"))},
			},
			{
				Config: withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`, `email = "countess@example.com"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: update(map[string]knownvalue.Check{
						"first_name":  knownvalue.StringExact("Augusta"),
						"email":       knownvalue.StringExact("countess@example.com"),
						"is_verified": nil,
					}),
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv, `{"first_name":"Augusta"}`, `{"email":"countess@example.com"}`)},
			},
		},
	})
}

// A plan saved in CI may be applied after someone changed the user in Preo.
// The apply sends only what the plan said, records the planned values of
// everything it did not send, and says what moved; the next plan picks up
// Preo's values.
func TestAccUserResource_savedUpdatePlanAppliedAfterChangeInPreo(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	log := newDiagnosticsLog()
	config := withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`))
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: recordingFactories(log),
		Steps: []resource.TestStep{
			{Config: withProvider(srv, userConfig(`id = "usr_ada"`)), ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv)}},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(adaAddress, attrPath("is_active"), knownvalue.Bool(true)),
						inPreoBeforeApply{srv: srv, id: "usr_ada", change: func(u *emulator.User) {
							u.IsActive, u.Locale, u.MsgChannel, u.LastName = false, "da", nil, "King"
							u.LastSeen = ptr(time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC))
							u.Metadata = map[string]any{"tier": "silver"}
						}},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPatches(srv, `{"first_name":"Augusta"}`),
					statecheck.ExpectKnownValue(adaAddress, attrPath("first_name"), knownvalue.StringExact("Augusta")),
					statecheck.ExpectKnownValue(adaAddress, attrPath("is_active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(adaAddress, attrPath("last_name"), knownvalue.StringExact("Lovelace")),
					statecheck.ExpectKnownValue(adaAddress, attrPath("last_seen"), knownvalue.StringExact("2026-11-20T09:30:00.25Z")),
					checkFunc(func() error {
						warning, err := findWarning(log.take("apply"), "Preo User Changed Since the Plan", `"usr_ada"`,
							`last_name: "Lovelace" in the plan, "King" in Preo now`, `is_active: true in the plan, false in Preo now`,
							`locale`, `msg_channel`, `metadata`, `records the planned values`)
						if err == nil && strings.Contains(warning.Detail, "last_seen") {
							err = fmt.Errorf("the warning names last_seen, which changes on its own: %s", warning.Detail)
						}
						return err
					}),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectPatches(srv),
					statecheck.ExpectKnownValue(adaAddress, attrPath("is_active"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(adaAddress, attrPath("last_name"), knownvalue.StringExact("King")),
					statecheck.ExpectKnownValue(adaAddress, attrPath("msg_channel"), knownvalue.Null()),
				},
			},
		},
	})
}

// An adoption plan shows Preo's values as read while planning, and Terraform
// plans a create once more when applying it. If the user changed in between,
// Terraform stops before anything is sent: the reviewed plan no longer
// describes the user, and a new plan shows the current values.
func TestAccUserResource_savedAdoptionPlanStopsWhenUserChanged(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	config := withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`))
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(adaAddress, attrPath("phone_number"), knownvalue.StringExact("+4512345678")),
					inPreoBeforeApply{srv: srv, id: "usr_ada", change: func(u *emulator.User) { u.PhoneNumber = ptr("+4599999999") }},
				}},
				ExpectError: errorMatching(`inconsistent final plan`, `.phone_number: was cty.StringVal("+4512345678"), but now cty.StringVal("+4599999999")`),
			},
			{
				PreConfig: func() {
					if err := onlyReads(srv.Requests()); err != nil {
						t.Error(err)
					}
					srv.ResetRequests()
				},
				Config:            config,
				ConfigPlanChecks:  emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv, `{"first_name":"Augusta"}`)},
			},
		},
	})
	if got, _ := srv.User("usr_ada"); *got.PhoneNumber != "+4599999999" {
		t.Errorf("adoption changed the phone number it did not manage: %+v", got)
	}
}

func TestAccUserResource_destroyLeavesUserInPreo(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	log := newDiagnosticsLog()
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: recordingFactories(log),
		Steps: []resource.TestStep{
			{
				Config:            withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`)),
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv, `{"first_name":"Augusta"}`)},
			},
			{
				Config: withProvider(srv, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(adaAddress, plancheck.ResourceActionDestroy),
					expectWarning(log, "plan", "Preo User Stays in Preo", `only stops Terraform from managing the Preo user "usr_ada" (ada@example.com)`,
						`stays in Preo, unchanged`, `cannot delete users`),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv)},
			},
		},
		CheckDestroy: usersStillThere(srv, "usr_ada"),
	})
	if got, _ := srv.User("usr_ada"); got.FirstName != "Augusta" {
		t.Errorf("destroy changed the user: %+v", got)
	}
}

func usersStillThere(srv *emulator.TestServer, ids ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, id := range ids {
			if _, ok := srv.User(id); !ok {
				return fmt.Errorf("user %s is gone from Preo after destroy", id)
			}
		}
		for _, r := range srv.Requests() {
			if r.Method != http.MethodGet {
				return fmt.Errorf("destroy sent %s %s", r.Method, r.Path)
			}
		}
		return nil
	}
}

func TestAccUserResource_planTimeValidation(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	cases := []struct {
		attributes []string
		want       *regexp.Regexp
	}{
		{[]string{`first_name = "Ada"`}, errorMatching(`Missing Preo User ID`, `cannot create users`, `terraform import`)},
		{[]string{`id = ""`}, errorMatching(`id = ""`, `Attribute id string length must be at least 1`)},
		{[]string{`id = "usr_ada"`, `email = "not-an-email"`}, errorMatching(`Invalid Email Address`, `email = "not-an-email"`, `it has no @`, `Django's EmailValidator`)},
		{[]string{`id = "usr_ada"`, `email = "a..b@example.com"`}, errorMatching(`Invalid Email Address`, `two dots in a row`)},
		{[]string{`id = "usr_ada"`, `email = "ada@example.com."`}, errorMatching(`Invalid Email Address`, `the domain ends with a dot`)},
		{[]string{`id = "usr_ada"`, `email = "ada@[300.1.2.3]"`}, errorMatching(`Invalid Email Address`, `nor an IP address in brackets`)},
		{[]string{`id = "usr_ada"`, `phone_number = "` + strings.Repeat("5", 33) + `"`}, errorMatching(`phone_number`, `character count must be at most 32, got: 33`)},
		{[]string{`id = "usr_ada"`, `first_name = "` + strings.Repeat("é", 81) + `"`}, errorMatching(`first_name`, `character count must be at most 80, got: 81`)},
		{[]string{`id = "usr_ada"`, `last_name = "` + strings.Repeat("x", 81) + `"`}, errorMatching(`last_name`, `at most 80, got: 81`)},
		{[]string{`id = "usr_ada"`, `first_name = " Ada"`}, errorMatching(`Value With Surrounding Whitespace`, `first_name is " Ada"`, `set first_name = "Ada"`, `drop the first_name argument`)},
		{[]string{`id = "usr_ada"`, `last_name = "Lovelace\u00a0"`}, errorMatching(`Value With Surrounding Whitespace`, `last_name`)},
		{[]string{`id = "usr_ada"`, `email = "\u2003ada@example.com"`}, errorMatching(`Value With Surrounding Whitespace`, `email`)},
		{[]string{`id = "usr_ada"`, `phone_number = "+45 1234\n"`}, errorMatching(`Value With Surrounding Whitespace`, `phone_number`)},
	}
	steps := make([]resource.TestStep, len(cases))
	for i, tc := range cases {
		steps[i] = resource.TestStep{Config: withProvider(srv, userConfig(tc.attributes...)), PlanOnly: true, ExpectError: tc.want}
	}
	acceptanceTest(t, resource.TestCase{ProtoV6ProviderFactories: noEnv, Steps: steps})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("invalid configurations sent %d requests", n)
	}
}

func TestAccUserResource_namesPreoKeepsAsTheyAre(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	multibyte := strings.Repeat("é", 80)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			// 80 characters in 160 bytes, and whitespace inside a value, which Preo keeps.
			Config:           withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "`+multibyte+`"`, `last_name = "Byron\nKing"`)),
			ConfigPlanChecks: emptyPlanAfterApply(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(adaAddress, attrPath("first_name"), knownvalue.StringExact(multibyte)),
				statecheck.ExpectKnownValue(adaAddress, attrPath("last_name"), knownvalue.StringExact("Byron\nKing")),
			},
		}},
	})
}

func TestAccUserResource_apiValidationError(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	afterAdoptingAda(t, srv,
		resource.TestStep{
			Config:      withProvider(srv, userConfig(`id = "usr_ada"`, `email = "alan@example.com"`)),
			ExpectError: errorMatching(`Unable to Update Preo User`, `email = "alan@example.com"`, `Preo rejected email: user with this email already exists.`),
		},
	)
}

func TestAccUserResource_apiErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		status int
		want   *regexp.Regexp
	}{
		"forbidden":    {403, errorMatching(`Unable to Update Preo User`, `403 Forbidden`, `may not do this`)},
		"rate limited": {429, errorMatching(`429 Too Many Requests`, `Preo throttled this provider while it sent about`, `requests per second`, `Set max_requests_per_second`)},
		"server error": {500, errorMatching(`500 Internal Server Error`, `Try again later`)},
		"not found":    {404, errorMatching(`404 Not Found`, `Check that the id is right`)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startEmulator(t, emulator.Options{}, ada())
			afterAdoptingAda(t, srv,
				resource.TestStep{
					PreConfig:   func() { srv.Fail("PATCH", "/v1/user/", tc.status, "", "", 1) },
					Config:      withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`)),
					ExpectError: tc.want,
				},
			)
		})
	}
}

func TestAccUserResource_clearPhoneNumber(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]emulator.Options{
		"echoed as empty string": {},
		"echoed as null":         {ClearedPhoneAsNull: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startEmulator(t, opts, ada())
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: noEnv,
				Steps: []resource.TestStep{
					{Config: withProvider(srv, userConfig(`id = "usr_ada"`, `phone_number = "+4512345678"`)), ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv)}},
					{
						Config: withProvider(srv, userConfig(`id = "usr_ada"`, `phone_number = ""`)),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							// Terraform's plan output shows this as "-> null" (see
							// DESIGN.md); the plan itself holds "".
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue(adaAddress, attrPath("phone_number"), knownvalue.StringExact(""))},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							expectPatches(srv, `{"phone_number":""}`),
							statecheck.ExpectKnownValue(adaAddress, attrPath("phone_number"), knownvalue.StringExact("")),
						},
					},
					{
						Config:           withProvider(srv, userConfig(`id = "usr_ada"`, `phone_number = ""`)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
			got, _ := srv.User("usr_ada")
			if got.PhoneNumber != nil && *got.PhoneNumber != "" {
				t.Errorf("phone number not cleared: %q", *got.PhoneNumber)
			}
		})
	}
}

func TestAccUserResource_emailLetterCase(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{LowercaseEmails: true}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				Config:            withProvider(srv, userConfig(`id = "usr_ada"`, `email = "Countess.Lovelace@Example.COM"`)),
				ConfigPlanChecks:  emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv, `{"email":"Countess.Lovelace@Example.COM"}`)},
			},
			{
				// Only the letter case differs from what Preo stores: no change.
				Config:            withProvider(srv, userConfig(`id = "usr_ada"`, `email = "countess.lovelace@example.com"`)),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv)},
			},
		},
	})
	if got, _ := srv.User("usr_ada"); got.Email != "countess.lovelace@example.com" {
		t.Errorf("emulator stored %q", got.Email)
	}
}

// The plan accepts the addresses Preo accepts, not only the common shape:
// Preo runs Django's EmailValidator, and so do the plan and the emulator.
func TestAccUserResource_emailAddressesPreoAccepts(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	step := func(email string) resource.TestStep {
		return resource.TestStep{
			Config:            withProvider(srv, userConfig(`id = "usr_ada"`, fmt.Sprintf("email = %q", email))),
			ConfigPlanChecks:  emptyPlanAfterApply(),
			ConfigStateChecks: []statecheck.StateCheck{expectPatches(srv, fmt.Sprintf(`{"email":%q}`, email))},
		}
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			step("ada@localhost"),
			step("ada@[192.0.2.1]"),
			step("ada@bücher.example"),
			step(`"ada\ lovelace"@example.com`),
		},
	})
}

func TestAccUserResource_manyUsersInOneApply(t *testing.T) {
	t.Parallel()
	users := emulator.GenerateUsers(30)
	srv := startEmulator(t, emulator.Options{}, users...)
	// Terraform applies them with its default -parallelism of 10 (the
	// testing framework cannot pass the flag).
	config := withProvider(srv, teamConfig(users, "Member "))
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: emptyPlanAfterApply(),
			ConfigStateChecks: []statecheck.StateCheck{requestsCheck{srv: srv, check: func(requests []emulator.Request) error {
				if n := len(patchBodies(requests)); n != len(users) {
					return fmt.Errorf("sent %d PATCH requests, want %d", n, len(users))
				}
				return nil
			}}},
		}},
	})
	for _, u := range users {
		if got, _ := srv.User(u.ID); got.FirstName != "Member "+u.ID {
			t.Errorf("user %s has first name %q", u.ID, got.FirstName)
		}
	}
}

func TestChangedFieldsSendsOnlyKnownDifferences(t *testing.T) {
	current := userModel{
		Email: newEmailValue("ada@example.com"), PhoneNumber: types.StringValue("+4512345678"),
		FirstName: types.StringValue("Ada"), LastName: types.StringValue("Lovelace"),
	}
	cases := map[string]struct {
		plan userModel
		want client.UserPatch
	}{
		"nothing differs": {plan: current},
		"only the letter case of the email differs": {plan: userModel{
			Email: newEmailValue("ADA@Example.com"), PhoneNumber: current.PhoneNumber, FirstName: current.FirstName, LastName: current.LastName,
		}},
		"null and unknown values are left out": {plan: userModel{
			Email: emailValue{StringValue: types.StringUnknown()}, PhoneNumber: types.StringNull(),
			FirstName: types.StringUnknown(), LastName: types.StringNull(),
		}},
		"every field differs": {
			plan: userModel{
				Email: newEmailValue("countess@example.com"), PhoneNumber: types.StringValue(""),
				FirstName: types.StringValue("Augusta Ada"), LastName: types.StringValue("King"),
			},
			want: client.UserPatch{Email: ptr("countess@example.com"), PhoneNumber: ptr(""), FirstName: ptr("Augusta Ada"), LastName: ptr("King")},
		},
		"one field differs": {
			plan: userModel{Email: current.Email, PhoneNumber: current.PhoneNumber, FirstName: current.FirstName, LastName: types.StringValue("Byron")},
			want: client.UserPatch{LastName: ptr("Byron")},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := json.Marshal(changedFields(tc.plan, current))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(tc.want)
			if string(got) != string(want) {
				t.Errorf("changedFields = %s, want %s", got, want)
			}
		})
	}
}
