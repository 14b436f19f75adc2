package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// A user built directly as a Terraform value is exactly the state that
// tfsdk's reflection writes from the same model, for users with and without
// a phone number, channel, last-seen time or metadata.
func TestUserTerraformValueMatchesReflection(t *testing.T) {
	srv := emulator.NewTestServer(t, emulator.Options{PageSize: 100}, append(emulator.GenerateUsers(200), ada(), alan(), grace())...)
	c, err := client.New(client.Config{BaseURL: srv.URL, Token: srv.Token})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.ListUsers(t.Context(), client.ListUsersQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var schema resource.SchemaResponse
	NewUserResource().Schema(t.Context(), resource.SchemaRequest{}, &schema)

	for i := range list.Users {
		model := newUserModel(&list.Users[i])
		reflected := tfsdk.State{Schema: schema.Schema}
		if diags := reflected.Set(t.Context(), model); diags.HasError() {
			t.Fatal(diags)
		}
		direct := tfsdk.State{Schema: schema.Schema}
		if diags := direct.Set(t.Context(), model.terraformValue()); diags.HasError() {
			t.Fatal(diags)
		}
		if !direct.Raw.Equal(reflected.Raw) {
			t.Fatalf("user %s: built directly as %v, by reflection as %v", list.Users[i].ID, direct.Raw, reflected.Raw)
		}
	}
}

// The identity built directly is the one tfsdk's reflection writes from
// userIdentity, which imports read.
func TestIdentityValueMatchesReflection(t *testing.T) {
	var schema resource.IdentitySchemaResponse
	NewUserResource().(resource.ResourceWithIdentity).IdentitySchema(t.Context(), resource.IdentitySchemaRequest{}, &schema)
	reflected := tfsdk.ResourceIdentity{Schema: schema.IdentitySchema}
	if diags := reflected.Set(t.Context(), userIdentity{ID: types.StringValue("usr_1")}); diags.HasError() {
		t.Fatal(diags)
	}
	direct := tfsdk.ResourceIdentity{Schema: schema.IdentitySchema}
	if diags := direct.Set(t.Context(), identityValue("usr_1")); diags.HasError() {
		t.Fatal(diags)
	}
	if !direct.Raw.Equal(reflected.Raw) {
		t.Fatalf("identity built directly as %v, by reflection as %v", direct.Raw, reflected.Raw)
	}
}

func TestStringAttribute(t *testing.T) {
	user := userModel{ID: types.StringValue("usr_1"), IsActive: types.BoolValue(true)}.terraformValue()
	if id, err := stringAttribute(user, "id"); err != nil || id != "usr_1" {
		t.Errorf("id is %q (%v), want usr_1", id, err)
	}
	if _, err := stringAttribute(user, "is_active"); err == nil {
		t.Error("a bool attribute reads as a string")
	}
	if _, err := stringAttribute(user, "name"); err == nil {
		t.Error("a missing attribute reads as a string")
	}
}
