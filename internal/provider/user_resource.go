package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
)

var (
	_ resource.Resource                = (*userResource)(nil)
	_ resource.ResourceWithConfigure   = (*userResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userResource)(nil)
	_ resource.ResourceWithImportState = (*userResource)(nil)
)

// userResource manages a Preo user that already exists: the API can neither
// create nor delete users, so "create" adopts one and "destroy" lets go of it.
type userResource struct {
	client *client.Client
}

// NewUserResource returns the preo_user resource.
func NewUserResource() resource.Resource {
	return &userResource{}
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := func() []planmodifier.String { return []planmodifier.String{stringplanmodifier.UseStateForUnknown()} }
	resp.Schema = schema.Schema{
		Description: "Manages an existing Preo user: its email address, phone number and names. " +
			"Preo's API cannot create or delete users, so creating this resource adopts the user with the given id, " +
			"and destroying it only stops Terraform from managing the user, who stays in Preo.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Description: descID + " Required to adopt a user (or import one by id or email). " +
					"Changing it stops managing the old user and adopts the new one.",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				CustomType:    emailType{},
				Description:   descEmail + " Left as it is in Preo when not set.",
				Validators:    emailValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), emailCaseInsensitive{}},
			},
			"phone_number": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Description:   descPhoneNumber + " Set `\"\"` to clear it. Left as it is in Preo when not set.",
				Validators:    textValidators(32),
				PlanModifiers: keep(),
			},
			"first_name": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Description:   descFirstName + " Left as it is in Preo when not set.",
				Validators:    textValidators(80),
				PlanModifiers: keep(),
			},
			"last_name": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Description:   descLastName + " Left as it is in Preo when not set.",
				Validators:    textValidators(80),
				PlanModifiers: keep(),
			},
			"is_verified": schema.BoolAttribute{Computed: true, Description: descIsVerified},
			"is_active":   schema.BoolAttribute{Computed: true, Description: descIsActive},
			"locale":      schema.StringAttribute{Computed: true, Description: descLocale, PlanModifiers: keep()},
			"msg_channel": schema.StringAttribute{Computed: true, Description: descMsgChannel},
			"date_joined": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, Description: descDateJoined, PlanModifiers: keep()},
			"last_seen":   schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, Description: descLastSeen},
			"metadata":    schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{}, Description: descMetadata},
		},
	}
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan stops a plan that would "create" a user without saying which
// one, so the mistake shows at plan time rather than halfway through apply,
// and drops updates that would change nothing in Preo.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() {
		r.keepUnchangedUser(ctx, req, resp)
		return
	}
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() || !id.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("id"), "Missing Preo User ID",
		"Preo's API cannot create users, so preo_user adopts a user that already exists. "+
			"Set id to the user's id to adopt it, or import it instead: "+
			"`terraform import ADDRESS <id or email>`, or an `import` block with the id or email address.")
}

// keepUnchangedUser plans no change when the configuration differs from
// state only in ways Preo ignores, such as the letter case of an email
// address. The framework has already marked the read-only facts unknown by
// then, because the raw values differ, which would show an update that sends
// nothing.
func (r *userResource) keepUnchangedUser(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// A plan equal to the state, as in most plans, changes nothing to keep.
	if req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan, state userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, value := range []types.String{plan.ID, plan.Email.StringValue, plan.PhoneNumber, plan.FirstName, plan.LastName} {
		if value.IsUnknown() {
			return
		}
	}
	if plan.ID.Equal(state.ID) && changedFields(plan, state).IsEmpty() {
		resp.Plan.Raw = req.State.Raw
	}
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.ID.ValueString()

	current, err := r.client.GetUser(ctx, id)
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Preo User Not Found",
			fmt.Sprintf("No Preo user has the id %q, so it cannot be adopted. Preo's API cannot create users: "+
				"create the user in Preo first, or set id to an existing user's id.", id))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Preo User", err)
		return
	}

	user := current
	if changes := changedFields(plan, newUserModel(current)); !changes.IsEmpty() {
		if user = r.update(ctx, id, changes, &resp.Diagnostics); user == nil {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, newUserModel(user).terraformValue())...)
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var id types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}

	user, err := r.client.GetUser(ctx, id.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Preo User No Longer Exists",
			fmt.Sprintf("The Preo user %q was not found, so Terraform has stopped managing it. "+
				"If the configuration still names it, the next plan proposes to adopt it again.", id.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Preo User", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, newUserModel(user).terraformValue())...)
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	user := r.update(ctx, state.ID.ValueString(), changedFields(plan, state), &resp.Diagnostics)
	if user == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, newUserModel(user).terraformValue())...)
}

// Delete makes no request: the API cannot delete users, and removing one
// from Terraform must not touch it in Preo.
func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("Preo User Left in Preo",
		fmt.Sprintf("Terraform no longer manages the Preo user %q (%s). The user still exists in Preo, unchanged: "+
			"Preo's API cannot delete users. Remove or deactivate it in Preo if that is what you meant.",
			state.ID.ValueString(), state.Email.ValueString()))
}

// ImportState takes a user id, or an email address (anything with an "@"),
// which must match exactly one user.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !strings.Contains(req.ID, "@") {
		resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
		return
	}
	user, err := findUserByEmail(ctx, r.client, req.ID, client.ListUsersQuery{})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Import Preo User", err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), user.ID)...)
}

// update sends the changes in one PATCH and returns the user as Preo then
// has it. With nothing to send it reads the user instead, so that state
// still comes from Preo.
func (r *userResource) update(ctx context.Context, id string, changes client.UserPatch, diags *diag.Diagnostics) *client.User {
	var (
		user *client.User
		err  error
	)
	if changes.IsEmpty() {
		user, err = r.client.GetUser(ctx, id)
	} else {
		user, err = r.client.UpdateUser(ctx, id, changes)
	}
	if err != nil {
		addAPIError(diags, "Unable to Update Preo User", err)
		return nil
	}
	return user
}

// changedFields is the PATCH that turns current into plan: only attributes
// whose planned value is known and differs, so attributes left out of the
// configuration are never sent.
func changedFields(plan, current userModel) client.UserPatch {
	var changes client.UserPatch
	if known(plan.Email.StringValue) && !sameEmail(plan.Email.ValueString(), current.Email.ValueString()) {
		changes.Email = plan.Email.ValueStringPointer()
	}
	if known(plan.PhoneNumber) && plan.PhoneNumber.ValueString() != current.PhoneNumber.ValueString() {
		changes.PhoneNumber = plan.PhoneNumber.ValueStringPointer()
	}
	if known(plan.FirstName) && plan.FirstName.ValueString() != current.FirstName.ValueString() {
		changes.FirstName = plan.FirstName.ValueStringPointer()
	}
	if known(plan.LastName) && plan.LastName.ValueString() != current.LastName.ValueString() {
		changes.LastName = plan.LastName.ValueStringPointer()
	}
	return changes
}

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// emailCaseInsensitive keeps the prior email in the plan when the
// configuration differs from it only in letter case, so such a difference
// never shows as a change.
type emailCaseInsensitive struct{}

func (emailCaseInsensitive) Description(context.Context) string {
	return "Ignores differences in letter case between the configured and the current email address."
}

func (m emailCaseInsensitive) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (emailCaseInsensitive) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !known(req.PlanValue) || !known(req.StateValue) {
		return
	}
	if sameEmail(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
