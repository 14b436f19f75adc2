package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
