package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// clientFrom is the one place that turns provider data into the shared API
// client. Nil data means the provider is not configured yet (Terraform asks
// for schemas and validation first), which is not an error.
func clientFrom(providerData any, diags *diag.Diagnostics) *client.Client {
	if providerData == nil {
		return nil
	}
	c, ok := providerData.(*client.Client)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *client.Client, got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return c
}
