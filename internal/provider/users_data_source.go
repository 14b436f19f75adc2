package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/preo/terraform-provider-preo/internal/client"
)

var (
	_ datasource.DataSource              = (*usersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*usersDataSource)(nil)
)

// maxResultsRange bounds max_results: more than one listing reads would
// fail anyway.
var maxResultsRange = numberRange{minimum: 1, maximum: client.MaxListingUsers}

// orderingFields are the fields the API can order users by.
var orderingFields = []string{"email", "phone_number", "date_joined", "last_seen"}

// usersDataSource lists users by edition, organization and search text.
type usersDataSource struct {
	client *client.Client
}

// usersDataSourceModel holds the configuration; Read writes the state as
// Terraform values (users_values.go), which a listing of thousands needs.
type usersDataSourceModel struct {
	EditionID      types.String `tfsdk:"edition_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	Search         types.String `tfsdk:"search"`
	Ordering       types.List   `tfsdk:"ordering"`
	MaxResults     types.Number `tfsdk:"max_results"`
	Users          types.List   `tfsdk:"users"`
	IDs            types.List   `tfsdk:"ids"`
	TotalCount     types.Int64  `tfsdk:"total_count"`
}

// NewUsersDataSource returns the preo_users data source.
func NewUsersDataSource() datasource.DataSource {
	return &usersDataSource{}
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists Preo users, filtered by edition, organization and search text, in the order asked for. " +
			"Every page of the API's answer is read, or only as many as `max_results` needs.",
		Attributes: map[string]schema.Attribute{
			"edition_id":      schema.StringAttribute{Optional: true, Description: descEditionFilter},
			"organization_id": schema.StringAttribute{Optional: true, Description: descOrganizationFilter},
			"search":          schema.StringAttribute{Optional: true, Description: descSearchFilter},
			"ordering": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Description: descOrdering,
				Validators:  orderingValidators(),
			},
			"max_results": schema.NumberAttribute{
				Optional: true,
				Description: "Stop after this many users, a whole number " + maxResultsRange.String() + "; only the pages needed for them are fetched. " +
					fmt.Sprintf("Defaults to all users. One listing reads at most %d users on %d pages; ", client.MaxListingUsers, client.MaxListingPages) +
					"beyond that, the read fails and asks for `max_results` or narrower filters.",
				Validators: []validator.Number{maxResultsRange},
			},
			"users": schema.ListNestedAttribute{
				Computed:     true,
				Description:  "The users, in the API's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: listedUserAttributes()},
			},
			"ids": schema.ListAttribute{
				ElementType: types.StringType,
				Computed:    true,
				Description: "The users' ids, in the same order as `users`.",
			},
			"total_count": schema.Int64Attribute{
				Computed:    true,
				Description: "How many users match the filters in all, whatever `max_results` says.",
			},
		},
	}
}

func (d *usersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config usersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	query := client.ListUsersQuery{
		EditionID:      config.EditionID.ValueString(),
		OrganizationID: config.OrganizationID.ValueString(),
		Search:         config.Search.ValueString(),
	}
	if !config.MaxResults.IsNull() {
		n, err := maxResultsRange.check(config.MaxResults.ValueBigFloat())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("max_results"), "Invalid Whole Number", "max_results "+err.Error()+".")
			return
		}
		query.MaxResults = int(n)
	}
	for _, field := range config.Ordering.Elements() {
		if field, ok := field.(types.String); ok {
			query.Ordering = append(query.Ordering, field.ValueString())
		}
	}

	list, err := d.client.ListUsers(ctx, query)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to List Preo Users", err)
		return
	}

	users := make([]tftypes.Value, len(list.Users))
	ids := make([]tftypes.Value, len(list.Users))
	for i := range list.Users {
		user := newUserModel(&list.Users[i])
		users[i] = user.terraformValue()
		ids[i] = terraformString(user.ID)
	}
	state, err := withAttributes(req.Config.Raw, map[string]tftypes.Value{
		"users":       tftypes.NewValue(tftypes.List{ElementType: userType}, users),
		"ids":         tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, ids),
		"total_count": tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(int64(list.Count))),
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Save Preo Users",
			"The listed users could not be stored in Terraform's form: "+err.Error()+". This is a bug in the provider; please report it.")
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Descriptions of the filters shared by the preo_users data source and the
// preo_user list resource.
const (
	descEditionFilter      = "Only users of this edition (`edt_...`)."
	descOrganizationFilter = "Only users of this organization (`org_...`)."
	descSearchFilter       = "Search text. It is split on spaces and commas, and a user matches when every term is found, " +
		"without regard to letter case, in the first name, last name, email address or phone number."
)

var descOrdering = "Fields to order by, most significant first: any of `" + strings.Join(orderingFields, "`, `") +
	"`, each optionally prefixed with `-` for descending order, and each field at most once. " +
	"Defaults to the API's order (date joined, then id)."
