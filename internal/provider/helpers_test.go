package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// acceptanceTest runs a test case through the CLI that `make test` provides
// (Terraform or OpenTofu). Without one the test fails, never skips, and
// terraform-plugin-testing is never left to download a CLI of its own.
func acceptanceTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" || os.Getenv("TF_ACC") == "" {
		t.Fatal("This acceptance test drives the Terraform or OpenTofu CLI: run it with `make test`, " +
			"which installs both and sets TF_ACC and TF_ACC_TERRAFORM_PATH.")
	}
	if _, err := os.Stat(cli); err != nil {
		t.Fatalf("TF_ACC_TERRAFORM_PATH does not name a CLI binary (run the tests with `make test`): %v", err)
	}
	resource.Test(t, tc)
}

// factories serves the provider in-process, with env standing in for the
// process environment so that tests can run in parallel.
func factories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"preo": providerserver.NewProtocol6WithError(&preoProvider{
			version: "test",
			getenv:  func(key string) string { return env[key] },
		}),
	}
}

var noEnv = factories(nil)

// startEmulator starts a fresh emulator for one test.
func startEmulator(t *testing.T, opts emulator.Options, users ...emulator.User) *emulator.TestServer {
	t.Helper()
	return emulator.NewTestServer(t, opts, users...)
}

// withProvider prefixes HCL with a provider block pointing at srv. Retries
// are off so that error tests do not wait through backoff.
func withProvider(srv *emulator.TestServer, hcl string) string {
	return fmt.Sprintf(`
provider "preo" {
  base_url    = %[1]q
  api_token   = %[2]q
  max_retries = 0
}
%[3]s`, srv.URL, srv.Token, hcl)
}

func ptr[T any](v T) *T { return &v }

// Fixture users: a few named people, in two editions and organizations.
func ada() emulator.User {
	seen := time.Date(2026, 11, 20, 9, 30, 0, 250000000, time.UTC)
	return emulator.User{
		ID: "usr_ada", Email: "ada@example.com", PhoneNumber: ptr("+4512345678"),
		FirstName: "Ada", LastName: "Lovelace", IsVerified: true, IsActive: true, Locale: "en",
		MsgChannel: ptr("email"), DateJoined: time.Date(2024, 8, 25, 15, 0, 0, 0, time.UTC), LastSeen: &seen,
		Metadata: map[string]any{"tier": "gold", "tags": []any{"vip"}}, EditionID: "edt_main", OrganizationID: "org_north",
	}
}

func alan() emulator.User {
	return emulator.User{
		ID: "usr_alan", Email: "alan@example.com", FirstName: "Alan", LastName: "Turing", IsActive: true, Locale: "en",
		DateJoined: time.Date(2024, 9, 1, 8, 0, 0, 0, time.UTC), Metadata: map[string]any{},
		EditionID: "edt_main", OrganizationID: "org_south",
	}
}

func grace() emulator.User {
	seen := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	return emulator.User{
		ID: "usr_grace", Email: "grace@example.org", PhoneNumber: ptr("+4587654321"), FirstName: "Grace", LastName: "Hopper",
		IsVerified: true, IsActive: false, Locale: "da", MsgChannel: ptr("sms"),
		DateJoined: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), LastSeen: &seen, Metadata: map[string]any{"team": "navy"},
		EditionID: "edt_side", OrganizationID: "org_north",
	}
}

// requestsCheck asserts on the requests the emulator received while a step
// ran, then forgets them so the next step starts from a clean log.
type requestsCheck struct {
	srv   *emulator.TestServer
	check func([]emulator.Request) error
}

func (c requestsCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.check(c.srv.Requests())
	c.srv.ResetRequests()
}

// expectPatches checks the exact bodies of the PATCH requests sent, in order.
func expectPatches(srv *emulator.TestServer, bodies ...string) statecheck.StateCheck {
	return requestsCheck{srv: srv, check: func(requests []emulator.Request) error {
		got := patchBodies(requests)
		if !slices.Equal(got, bodies) {
			return fmt.Errorf("PATCH bodies: got %q, want %q", got, bodies)
		}
		return nil
	}}
}

func patchBodies(requests []emulator.Request) []string {
	var bodies []string
	for _, r := range requests {
		if r.Method == http.MethodPatch {
			bodies = append(bodies, strings.TrimSpace(r.Body))
		}
	}
	return bodies
}

// forgetRequests clears the emulator's log before a step.
func forgetRequests(srv *emulator.TestServer) func() {
	return srv.ResetRequests
}

// errorMatching matches a Terraform error that contains every part, in order.
// Terraform wraps long diagnostics, so a space in a part matches any run of
// whitespace.
func errorMatching(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, part := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(part)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// identityVersions gates the resource identity tests on the version of the
// CLI under test: identity needs Terraform 1.12 or OpenTofu 1.12 or later.
// `make test` runs them with OpenTofu 1.12; Terraform 1.5 passes them over,
// saying why. Everything else runs on every engine.
var identityVersions = []tfversion.TerraformVersionCheck{identityVersionGate{}}

type identityVersionGate struct{}

func (identityVersionGate) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if req.TerraformVersion.Core().LessThan(tfversion.Version1_12_0) {
		resp.Skip = fmt.Sprintf("Version gate: resource identity needs Terraform or OpenTofu 1.12 or later, and this CLI is %s.", req.TerraformVersion)
	}
}

// importByIdentity is an import block that names a preo_user by identity.
func importByIdentity(address, id string) string {
	return fmt.Sprintf(`
import {
  to = %[1]s
  identity = {
    id = %[2]q
  }
}
`, address, id)
}
