package provider

import (
	"context"
	"encoding/json"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// The benchmarks drive the provider through its protocol 6 server, as
// Terraform does, against an in-process emulator without added latency, so
// that they measure the provider and the framework rather than the network.

// benchProvider is a configured provider server, the schemas its requests
// are built from, and the per-request context.
type benchProvider struct {
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
	logs    context.Context
}

// newBenchProvider configures the provider against srv, as Terraform does
// before any resource or data source request.
func newBenchProvider(b *testing.B, srv *emulator.TestServer) *benchProvider {
	b.Helper()
	server, err := providerserver.NewProtocol6WithError(&preoProvider{version: "bench", getenv: func(string) string { return "" }})()
	if err != nil {
		b.Fatal(err)
	}
	p := &benchProvider{server: server, logs: providerProcessLogs(b)}
	p.schemas, err = server.GetProviderSchema(p.ctx(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	failOnDiagnostics(b, "GetProviderSchema", p.schemas.Diagnostics)
	config := p.value(b, p.schemas.Provider, map[string]tftypes.Value{
		"base_url":  tftypes.NewValue(tftypes.String, srv.URL),
		"api_token": tftypes.NewValue(tftypes.String, srv.Token),
	})
	resp, err := server.ConfigureProvider(p.ctx(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.5.7", Config: config})
	if err != nil {
		b.Fatal(err)
	}
	failOnDiagnostics(b, "ConfigureProvider", resp.Diagnostics)
	return p
}

// providerProcessLogs gives the provider the loggers a provider process
// has when Terraform starts it without TF_LOG: the SDK and provider loggers
// at the levels their environment variables give them, writing JSON lines
// that nobody reads (Terraform would throw them away).
func providerProcessLogs(b *testing.B) context.Context {
	b.Helper()
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_PREO", "TF_ACC_LOG_PATH", "TF_LOG_PATH_MASK"} {
		b.Setenv(name, "")
	}
	b.Setenv("TF_LOG", "JSON")
	b.Setenv("TF_LOG_PATH", os.DevNull)
	ctx := tfsdklog.ContextWithTestLogging(context.Background(), b.Name())
	// What main does in a process Terraform starts without TF_LOG.
	for name, level := range LogLevelDefaults(func(string) string { return "" }) {
		b.Setenv(name, level)
	}
	return ctx
}

// cpuClock reports the CPU time the process spends per operation, which a
// machine shared with other work measures more steadily than wall time. It
// counts the in-process emulator too.
type cpuClock struct{ start time.Duration }

func startCPUClock() cpuClock { return cpuClock{start: processCPUTime()} }

func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(processCPUTime()-c.start)/float64(b.N), "cpu-ns/op")
}

func processCPUTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// ctx is the context of one request, with its loggers set up as
// terraform-plugin-go sets them up for every RPC.
func (p *benchProvider) ctx() context.Context {
	ctx := tfsdklog.NewRootSDKLogger(p.logs, tfsdklog.WithLevelFromEnv("TF_LOG_SDK"))
	ctx = tfsdklog.NewSubsystem(ctx, "proto", tfsdklog.WithAdditionalLocationOffset(1), tfsdklog.WithLevelFromEnv("TF_LOG_SDK_PROTO"))
	ctx = tfsdklog.NewRootProviderLogger(ctx, tfsdklog.WithLogName("PREO"), tflog.WithLevelFromEnv("TF_LOG_PROVIDER", "PREO"))
	ctx = tfsdklog.SetField(ctx, "tf_provider_addr", "registry.terraform.io/preo/preo")
	return tflog.SetField(ctx, "tf_provider_addr", "registry.terraform.io/preo/preo")
}

// value builds an object of schema's type: the attributes in set, every
// other attribute null.
func (p *benchProvider) value(b *testing.B, schema *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	typ := schema.ValueType().(tftypes.Object)
	attributes := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, attributeType := range typ.AttributeTypes {
		attributes[name] = tftypes.NewValue(attributeType, nil)
	}
	for name, value := range set {
		if _, ok := attributes[name]; !ok {
			b.Fatalf("the schema has no attribute %q", name)
		}
		attributes[name] = value
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attributes))
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// attributes decodes an object of schema's type.
func attributes(b *testing.B, schema *tfprotov6.Schema, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	b.Helper()
	value, err := dv.Unmarshal(schema.ValueType())
	if err != nil {
		b.Fatal(err)
	}
	var out map[string]tftypes.Value
	if err := value.As(&out); err != nil {
		b.Fatal(err)
	}
	return out
}

func failOnDiagnostics(b *testing.B, rpc string, diags []*tfprotov6.Diagnostic) {
	b.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("%s: %s: %s", rpc, d.Summary, d.Detail)
		}
	}
}

// BenchmarkReadDataSourceUsers lists 20,000 users in pages of 100, the
// preo_users data source as a large plan reads it.
func BenchmarkReadDataSourceUsers(b *testing.B) {
	const count = 20000
	srv := emulator.NewTestServer(b, emulator.Options{PageSize: 100, RequestLogLimit: 1000}, emulator.GenerateUsers(count)...)
	p := newBenchProvider(b, srv)
	schema := p.schemas.DataSourceSchemas["preo_users"]
	req := &tfprotov6.ReadDataSourceRequest{TypeName: "preo_users", Config: p.value(b, schema, nil)}

	var resp *tfprotov6.ReadDataSourceResponse
	b.ReportAllocs()
	clock := startCPUClock()
	for b.Loop() {
		var err error
		if resp, err = p.server.ReadDataSource(p.ctx(), req); err != nil {
			b.Fatal(err)
		}
		failOnDiagnostics(b, "ReadDataSource", resp.Diagnostics)
	}
	clock.report(b)
	var ids []tftypes.Value
	if err := attributes(b, schema, resp.State)["ids"].As(&ids); err != nil {
		b.Fatal(err)
	}
	if len(ids) != count {
		b.Fatalf("read %d ids, want %d", len(ids), count)
	}
}

