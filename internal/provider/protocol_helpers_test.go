package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// protocolProvider drives the provider through its tfprotov6 server, in
// process, exactly as Terraform calls it: for what the Terraform CLI that
// `make test` installs cannot call.
type protocolProvider struct {
	tb      testing.TB
	server  tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

// newProtocolProvider starts the provider server and configures it against
// srv with retries off, plus any other settings given.
func newProtocolProvider(tb testing.TB, srv *emulator.TestServer, settings map[string]tftypes.Value) *protocolProvider {
	tb.Helper()
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(&preoProvider{
		version: "test",
		getenv:  func(string) string { return "" },
	})()
	if err != nil {
		tb.Fatalf("starting the provider server: %v", err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatalf("GetProviderSchema: %v", err)
	}
	p := &protocolProvider{tb: tb, server: server, schemas: schemas}
	p.requireNoErrors("GetProviderSchema", schemas.Diagnostics)

	values := map[string]tftypes.Value{
		"base_url":    tftypes.NewValue(tftypes.String, srv.URL),
		"api_token":   tftypes.NewValue(tftypes.String, srv.Token),
		"max_retries": tftypes.NewValue(tftypes.Number, 0),
	}
	for name, value := range settings {
		values[name] = value
	}
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0",
		Config:           p.dynamicValue(schemas.Provider.ValueType(), values),
	})
	if err != nil {
		tb.Fatalf("ConfigureProvider: %v", err)
	}
	p.requireNoErrors("ConfigureProvider", configured.Diagnostics)
	return p
}

// dynamicValue encodes an object of typ, with null for every attribute that
// values leaves out.
func (p *protocolProvider) dynamicValue(typ tftypes.Type, values map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.tb.Helper()
	object := typ.(tftypes.Object)
	full := make(map[string]tftypes.Value, len(object.AttributeTypes))
	for name, attrType := range object.AttributeTypes {
		full[name] = tftypes.NewValue(attrType, nil)
		if value, ok := values[name]; ok {
			full[name] = value
		}
	}
	for name := range values {
		if _, ok := object.AttributeTypes[name]; !ok {
			p.tb.Fatalf("the schema has no attribute %q", name)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, full))
	if err != nil {
		p.tb.Fatalf("encoding a value: %v", err)
	}
	return &dv
}

func (p *protocolProvider) requireNoErrors(call string, diags []*tfprotov6.Diagnostic) {
	p.tb.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			p.tb.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
		}
	}
}

// decode turns a dynamic value back into attribute values.
func (p *protocolProvider) decode(typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	p.tb.Helper()
	if dv == nil {
		p.tb.Fatal("no value to decode")
	}
	value, err := dv.Unmarshal(typ)
	if err != nil {
		p.tb.Fatalf("decoding a value: %v", err)
	}
	var attributes map[string]tftypes.Value
	if err := value.As(&attributes); err != nil {
		p.tb.Fatalf("reading an object: %v", err)
	}
	return attributes
}

func stringOf(tb testing.TB, value tftypes.Value) string {
	tb.Helper()
	var s string
	if err := value.As(&s); err != nil {
		tb.Fatalf("reading a string: %v", err)
	}
	return s
}
