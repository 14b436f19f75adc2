package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// rawListType is the type of the computed lists of preo_users (users and
// ids): a list whose framework value keeps the Terraform value it was read
// from, and converts it only when asked.
//
// After every data source read, terraform-plugin-framework reads each
// attribute of the new state as a framework value to look for semantic
// equality with the configuration. For a listing of 20,000 users that built
// 20,000 objects of twelve values each, and held them next to the state,
// only to find that the configuration has no users (they are computed), and
// so nothing to compare. With this type that read is free. Terraform sees
// the same schema: a list of the same elements.
type rawListType struct {
	basetypes.ListType
}

var _ basetypes.ListTypable = rawListType{}

func (t rawListType) Equal(o attr.Type) bool {
	other, ok := o.(rawListType)
	return ok && t.ListType.Equal(other.ListType)
}

func (t rawListType) String() string {
	return "rawListType[" + t.ElementType().String() + "]"
}

func (t rawListType) ValueType(context.Context) attr.Value {
	return rawListValue{listType: t}
}

// ValueFromTerraform keeps in, after checking that it is a list of this
// type's elements.
func (t rawListType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	if want := t.TerraformType(ctx); !in.Type().Equal(want) {
		return nil, fmt.Errorf("expected %s, got %s", want, in.Type())
	}
	return rawListValue{listType: t, raw: &in}, nil
}

func (t rawListType) ValueFromList(ctx context.Context, in basetypes.ListValue) (basetypes.ListValuable, diag.Diagnostics) {
	raw, err := in.ToTerraformValue(ctx)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("List Conversion Error", "A list could not be converted to a Terraform value: "+err.Error()+". This is a bug in the provider; please report it.")
		return nil, diags
	}
	return rawListValue{listType: t, raw: &raw}, nil
}

// rawListValue is a value of rawListType. Its zero value, as ValueType
// returns it, is null.
type rawListValue struct {
	listType rawListType
	raw      *tftypes.Value
}

var _ basetypes.ListValuable = rawListValue{}

func (v rawListValue) terraformValue(ctx context.Context) tftypes.Value {
	if v.raw == nil {
		return tftypes.NewValue(v.listType.TerraformType(ctx), nil)
	}
	return *v.raw
}

func (v rawListValue) Type(context.Context) attr.Type { return v.listType }

func (v rawListValue) ToTerraformValue(ctx context.Context) (tftypes.Value, error) {
	return v.terraformValue(ctx), nil
}

// Equal compares the Terraform values, unless both hold the very same one,
// as the framework's semantic equality pass compares a value with itself.
func (v rawListValue) Equal(o attr.Value) bool {
	other, ok := o.(rawListValue)
	if !ok || !v.listType.Equal(other.listType) {
		return false
	}
	if v.raw == other.raw {
		return true
	}
	ctx := context.Background()
	return v.terraformValue(ctx).Equal(other.terraformValue(ctx))
}

func (v rawListValue) IsNull() bool { return v.raw == nil || v.raw.IsNull() }

func (v rawListValue) IsUnknown() bool { return v.raw != nil && !v.raw.IsKnown() }

func (v rawListValue) String() string { return v.terraformValue(context.Background()).String() }

// ToListValue converts the list for code that reads its elements.
func (v rawListValue) ToListValue(ctx context.Context) (basetypes.ListValue, diag.Diagnostics) {
	var diags diag.Diagnostics
	converted, err := v.listType.ListType.ValueFromTerraform(ctx, v.terraformValue(ctx))
	if err != nil {
		diags.AddError("List Conversion Error", "A list could not be read: "+err.Error()+". This is a bug in the provider; please report it.")
		return basetypes.NewListUnknown(v.listType.ElementType()), diags
	}
	return converted.(basetypes.ListValue), diags
}
