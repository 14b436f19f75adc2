package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

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

type floorResource struct{}

func (floorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "preo_user"
}
func (floorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	a := map[string]schema.Attribute{}
	for _, n := range []string{"id", "email", "phone_number", "first_name", "last_name"} {
		a[n] = schema.StringAttribute{Optional: true, Computed: true}
	}
	for _, n := range []string{"locale", "msg_channel", "date_joined", "last_seen", "metadata"} {
		a[n] = schema.StringAttribute{Computed: true}
	}
	for _, n := range []string{"is_verified", "is_active"} {
		a[n] = schema.BoolAttribute{Computed: true}
	}
	resp.Schema = schema.Schema{Attributes: a}
}
func (floorResource) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (floorResource) Read(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	resp.State.Raw = req.State.Raw
}
func (floorResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func BenchmarkZZFloor(b *testing.B) {
	server, _ := providerserver.NewProtocol6WithError(floorProvider{})()
	ctx := context.Background()
	schemas, _ := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.5.7", Config: func() *tfprotov6.DynamicValue {
		dv, _ := tfprotov6.NewDynamicValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}, map[string]tftypes.Value{}))
		return &dv
	}()})
	p := &benchProvider{protocolProvider: &protocolProvider{tb: b, server: server, schemas: schemas}, logs: providerProcessLogs(b)}
	typ := schemas.ResourceSchemas["preo_user"].ValueType()
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	state := map[string]tftypes.Value{"id": str("usr_1"), "email": str("a@example.com"), "phone_number": str("+45"), "first_name": str("A"), "last_name": str("L"),
		"locale": str("en"), "msg_channel": str("email"), "date_joined": str("2024-01-01T00:00:00Z"), "last_seen": str("2024-01-01T00:00:00Z"), "metadata": str(`{"a":1}`),
		"is_verified": tftypes.NewValue(tftypes.Bool, true), "is_active": tftypes.NewValue(tftypes.Bool, true)}
	configured := map[string]tftypes.Value{"id": str("usr_1"), "email": str("a@example.com"), "first_name": str("A"), "last_name": str("L")}
	stateDV := p.dynamicValue(typ, state)
	planReq := &tfprotov6.PlanResourceChangeRequest{TypeName: "preo_user", PriorState: stateDV, ProposedNewState: stateDV, Config: p.dynamicValue(typ, configured)}
	readReq := &tfprotov6.ReadResourceRequest{TypeName: "preo_user", CurrentState: stateDV}
	validateReq := &tfprotov6.ValidateResourceConfigRequest{TypeName: "preo_user", Config: p.dynamicValue(typ, configured)}
	upgradeReq := &tfprotov6.UpgradeResourceStateRequest{TypeName: "preo_user", RawState: &tfprotov6.RawState{JSON: stateJSON(b, state)}}
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
	p.benchCall(b, "PlanResourceChange", func(ctx context.Context) ([]*tfprotov6.Diagnostic, error) {
		resp, err := p.server.PlanResourceChange(ctx, planReq)
		return resp.Diagnostics, err
	})
}
