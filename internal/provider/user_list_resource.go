package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
)

var (
	_ list.ListResource              = (*userListResource)(nil)
	_ list.ListResourceWithConfigure = (*userListResource)(nil)
)

// userListResource lists Preo users for `terraform query`, so that a whole
// organization can be brought under management with generated import blocks.
type userListResource struct {
	client *client.Client
}

// NewUserListResource returns the preo_user list resource.
func NewUserListResource() list.ListResource {
	return &userListResource{}
}

func (r *userListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists Preo users, with the same filters as the `preo_users` data source, so that `terraform query` " +
			"can write an import block and configuration for each.",
		Attributes: userFilterAttributes(
			func(description string) schema.Attribute {
				return schema.StringAttribute{Optional: true, Description: description}
			},
			func(description string, validators []validator.List) schema.Attribute {
				return schema.ListAttribute{ElementType: types.StringType, Optional: true, Description: description, Validators: validators}
			},
		),
	}
}

func (r *userListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// List streams the users in the API's order. Pages are fetched only as the
// stream is read, so a limit, or Terraform stopping early, fetches no page
// that is not needed.
func (r *userListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config userFilters
	diags := req.Config.Get(ctx, &config)
	diags.Append(checkOrdering(ctx, config.Ordering)...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	query, queryDiags := config.query(ctx)
	diags.Append(queryDiags...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	query.MaxResults = int(min(max(req.Limit, 0), int64(maxListLimit)))
	if req.Limit == 0 {
		stream.Results = list.NoListResults
		return
	}

	stream.Results = func(push func(list.ListResult) bool) {
		for user, err := range r.client.Users(ctx, query) {
			if err != nil {
				var diags diag.Diagnostics
				addAPIError(&diags, "Unable to List Preo Users", err)
				push(list.ListResult{Diagnostics: diags})
				return
			}
			if !push(r.result(ctx, req, &user)) {
				return
			}
		}
	}
}

// maxListLimit keeps a limit that Terraform sends as an int64 within what the
// client counts in.
const maxListLimit = 1 << 30

func (r *userListResource) result(ctx context.Context, req list.ListRequest, user *client.User) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = displayName(user)
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("id"), user.ID)...)
	if req.IncludeResource {
		result.Diagnostics.Append(result.Resource.Set(ctx, newUserModel(user).terraformValue())...)
	}
	return result
}

// displayName reads like an address book entry: "Ada Lovelace <ada@example.com>",
// or the bare address when the user has no name.
func displayName(user *client.User) string {
	first, last := types.StringPointerValue(user.FirstName), types.StringPointerValue(user.LastName)
	name := strings.TrimSpace(first.ValueString() + " " + last.ValueString())
	if name == "" {
		return user.Email
	}
	return name + " <" + user.Email + ">"
}

// checkOrdering runs the data source's ordering validators. Terraform
// validates list configuration in a call of its own, but a stream must not
// depend on that: a bad ordering gets the same words either way.
func checkOrdering(ctx context.Context, ordering types.List) diag.Diagnostics {
	var diags diag.Diagnostics
	req := validator.ListRequest{Path: path.Root("ordering"), PathExpression: path.MatchRoot("ordering"), ConfigValue: ordering}
	for _, v := range orderingValidators() {
		resp := validator.ListResponse{}
		v.ValidateList(ctx, req, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}
