package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// notPadded rejects values that start or end with whitespace. Preo strips it
// (Python's str.strip), so such a value could never match what Preo stores:
// every apply would fail as an inconsistent result.
type notPadded struct{}

var _ validator.String = notPadded{}

func (notPadded) Description(context.Context) string {
	return "must not start or end with whitespace"
}

func (v notPadded) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (notPadded) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	value := req.ConfigValue.ValueString()
	if strings.TrimFunc(value, isPythonSpace) != value {
		resp.Diagnostics.AddAttributeError(req.Path, "Value With Surrounding Whitespace",
			fmt.Sprintf("%s is %q, which starts or ends with whitespace. Preo removes it, so the value would never match; remove it from the configuration.", req.Path, value))
	}
}

// isPythonSpace is what Python's str.isspace accepts: Unicode whitespace and
// the ASCII information separators U+001C to U+001F.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// validUTF8 rejects a value that is not UTF-8 text, such as bytes read in
// another encoding: JSON would carry each invalid byte to Preo as U+FFFD, so
// the stored value would never match and every apply would fail.
type validUTF8 struct{}

var _ validator.String = validUTF8{}

func (validUTF8) Description(context.Context) string { return "must be valid UTF-8 text" }

func (v validUTF8) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (validUTF8) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if value := req.ConfigValue.ValueString(); !utf8.ValidString(value) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Text Encoding",
			fmt.Sprintf("%s is %q, which is not valid UTF-8 text. Preo would store each invalid byte as U+FFFD, so the value would never match; "+
				"convert it to UTF-8, for example where the variable that holds it is read.", req.Path, value))
	}
}

// wholeNumberRange accepts whole numbers from minimum to maximum. Whole
// numbers are Number attributes checked this way rather than Int64
// attributes, so that a value such as 1.5 gets a plain message on the
// attribute instead of a conversion error that blames the provider.
type wholeNumberRange struct{ minimum, maximum int }

var _ validator.Number = wholeNumberRange{}

func (r wholeNumberRange) String() string { return fmt.Sprintf("from %d to %d", r.minimum, r.maximum) }

func (r wholeNumberRange) Description(context.Context) string {
	return "must be a whole number " + r.String()
}

func (r wholeNumberRange) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

func (r wholeNumberRange) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := r.check(req.ConfigValue.ValueBigFloat()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Whole Number", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// check returns number as an int; its error completes a sentence that
// starts with the setting's name.
func (r wholeNumberRange) check(number *big.Float) (int, error) {
	if number == nil {
		return 0, fmt.Errorf("is not a whole number %s", r)
	}
	if !number.IsInt() || number.Cmp(big.NewFloat(float64(r.minimum))) < 0 || number.Cmp(big.NewFloat(float64(r.maximum))) > 0 {
		return 0, fmt.Errorf("is %s, which is not a whole number %s", number.Text('g', -1), r)
	}
	n, _ := number.Int64()
	return int(n), nil
}

// requestTimeoutValidator checks request_timeout at plan time.
type requestTimeoutValidator struct{}

var _ validator.String = requestTimeoutValidator{}

func (requestTimeoutValidator) Description(context.Context) string {
	return "must be a positive Go duration of at most " + durationText(client.MaxRequestTimeout)
}

func (v requestTimeoutValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (requestTimeoutValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if _, err := parseRequestTimeout(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Request Timeout",
			fmt.Sprintf("The request timeout %q %s.", req.ConfigValue.ValueString(), err))
	}
}
