package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// State is built from framework values directly rather than through tfsdk's
// struct reflection, which costs more than the rest of a read: it parses
// every struct tag of every element with a regular expression, and validates
// every custom-typed value once more. A listing of 20,000 users spent most
// of its time there.

// listedUserAttributes describes a user inside the preo_users listing. The
// attributes are those of userDataSourceAttributes without their custom
// types: Terraform sees the same schema, but the framework does no
// per-element semantic equality or validation, which a computed listing
// never needs (there is no prior value to keep).
func listedUserAttributes() map[string]schema.Attribute {
	attributes := userDataSourceAttributes()
	for name, attribute := range attributes {
		if s, ok := attribute.(schema.StringAttribute); ok {
			s.CustomType = nil
			attributes[name] = s
		}
	}
	return attributes
}

// listedUserType is the type of one element of the preo_users listing,
// shared by every element.
var listedUserType = schema.NestedAttributeObject{Attributes: listedUserAttributes()}.Type().(basetypes.ObjectType)

// object is the user as an object of plain values. Its Terraform type is
// that of every schema that shows a user, so it also sets the resource's
// state: custom types only change how the framework reads state back.
func (m userModel) object() types.Object {
	return types.ObjectValueMust(listedUserType.AttrTypes, map[string]attr.Value{
		"id":           m.ID,
		"email":        m.Email.StringValue,
		"phone_number": m.PhoneNumber,
		"first_name":   m.FirstName,
		"last_name":    m.LastName,
		"is_verified":  m.IsVerified,
		"is_active":    m.IsActive,
		"locale":       m.Locale,
		"msg_channel":  m.MsgChannel,
		"date_joined":  m.DateJoined.StringValue,
		"last_seen":    m.LastSeen.StringValue,
		"metadata":     m.Metadata.StringValue,
	})
}

// objectAttributeTypes are the attribute types of a schema's root object.
func objectAttributeTypes(s interface{ Type() attr.Type }) map[string]attr.Type {
	return s.Type().(attr.TypeWithAttributeTypes).AttributeTypes()
}

// setState writes value as the whole state, converting it to Terraform's
// form once. tfsdk.State.Set converts an attr.Value three times (twice to
// validate it), which a listing of thousands of users notices; value is
// built from API answers with plain types, so it has nothing to validate.
func setState(ctx context.Context, state *tfsdk.State, value attr.Value) diag.Diagnostics {
	raw, err := value.ToTerraformValue(ctx)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Unable to Write State",
			"The provider could not convert its answer to Terraform's form: "+err.Error()+". This is a bug in the provider; please report it.")
		return diags
	}
	return state.Set(ctx, raw)
}
