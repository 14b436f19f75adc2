package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// acceptanceTest runs a test case through the CLI that `make test` provides
// (Terraform or OpenTofu). A plain `go test` on a workstation runs the unit
// tests and passes over these with the `make test` hint; in CI, or once
// TF_ACC asks for them, a missing CLI fails the test, and
// terraform-plugin-testing is never left to download a CLI of its own.
func acceptanceTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	const hint = "This acceptance test drives the Terraform or OpenTofu CLI: run it with `make test`, " +
		"which installs both and sets TF_ACC and TF_ACC_TERRAFORM_PATH."
	if os.Getenv("TF_ACC") == "" {
		// In CI the CLI must be there: a run that passed these over would
		// pass without testing the provider.
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but TF_ACC is not. " + hint)
		}
		t.Skip(hint)
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("TF_ACC is set but TF_ACC_TERRAFORM_PATH is not: these tests never download a CLI. " +
			"Run them with `make test`, which installs Terraform and OpenTofu and sets both.")
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

// diagnosticsLog keeps the warnings the provider returned to Terraform, so
// that tests can check what a reviewer of a plan, or of an apply, reads.
// Terraform starts the provider anew for each command, so the log lives
// outside the provider.
type diagnosticsLog struct {
	mu       sync.Mutex
	warnings map[string][]*tfprotov6.Diagnostic // by stage: "plan", "apply", "read"
}

func newDiagnosticsLog() *diagnosticsLog {
	return &diagnosticsLog{warnings: map[string][]*tfprotov6.Diagnostic{}}
}

func (l *diagnosticsLog) add(stage string, diags []*tfprotov6.Diagnostic) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			l.warnings[stage] = append(l.warnings[stage], d)
		}
	}
}

// take returns the warnings of a stage and forgets them.
func (l *diagnosticsLog) take(stage string) []*tfprotov6.Diagnostic {
	l.mu.Lock()
	defer l.mu.Unlock()
	taken := l.warnings[stage]
	delete(l.warnings, stage)
	return taken
}

// recordingFactories serve the provider like noEnv, recording its warnings.
func recordingFactories(log *diagnosticsLog) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"preo": func() (tfprotov6.ProviderServer, error) {
			server, err := noEnv["preo"]()
			if err != nil {
				return nil, err
			}
			return &recordingServer{ProviderServer: server, log: log}, nil
		},
	}
}

type recordingServer struct {
	tfprotov6.ProviderServer
	log *diagnosticsLog
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.log.add("plan", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.log.add("apply", resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.log.add("read", resp.Diagnostics)
	}
	return resp, err
}

// checkFunc runs an assertion as a plan check or a state check.
type checkFunc func() error

func (f checkFunc) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

func (f checkFunc) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// expectWarning checks that the provider warned in a stage with this summary
// and a detail that holds every part, in order (see errorMatching). Each
// check forgets the stage's warnings, so it sees only its own step.
func expectWarning(log *diagnosticsLog, stage, summary string, parts ...string) checkFunc {
	return func() error {
		_, err := findWarning(log.take(stage), summary, parts...)
		return err
	}
}

// expectWarningWithout is expectWarning for a warning whose detail must also
// leave out each of absent.
func expectWarningWithout(log *diagnosticsLog, absent []string, stage, summary string, parts ...string) checkFunc {
	return func() error {
		warning, err := findWarning(log.take(stage), summary, parts...)
		if err != nil {
			return err
		}
		for _, text := range absent {
			if strings.Contains(warning.Detail, text) {
				return fmt.Errorf("warning %q mentions %q: %s", summary, text, warning.Detail)
			}
		}
		return nil
	}
}

func findWarning(warnings []*tfprotov6.Diagnostic, summary string, parts ...string) (*tfprotov6.Diagnostic, error) {
	detail := errorMatching(parts...)
	var seen []string
	for _, w := range warnings {
		if w.Summary == summary && detail.MatchString(w.Detail) {
			return w, nil
		}
		seen = append(seen, w.Summary+": "+w.Detail)
	}
	return nil, fmt.Errorf("no warning %q matching %q; got %q", summary, parts, seen)
}

// expectNoWarning checks that the provider did not warn in a stage.
func expectNoWarning(log *diagnosticsLog, stage string) checkFunc {
	return func() error {
		if warnings := log.take(stage); len(warnings) > 0 {
			return fmt.Errorf("%s warned %q: %s", stage, warnings[0].Summary, warnings[0].Detail)
		}
		return nil
	}
}

// inPreoBeforeApply changes a user in Preo after the plan is saved and
// before it is applied, as someone might while a saved plan waits in CI. It
// runs as a pre-apply plan check, the one hook between the two.
type inPreoBeforeApply struct {
	srv    *emulator.TestServer
	id     string
	change func(*emulator.User)
}

func (c inPreoBeforeApply) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if !c.srv.UpdateUser(c.id, c.change) {
		resp.Error = fmt.Errorf("user %s is not in the emulator", c.id)
	}
}

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

// CheckPlan makes the same check on the requests made while planning.
func (c requestsCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
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

// teamConfig adopts every user as one of preo_user.team and sets each first
// name to prefix and the user's id. count rather than for_each: the testing
// framework's state reader does not support string instance keys.
func teamConfig(users []emulator.User, prefix string) string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = fmt.Sprintf("%q", u.ID)
	}
	return fmt.Sprintf(`
locals {
  ids = [%s]
}
resource "preo_user" "team" {
  count      = length(local.ids)
  id         = local.ids[count.index]
  first_name = "%s${local.ids[count.index]}"
}
`, strings.Join(ids, ", "), prefix)
}

// identityVersions gates the resource identity tests on the version of the
// CLI under test: identity needs Terraform 1.12 or OpenTofu 1.12 or later.
// `make test` runs them with OpenTofu 1.12; Terraform 1.5 passes them over,
// saying why. Everything else runs on every engine.
var identityVersions = []tfversion.TerraformVersionCheck{
	versionGate{minimum: tfversion.Version1_12_0, feature: "resource identity needs Terraform or OpenTofu 1.12 or later"},
}

// queryVersions gates the `terraform query` tests: list resources need
// Terraform 1.14 or later. Neither engine that `make test` installs has them
// (the protocol-level tests cover the list resource there); a newer
// Terraform in TF_ACC_TERRAFORM_PATH runs them.
var queryVersions = []tfversion.TerraformVersionCheck{
	versionGate{minimum: tfversion.Version1_14_0, feature: "terraform query needs Terraform 1.14 or later"},
}

// versionGate passes a test over, saying so, on a CLI older than minimum.
type versionGate struct {
	minimum *version.Version
	feature string
}

func (g versionGate) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if req.TerraformVersion.Core().LessThan(g.minimum) {
		resp.Skip = fmt.Sprintf("Version gate: %s, and this CLI is %s.", g.feature, req.TerraformVersion)
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
