package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
)

var (
	_ datasource.DataSource                     = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*userDataSource)(nil)
)

// userDataSource reads one user by id, or by exact email address.
type userDataSource struct {
	client *client.Client
}

type userDataSourceModel struct {
	userModel
	EditionID      types.String `tfsdk:"edition_id"`
	OrganizationID types.String `tfsdk:"organization_id"`
}

// NewUserDataSource returns the preo_user data source.
func NewUserDataSource() datasource.DataSource {
	return &userDataSource{}
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := userDataSourceAttributes()
	attributes["id"] = schema.StringAttribute{
		Optional:    true,
		Computed:    true,
		Description: descID + " Exactly one of `id` and `email` must be set.",
		Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attributes["email"] = schema.StringAttribute{
		Optional:   true,
		Computed:   true,
		CustomType: emailType{},
		Description: descEmail + " Exactly one of `id` and `email` must be set. An email lookup matches the whole address " +
			"without regard to letter case, and fails if no user, or more than one, has it.",
		Validators: emailValidators(),
	}
	scope := func(what string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional:    true,
			Description: "Only look for the email address among the users of this " + what + ". Cannot be used with `id`.",
			Validators:  []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("id"))},
		}
	}
	attributes["edition_id"] = scope("edition (`edt_...`)")
	attributes["organization_id"] = scope("organization (`org_...`)")
	resp.Schema = schema.Schema{
		Description: "Reads one Preo user, by id or by email address.",
		Attributes:  attributes,
	}
}

func (d *userDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("email")),
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config userDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var (
		user *client.User
		err  error
	)
	if known(config.ID) {
		user, err = d.client.GetUser(ctx, config.ID.ValueString())
		if client.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Preo User Not Found",
				fmt.Sprintf("No Preo user has the id %q. Check the id, and that the API token can see this user.", config.ID.ValueString()))
			return
		}
	} else {
		user, err = findUserByEmail(ctx, d.client, config.Email.ValueString(), client.ListUsersQuery{
			EditionID:      config.EditionID.ValueString(),
			OrganizationID: config.OrganizationID.ValueString(),
		})
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Preo User", err)
		return
	}

	state := userDataSourceModel{userModel: newUserModel(user), EditionID: config.EditionID, OrganizationID: config.OrganizationID}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
