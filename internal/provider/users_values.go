package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// User state is written as Terraform values built directly, not through
// tfsdk's struct reflection nor through framework objects. Reflection parses
// every struct tag of every element with a regular expression and validates
// every custom-typed value again; a framework object builds a fresh copy of
// its type whenever it is converted, and State.Set converts a value three
// times. For a listing of 20,000 users each of those cost more than reading
// the users from the API. Here every user shares one type, and each value is
// built once.

// listedUserAttributes describes a user inside the preo_users listing. The
// attributes are those of userDataSourceAttributes without their custom
// types: Terraform sees the same schema, but the framework does no
// per-element semantic equality or validation, which a computed listing
// never needs (it has no prior value to keep).
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

// userObjectType is a listed user as the framework sees it, and userType as
// Terraform sees it in every schema that shows a user, shared by every user
// value.
var (
	userObjectType = schema.NestedAttributeObject{Attributes: listedUserAttributes()}.Type()
	userType       = userObjectType.TerraformType(context.Background()).(tftypes.Object)
)

// Values every user shares are built once: a listing holds thousands of
// users, and each built value is an allocation of its own.
var (
	userTypeValue tftypes.Type = userType
	nullString                 = tftypes.NewValue(tftypes.String, nil)
	nullBool                   = tftypes.NewValue(tftypes.Bool, nil)
	trueValue                  = tftypes.NewValue(tftypes.Bool, true)
	falseValue                 = tftypes.NewValue(tftypes.Bool, false)
)

// terraformBool converts a bool built from an API answer, which is never
// unknown, and null when the answer left it out.
func terraformBool(v basetypes.BoolValue) tftypes.Value {
	switch {
	case v.IsNull():
		return nullBool
	case v.ValueBool():
		return trueValue
	}
	return falseValue
}

// terraformValue is the user as Terraform stores it.
func (m userModel) terraformValue() tftypes.Value {
	return tftypes.NewValue(userTypeValue, map[string]tftypes.Value{
		"id":           terraformString(m.ID),
		"email":        terraformString(m.Email.StringValue),
		"phone_number": terraformString(m.PhoneNumber),
		"first_name":   terraformString(m.FirstName),
		"last_name":    terraformString(m.LastName),
		"is_verified":  terraformBool(m.IsVerified),
		"is_active":    terraformBool(m.IsActive),
		"locale":       terraformString(m.Locale),
		"msg_channel":  terraformString(m.MsgChannel),
		"date_joined":  terraformString(m.DateJoined),
		"last_seen":    terraformString(m.LastSeen),
		"metadata":     terraformString(m.Metadata),
	})
}

// userIdentityType is the type of a preo_user's identity (IdentitySchema).
var userIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}

// identityValue is the identity of the user with this id.
func identityValue(id string) tftypes.Value {
	return tftypes.NewValue(userIdentityType, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)})
}

// stringAttribute reads one string attribute of an object, such as the id of
// a state, without the framework's walk through the schema to it.
func stringAttribute(object tftypes.Value, name string) (string, error) {
	var attributes map[string]tftypes.Value
	if err := object.As(&attributes); err != nil {
		return "", err
	}
	value, ok := attributes[name]
	if !ok {
		return "", fmt.Errorf("the object has no attribute %q", name)
	}
	var s string
	if err := value.As(&s); err != nil {
		return "", fmt.Errorf("attribute %q: %w", name, err)
	}
	return s, nil
}

// terraformString converts a string built from an API answer, which is
// never unknown.
func terraformString(v basetypes.StringValue) tftypes.Value {
	if v.IsNull() {
		return nullString
	}
	return tftypes.NewValue(tftypes.String, v.ValueString())
}

// withAttributes returns object with some attributes replaced, such as a
// data source's configuration with its results filled in.
func withAttributes(object tftypes.Value, replaced map[string]tftypes.Value) (tftypes.Value, error) {
	// As hands out the object's own map, which must stay as it is.
	var current map[string]tftypes.Value
	if err := object.As(&current); err != nil {
		return tftypes.Value{}, err
	}
	attributes := make(map[string]tftypes.Value, len(current))
	maps.Copy(attributes, current)
	maps.Copy(attributes, replaced)
	if err := tftypes.ValidateValue(object.Type(), attributes); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(object.Type(), attributes), nil
}
