package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Email addresses are compared without regard to letter case: Preo may store
// or echo "Ada@Example.com" as "ada@example.com", and that must neither fail
// an apply as an inconsistent result nor show up as a change in the next plan.
// The type handles what Terraform applies; plans compare with sameEmail
// (user_plan.go).
var (
	_ basetypes.StringTypable                    = emailType{}
	_ basetypes.StringValuableWithSemanticEquals = emailValue{}
)

type emailType struct {
	basetypes.StringType
}

func (t emailType) String() string { return "provider.emailType" }

func (t emailType) ValueType(context.Context) attr.Value { return emailValue{} }

func (t emailType) Equal(o attr.Type) bool {
	other, ok := o.(emailType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t emailType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return emailValue{StringValue: in}, nil
}

func (t emailType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	value, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	stringValue, ok := value.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", value)
	}
	return emailValue{StringValue: stringValue}, nil
}

type emailValue struct {
	basetypes.StringValue
}

func newEmailValue(email string) emailValue {
	return emailValue{StringValue: basetypes.NewStringValue(email)}
}

func (v emailValue) Type(context.Context) attr.Type { return emailType{} }

func (v emailValue) Equal(o attr.Value) bool {
	other, ok := o.(emailValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v emailValue) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	otherValue, ok := other.(emailValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected an email value, got %T. This is a bug in the provider; please report it.", other))
		return false, diags
	}
	return sameEmail(v.ValueString(), otherValue.ValueString()), diags
}

func sameEmail(a, b string) bool { return strings.EqualFold(a, b) }
