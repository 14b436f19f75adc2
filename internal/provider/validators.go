package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/django"
)

// emailValidators are the plan-time checks of an email address: Preo's own
// rules, so that a plan accepts exactly what the apply will.
func emailValidators() []validator.String {
	return []validator.String{validUTF8, notPadded, preoEmail, stringvalidator.UTF8LengthAtMost(254)}
}

// textValidators are the plan-time checks of the other writable attributes.
func textValidators(maxLength int) []validator.String {
	return []validator.String{validUTF8, notPadded, stringvalidator.UTF8LengthAtMost(maxLength)}
}

// stringCheck is a plan-time check of a known string value.
type stringCheck struct {
	description string
	check       func(attribute path.Path, value string, diags *diag.Diagnostics)
}

var _ validator.String = stringCheck{}

func (c stringCheck) Description(context.Context) string { return c.description }

func (c stringCheck) MarkdownDescription(context.Context) string { return c.description }

func (c stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if known(req.ConfigValue) {
		c.check(req.Path, req.ConfigValue.ValueString(), &resp.Diagnostics)
	}
}

// preoEmail refuses the addresses Django's EmailValidator refuses, which is
// what Preo runs on every email it receives.
var preoEmail = stringCheck{
	description: "must be an email address that Preo accepts (Django's EmailValidator)",
	check: func(attribute path.Path, value string, diags *diag.Diagnostics) {
		if err := django.ValidateEmail(value); err != nil {
			diags.AddAttributeError(attribute, "Invalid Email Address",
				fmt.Sprintf("%s is %q, which Preo would refuse as an email address: %s. Preo checks addresses with Django's EmailValidator; "+
					"use an address of the form name@example.com (ada@localhost and addresses with an IP in brackets also pass).", attribute, value, err))
		}
	},
}

// validUTF8 refuses a value that is not UTF-8 text, such as bytes read in
// another encoding: JSON would carry each invalid byte to Preo as U+FFFD, so
// the stored value would never match and every apply would fail.
var validUTF8 = stringCheck{
	description: "must be valid UTF-8 text",
	check: func(attribute path.Path, value string, diags *diag.Diagnostics) {
		if !utf8.ValidString(value) {
			diags.AddAttributeError(attribute, "Invalid Text Encoding",
				fmt.Sprintf("%s is %q, which is not valid UTF-8 text. Preo would store each invalid byte as U+FFFD, so the value would never match; "+
					"convert it to UTF-8, for example where the variable that holds it is read.", attribute, value))
		}
	},
}

// notPadded refuses values that start or end with whitespace. Preo strips it
// (Python's str.strip), so such a value could never match what Preo stores:
// every apply would fail as an inconsistent result. Preo may still hold such
// values from before, and generated configuration copies them, so the
// message says both ways out.
var notPadded = stringCheck{
	description: "must not start or end with whitespace",
	check: func(attribute path.Path, value string, diags *diag.Diagnostics) {
		trimmed := django.Strip(value)
		if trimmed == value {
			return
		}
		diags.AddAttributeError(attribute, "Value With Surrounding Whitespace",
			fmt.Sprintf("%[1]s is %[2]q, which starts or ends with whitespace. Preo strips whitespace from both ends of every value it receives, "+
				"so it would store %[3]q and Terraform could never make the two agree.\n\n"+
				"If you wrote this value, fix it: set %[1]s = %[3]q. "+
				"If it was copied from Preo (terraform plan -generate-config-out copies what Preo holds, and Preo may hold values from before it stripped them), "+
				"drop the %[1]s argument to leave the value as Preo has it, or set the value without the whitespace to correct it in Preo.",
				attribute, value, trimmed))
	},
}

// orderingValidators accept the fields the API sorts by, each at most once.
func orderingValidators() []validator.List {
	orderings := make([]string, 0, 2*len(orderingFields))
	for _, field := range orderingFields {
		orderings = append(orderings, field, "-"+field)
	}
	return []validator.List{
		listvalidator.NoNullValues(),
		listvalidator.ValueStringsAre(stringvalidator.OneOf(orderings...)),
		orderingFieldsOnce{},
	}
}

// orderingFieldsOnce rejects an ordering that names a field twice, such as
// ["email", "-email"]: the API would silently use only the first.
type orderingFieldsOnce struct{}

var _ validator.List = orderingFieldsOnce{}

func (orderingFieldsOnce) Description(context.Context) string {
	return "each field may appear at most once, with or without a leading -"
}

func (v orderingFieldsOnce) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (orderingFieldsOnce) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var values []types.String
	resp.Diagnostics.Append(req.ConfigValue.ElementsAs(ctx, &values, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if field, ok := repeatedOrderingField(values); ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Ordering",
			fmt.Sprintf("The field %q appears more than once in ordering. Name each field once, with a leading - for descending order.", field))
	}
}

// repeatedOrderingField returns the first field named twice; unknown
// elements cannot repeat anything yet and are skipped.
func repeatedOrderingField(values []types.String) (string, bool) {
	seen := map[string]bool{}
	for _, value := range values {
		if !known(value) {
			continue
		}
		field := strings.TrimPrefix(value.ValueString(), "-")
		if seen[field] {
			return field, true
		}
		seen[field] = true
	}
	return "", false
}

// requestTimeout checks request_timeout at plan time.
var requestTimeout = stringCheck{
	description: "must be a positive Go duration of at most " + durationText(client.MaxRequestTimeout),
	check: func(attribute path.Path, value string, diags *diag.Diagnostics) {
		if _, err := parseRequestTimeout(value); err != nil {
			diags.AddAttributeError(attribute, "Invalid Request Timeout", fmt.Sprintf("The request timeout %q %s.", value, err))
		}
	},
}

// numberRange accepts numbers from minimum to maximum, whole ones only
// unless fractions is set. Numbers are Number attributes checked this way,
// rather than Int64 or Float64 attributes, so that a value such as 1.5 or
// 1e400 gets a plain message on the attribute instead of a conversion error
// that blames the provider.
type numberRange struct {
	minimum, maximum float64
	fractions        bool
}

var _ validator.Number = numberRange{}

func (r numberRange) String() string {
	if r.fractions {
		return fmt.Sprintf("between %g and %g", r.minimum, r.maximum)
	}
	return fmt.Sprintf("from %g to %g", r.minimum, r.maximum)
}

func (r numberRange) kind() string {
	if r.fractions {
		return "a number"
	}
	return "a whole number"
}

func (r numberRange) summary() string {
	if r.fractions {
		return "Invalid Number"
	}
	return "Invalid Whole Number"
}

func (r numberRange) Description(context.Context) string {
	return "must be " + r.kind() + " " + r.String()
}

func (r numberRange) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

func (r numberRange) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := r.check(req.ConfigValue.ValueBigFloat()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, r.summary(), fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// check returns number within the range; its error completes a sentence
// that starts with the setting's name.
func (r numberRange) check(number *big.Float) (float64, error) {
	if number == nil {
		return 0, fmt.Errorf("is not %s %s", r.kind(), r)
	}
	if (!r.fractions && !number.IsInt()) || number.Cmp(big.NewFloat(r.minimum)) < 0 || number.Cmp(big.NewFloat(r.maximum)) > 0 {
		return 0, fmt.Errorf("is %s, which is not %s %s", number.Text('g', -1), r.kind(), r)
	}
	n, _ := number.Float64()
	return n, nil
}
