package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

const userAddress = "data.preo_user.one"

func TestAccUserDataSource_lookups(t *testing.T) {
	t.Parallel()
	twin := alan()
	twin.ID, twin.Email, twin.OrganizationID = "usr_alan2", "Alan@Example.com", "org_north"
	srv := startEmulator(t, emulator.Options{}, ada(), alan(), grace(), twin)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				Config: withProvider(srv, `data "preo_user" "one" { id = "usr_grace" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddress, attrPath("email"), knownvalue.StringExact("grace@example.org")),
					statecheck.ExpectKnownValue(userAddress, attrPath("is_active"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(userAddress, attrPath("metadata"), knownvalue.StringExact(`{"team":"navy"}`)),
				},
			},
			{
				Config: withProvider(srv, `data "preo_user" "one" { email = "GRACE@Example.ORG" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddress, attrPath("id"), knownvalue.StringExact("usr_grace")),
					statecheck.ExpectKnownValue(userAddress, attrPath("last_name"), knownvalue.StringExact("Hopper")),
				},
			},
			{
				// "ada@example.com" is also a substring of no other email, but
				// "alan@example.com" names two users until narrowed down.
				Config: withProvider(srv, `data "preo_user" "one" {
  email           = "alan@example.com"
  organization_id = "org_north"
}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userAddress, attrPath("id"), knownvalue.StringExact("usr_alan2")),
				},
			},
			{
				Config:      withProvider(srv, `data "preo_user" "one" { email = "alan@example.com" }`),
				ExpectError: errorMatching(`Unable to Read Preo User`, `2 Preo users have the email address "alan@example.com"`, `"usr_alan"`, `"usr_alan2"`),
			},
			{
				Config:      withProvider(srv, `data "preo_user" "one" { email = "nobody@example.com" }`),
				ExpectError: errorMatching(`no Preo user has the email address "nobody@example.com"`, `Check the email address`),
			},
			{
				Config: withProvider(srv, `data "preo_user" "one" {
  email      = "ada@example.com"
  edition_id = "edt_side"
}`),
				ExpectError: errorMatching(`no Preo user has the email address "ada@example.com" in edition "edt_side"`),
			},
			{
				Config:      withProvider(srv, `data "preo_user" "one" { id = "usr_nobody" }`),
				ExpectError: errorMatching(`Preo User Not Found`, `No Preo user has the id "usr_nobody"`),
			},
		},
	})
}

func TestAccUserDataSource_invalidArguments(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{Config: withProvider(srv, `data "preo_user" "one" {}`), PlanOnly: true, ExpectError: errorMatching(`Missing Attribute Configuration`, `Exactly one of these attributes must be configured: [id,email]`)},
			{Config: withProvider(srv, `data "preo_user" "one" {
  id    = "usr_ada"
  email = "ada@example.com"
}`), PlanOnly: true, ExpectError: errorMatching(`Invalid Attribute Combination`)},
			{Config: withProvider(srv, `data "preo_user" "one" {
  id         = "usr_ada"
  edition_id = "edt_main"
}`), PlanOnly: true, ExpectError: errorMatching(`Invalid Attribute Combination`, `cannot be specified when`)},
			{Config: withProvider(srv, `data "preo_user" "one" { email = "ada" }`), PlanOnly: true, ExpectError: errorMatching(`Invalid Email Address`, `email is "ada", which Preo would refuse as an email address: it has no @`)},
		},
	})
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("invalid configurations sent %d requests", n)
	}
}
