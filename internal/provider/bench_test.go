package provider

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// The benchmarks drive the provider through its protocol 6 server, as
// Terraform does, against an in-process emulator without added latency, so
// that they measure the provider and the framework rather than the network.

// benchProvider is the provider as protocolProvider drives it, with the
// loggers a provider process has on every request.
type benchProvider struct {
	*protocolProvider
	logs context.Context
}

// newBenchProvider configures the provider against srv, as Terraform does
// before any resource or data source request.
func newBenchProvider(b *testing.B, srv *emulator.TestServer) *benchProvider {
	b.Helper()
	logs := providerProcessLogs(b)
	return &benchProvider{protocolProvider: newProtocolProvider(b, srv, nil), logs: logs}
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

// BenchmarkReadDataSourceUsers lists 20,000 users in pages of 100, the
// preo_users data source as a large plan reads it.
func BenchmarkReadDataSourceUsers(b *testing.B) {
	const count = 20000
	srv := emulator.NewTestServer(b, emulator.Options{PageSize: 100, RequestLogLimit: 1000}, emulator.GenerateUsers(count)...)
	p := newBenchProvider(b, srv)
	schema := p.schemas.DataSourceSchemas["preo_users"]
	req := &tfprotov6.ReadDataSourceRequest{TypeName: "preo_users", Config: p.dynamicValue(schema.ValueType(), nil)}

	var resp *tfprotov6.ReadDataSourceResponse
	b.ReportAllocs()
	clock := startCPUClock()
	for b.Loop() {
		var err error
		if resp, err = p.server.ReadDataSource(p.ctx(), req); err != nil {
			b.Fatal(err)
		}
		p.requireNoErrors("ReadDataSource", resp.Diagnostics)
	}
	clock.report(b)
	var ids []tftypes.Value
	if err := p.decode(schema.ValueType(), resp.State)["ids"].As(&ids); err != nil {
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
	p.requireNoErrors("ImportResourceState", imported.Diagnostics)
	read, err := p.server.ReadResource(p.ctx(), &tfprotov6.ReadResourceRequest{TypeName: "preo_user", CurrentState: imported.ImportedResources[0].State})
	if err != nil {
		b.Fatal(err)
	}
	p.requireNoErrors("ReadResource", read.Diagnostics)
	state := read.NewState

	configured := map[string]tftypes.Value{
		"id":         tftypes.NewValue(tftypes.String, user.ID),
		"email":      tftypes.NewValue(tftypes.String, user.Email),
		"first_name": tftypes.NewValue(tftypes.String, user.FirstName),
		"last_name":  tftypes.NewValue(tftypes.String, user.LastName),
	}
	// With the configuration equal to the state, Terraform proposes the
	// prior state.
	proposed := p.decode(schema.ValueType(), state)
	for name, value := range configured {
		proposed[name] = value
	}
	planReq := &tfprotov6.PlanResourceChangeRequest{
		TypeName:         "preo_user",
		PriorState:       state,
		ProposedNewState: p.dynamicValue(schema.ValueType(), proposed),
		Config:           p.dynamicValue(schema.ValueType(), configured),
	}
	readReq := &tfprotov6.ReadResourceRequest{TypeName: "preo_user", CurrentState: state}
	validateReq := &tfprotov6.ValidateResourceConfigRequest{TypeName: "preo_user", Config: p.dynamicValue(schema.ValueType(), configured)}
	upgradeReq := &tfprotov6.UpgradeResourceStateRequest{TypeName: "preo_user", RawState: &tfprotov6.RawState{JSON: stateJSON(b, p.decode(schema.ValueType(), state))}}

	// Terraform also validates the configuration and upgrades the stored
	// state of every resource in a plan.
	p.benchCall(b, "ValidateResourceConfig", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		resp, err := p.server.ValidateResourceConfig(ctx, validateReq)
		return resp.Diagnostics, err
	})
	p.benchCall(b, "UpgradeResourceState", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		resp, err := p.server.UpgradeResourceState(ctx, upgradeReq)
		return resp.Diagnostics, err
	})
	p.benchCall(b, "ReadResource", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		resp, err := p.server.ReadResource(ctx, readReq)
		return resp.Diagnostics, err
	})
	var planned *tfprotov6.PlanResourceChangeResponse
	p.benchCall(b, "PlanResourceChange", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		planned, err = p.server.PlanResourceChange(ctx, planReq)
		return planned.Diagnostics, err
	})
	if planned == nil {
		return // -bench left PlanResourceChange out
	}
	if len(planned.RequiresReplace) > 0 {
		b.Fatalf("the plan replaces the user: %v", planned.RequiresReplace)
	}
	if plannedState := p.decode(schema.ValueType(), planned.PlannedState); !maps.EqualFunc(plannedState, p.decode(schema.ValueType(), state), tftypes.Value.Equal) {
		b.Fatalf("the plan changes the user: %v", plannedState)
	}
}

// benchCall measures one call, made as Terraform makes it, in a
// sub-benchmark: time, allocations and CPU per call.
func (p *benchProvider) benchCall(b *testing.B, name string, call func(context.Context) ([]*tfprotov6.Diagnostic, error)) {
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		clock := startCPUClock()
		for b.Loop() {
			diags, err := call(p.ctx())
			if err != nil {
				b.Fatal(err)
			}
			for _, d := range diags {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					b.Fatalf("%s: %s: %s", name, d.Summary, d.Detail)
				}
			}
		}
		clock.report(b)
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
