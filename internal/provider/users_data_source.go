package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
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

// usersDataSource lists users by edition, organization and search text.
type usersDataSource struct {
	client *client.Client
}

// usersDataSourceModel holds the configuration; Read writes the state as
// Terraform values (users_values.go), which a listing of thousands needs.
type usersDataSourceModel struct {
	userFilters
	MaxResults types.Number `tfsdk:"max_results"`
	Users      rawListValue `tfsdk:"users"`
	IDs        rawListValue `tfsdk:"ids"`
	TotalCount types.Int64  `tfsdk:"total_count"`
}

// NewUsersDataSource returns the preo_users data source.
func NewUsersDataSource() datasource.DataSource {
	return &usersDataSource{}
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := userFilterAttributes(
		func(description string) schema.Attribute {
			return schema.StringAttribute{Optional: true, Description: description}
		},
		func(description string, validators []validator.List) schema.Attribute {
			return schema.ListAttribute{ElementType: types.StringType, Optional: true, Description: description, Validators: validators}
		},
	)
	attributes["max_results"] = schema.NumberAttribute{
		Optional: true,
		Description: "Stop after this many users, a whole number " + maxResultsRange.String() + "; only the pages needed for them are fetched. " +
			fmt.Sprintf("Defaults to all users. One listing reads at most %d users on %d pages; ", client.MaxListingUsers, client.MaxListingPages) +
			"beyond that, the read fails and asks for `max_results` or narrower filters.",
		Validators: []validator.Number{maxResultsRange},
	}
	attributes["users"] = schema.ListNestedAttribute{
		CustomType:   rawListType{basetypes.ListType{ElemType: userObjectType}},
		Computed:     true,
		Description:  "The users, in the API's order.",
		NestedObject: schema.NestedAttributeObject{Attributes: listedUserAttributes()},
	}
	attributes["ids"] = schema.ListAttribute{
		CustomType:  rawListType{basetypes.ListType{ElemType: types.StringType}},
		ElementType: types.StringType,
		Computed:    true,
		Description: "The users' ids, in the same order as `users`.",
	}
	attributes["total_count"] = schema.Int64Attribute{
		Computed:    true,
		Description: "How many users match the filters in all, whatever `max_results` says.",
	}
	resp.Schema = schema.Schema{
		Description: "Lists Preo users, filtered by edition, organization and search text, in the order asked for. " +
			"Every page of the API's answer is read, or only as many as `max_results` needs.",
		Attributes: attributes,
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

	query, diags := config.query(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !config.MaxResults.IsNull() {
		n, err := maxResultsRange.check(config.MaxResults.ValueBigFloat())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("max_results"), "Invalid Whole Number", "max_results "+err.Error()+".")
			return
		}
		query.MaxResults = int(n)
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
