package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// BenchmarkFrameworkFloor measures what terraform-plugin-framework itself
// costs for each call a plan makes per preo_user, so that
// BenchmarkUserResource can be read against it: the same calls, on a
// resource with preo_user's exact schema whose Read returns the state it is
// given and that plans nothing of its own. No request is made.
func BenchmarkFrameworkFloor(b *testing.B) {
	server, err := providerserver.NewProtocol6WithError(floorProvider{})()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	p := &benchProvider{protocolProvider: &protocolProvider{tb: b, server: server, schemas: schemas}, logs: providerProcessLogs(b)}
	schema := schemas.ResourceSchemas["preo_user"]

	text := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	attributes := map[string]tftypes.Value{
		"id": text("usr_0001"), "email": text("ada@example.com"), "phone_number": text("+4512345678"),
		"first_name": text("Ada"), "last_name": text("Lovelace"), "locale": text("en"), "msg_channel": text("email"),
		"date_joined": text("2024-08-25T15:00:00Z"), "last_seen": text("2026-11-20T09:30:00.25Z"), "metadata": text(`{"tier":"gold"}`),
		"is_verified": tftypes.NewValue(tftypes.Bool, true), "is_active": tftypes.NewValue(tftypes.Bool, true),
	}
	state := p.dynamicValue(schema.ValueType(), attributes)
	configured := map[string]tftypes.Value{
		"id":         attributes["id"],
		"email":      attributes["email"],
		"first_name": attributes["first_name"],
		"last_name":  attributes["last_name"],
	}
	config := p.dynamicValue(schema.ValueType(), configured)
	p.benchCall(b, "ValidateResourceConfig", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "preo_user", Config: config})
		return resp.Diagnostics, err
	})
	p.benchCall(b, "UpgradeResourceState", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "preo_user", RawState: &tfprotov6.RawState{JSON: stateJSON(b, attributes)}})
		return resp.Diagnostics, err
	})
	p.benchCall(b, "ReadResource", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		resp, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "preo_user", CurrentState: state})
		return resp.Diagnostics, err
	})
	p.benchCall(b, "PlanResourceChange", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		resp, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "preo_user", PriorState: state, ProposedNewState: state, Config: config})
		return resp.Diagnostics, err
	})
}

// floorProvider serves floorResource as preo_user.
type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "preo"
}

func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return floorResource{} }}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// floorResource has preo_user's schema and does nothing else.
type floorResource struct{}

func (floorResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "preo_user"
}

func (floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	NewUserResource().Schema(ctx, req, resp)
}

func (floorResource) Read(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	resp.State.Raw = req.State.Raw
}

func (floorResource) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (floorResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