// BenchmarkUserResource measures what Terraform asks of the provider for
// every preo_user in a plan: refresh the state, then plan the configuration
// against it. The configuration manages the user's names and email as they
// are in Preo, so the plan has no changes, as in a large steady-state plan.
func BenchmarkUserResource(b *testing.B) {
	users := emulator.GenerateUsers(1000)
	user := users[499]
	srv := emulator.NewTestServer(b, emulator.Options{RequestLogLimit: 1000}, users...)
	p := newBenchProvider(b, srv)
	schema := p.schemas.ResourceSchemas["preo_user"]

	imported, err := p.server.ImportResourceState(p.ctx(), &tfprotov6.ImportResourceStateRequest{TypeName: "preo_user", ID: user.ID})
	if err != nil {
		b.Fatal(err)
	}
	failOnDiagnostics(b, "ImportResourceState", imported.Diagnostics)
	read, err := p.server.ReadResource(p.ctx(), &tfprotov6.ReadResourceRequest{TypeName: "preo_user", CurrentState: imported.ImportedResources[0].State})
	if err != nil {
		b.Fatal(err)
	}
	failOnDiagnostics(b, "ReadResource", read.Diagnostics)
	state := read.NewState

	configured := map[string]tftypes.Value{
		"id":         tftypes.NewValue(tftypes.String, user.ID),
		"email":      tftypes.NewValue(tftypes.String, user.Email),
		"first_name": tftypes.NewValue(tftypes.String, user.FirstName),
		"last_name":  tftypes.NewValue(tftypes.String, user.LastName),
	}
	// With the configuration equal to the state, Terraform proposes the
	// prior state.
	proposed := attributes(b, schema, state)
	for name, value := range configured {
		proposed[name] = value
	}
	planReq := &tfprotov6.PlanResourceChangeRequest{
		TypeName:         "preo_user",
		PriorState:       state,
		ProposedNewState: p.value(b, schema, proposed),
		Config:           p.value(b, schema, configured),
	}
	readReq := &tfprotov6.ReadResourceRequest{TypeName: "preo_user", CurrentState: state}
	validateReq := &tfprotov6.ValidateResourceConfigRequest{TypeName: "preo_user", Config: p.value(b, schema, configured)}
	upgradeReq := &tfprotov6.UpgradeResourceStateRequest{TypeName: "preo_user", RawState: &tfprotov6.RawState{JSON: stateJSON(b, attributes(b, schema, state))}}

	// Terraform also validates the configuration and upgrades the stored
	// state of every resource in a plan.
	b.Run("ValidateResourceConfig", func(b *testing.B) {
		b.ReportAllocs()
		clock := startCPUClock()
		for b.Loop() {
			resp, err := p.server.ValidateResourceConfig(p.ctx(), validateReq)
			if err != nil {
				b.Fatal(err)
			}
			failOnDiagnostics(b, "ValidateResourceConfig", resp.Diagnostics)
		}
		clock.report(b)
	})
	b.Run("UpgradeResourceState", func(b *testing.B) {
		b.ReportAllocs()
		clock := startCPUClock()
		for b.Loop() {
			resp, err := p.server.UpgradeResourceState(p.ctx(), upgradeReq)
			if err != nil {
				b.Fatal(err)
			}
			failOnDiagnostics(b, "UpgradeResourceState", resp.Diagnostics)
		}
		clock.report(b)
	})

	b.Run("ReadResource", func(b *testing.B) {
		b.ReportAllocs()
		clock := startCPUClock()
		for b.Loop() {
			resp, err := p.server.ReadResource(p.ctx(), readReq)
			if err != nil {
				b.Fatal(err)
			}
			failOnDiagnostics(b, "ReadResource", resp.Diagnostics)
		}
		clock.report(b)
	})
	b.Run("PlanResourceChange", func(b *testing.B) {
		b.ReportAllocs()
		var resp *tfprotov6.PlanResourceChangeResponse
		clock := startCPUClock()
		for b.Loop() {
			if resp, err = p.server.PlanResourceChange(p.ctx(), planReq); err != nil {
				b.Fatal(err)
			}
			failOnDiagnostics(b, "PlanResourceChange", resp.Diagnostics)
		}
		clock.report(b)
		if len(resp.RequiresReplace) > 0 {
			b.Fatalf("the plan replaces the user: %v", resp.RequiresReplace)
		}
		planned, err := resp.PlannedState.Unmarshal(schema.ValueType())
		if err != nil {
			b.Fatal(err)
		}
		prior, err := state.Unmarshal(schema.ValueType())
		if err != nil {
			b.Fatal(err)
		}
		if !planned.Equal(prior) {
			b.Fatalf("the plan changes the user: %v", planned)
		}
	})
}

// stateJSON is state as Terraform stores it in a state file.
func stateJSON(b *testing.B, state map[string]tftypes.Value) []byte {
	b.Helper()
	out := make(map[string]any, len(state))
	for name, value := range state {
		var v any
		switch {
		case value.IsNull():
		case value.Type().Is(tftypes.Bool):
			var flag bool
			_ = value.As(&flag)
			v = flag
		default:
			var text string
			_ = value.As(&text)
			v = text
		}
		out[name] = v
	}
	raw, err := json.Marshal(out)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}
