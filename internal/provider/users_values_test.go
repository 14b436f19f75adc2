package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

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
