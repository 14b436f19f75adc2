package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// userFilters is the configuration the preo_users data source and the
// preo_user list resource share: which users, in what order.
type userFilters struct {
	EditionID      types.String `tfsdk:"edition_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	Search         types.String `tfsdk:"search"`
	Ordering       types.List   `tfsdk:"ordering"`
}

// query asks the client for the users the filters select, in their order.
func (f *userFilters) query(ctx context.Context) (client.ListUsersQuery, diag.Diagnostics) {
	query := client.ListUsersQuery{
		EditionID:      f.EditionID.ValueString(),
		OrganizationID: f.OrganizationID.ValueString(),
		Search:         f.Search.ValueString(),
	}
	diags := f.Ordering.ElementsAs(ctx, &query.Ordering, false)
	return query, diags
}

// userFilterAttributes describes the filters once for both schemas. The data
// source and list schema packages each have attribute types of their own, so
// the caller says how to make an optional string and an optional list of
// strings.
func userFilterAttributes[A any](
	optionalString func(description string) A,
	optionalStrings func(description string, validators []validator.List) A,
) map[string]A {
	return map[string]A{
		"edition_id":      optionalString("Only users of this edition (`edt_...`)."),
		"organization_id": optionalString("Only users of this organization (`org_...`)."),
		"search": optionalString("Search text. It is split on spaces and commas, and a user matches when every term is found, " +
			"without regard to letter case, in the first name, last name, email address or phone number."),
		"ordering": optionalStrings("Fields to order by, most significant first: any of `"+strings.Join(orderingFields, "`, `")+
			"`, each optionally prefixed with `-` for descending order, and each field at most once. "+
			"Defaults to the API's order (date joined, then id).", orderingValidators()),
	}
}

// orderingFields are the fields the API can order users by.
var orderingFields = []string{"email", "phone_number", "date_joined", "last_seen"}
