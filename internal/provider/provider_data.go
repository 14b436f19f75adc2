package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// providerData is what Configure hands every resource, data source and list
// resource: the one API client of this provider instance, and the adoption
// previews that the resource's plans hand to its creates (user_preview.go).
type providerData struct {
	client    *client.Client
	adoptions *adoptionPreviews
}

// dataFrom is the one place that turns provider data into providerData. Nil
// data means the provider is not configured yet (Terraform asks for schemas
// and validation first), which is not an error.
func dataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return d
}

// clientFrom is the API client in provider data, or nil before Configure.
func clientFrom(data any, diags *diag.Diagnostics) *client.Client {
	if d := dataFrom(data, diags); d != nil {
		return d.client
	}
	return nil
}
