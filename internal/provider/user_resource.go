package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/preo/terraform-provider-preo/internal/client"
)

var (
	_ resource.Resource                = (*userResource)(nil)
	_ resource.ResourceWithConfigure   = (*userResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userResource)(nil)
	_ resource.ResourceWithImportState = (*userResource)(nil)
	_ resource.ResourceWithIdentity    = (*userResource)(nil)
)

// userResource manages a Preo user that already exists: the API can neither
// create nor delete users, so "create" adopts one and "destroy" lets go of it.
type userResource struct {
	client    *client.Client
	adoptions *adoptionPreviews
}

// NewUserResource returns the preo_user resource.
func NewUserResource() resource.Resource {
	return &userResource{}
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := userResourceAttributes()
	attributes["id"] = schema.StringAttribute{
		Optional: true,
		Computed: true,
		Description: descID + " Required to adopt a user (or import one by id or email). " +
			"Changing it stops managing the old user and adopts the new one.",
		Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
	}
	resp.Schema = schema.Schema{
		Description: "Manages an existing Preo user: its email address, phone number and names. " +
			"Preo's API cannot create or delete users, so creating this resource adopts the user with the given id, " +
			"and destroying it only stops Terraform from managing the user, who stays in Preo.",
		Attributes: attributes,
	}
}

// IdentitySchema names a managed user by its id, which never changes, so
// Terraform >= 1.12 and OpenTofu >= 1.12 can import by identity and keep the
// identity beside the state.
func (r *userResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{RequiredForImport: true, Description: descID},
		},
	}
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := dataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.client, r.adoptions = data.client, data.adoptions
	}
}

// ModifyPlan makes the plan show what the apply will do (user_plan.go): an
// adoption previews the user as it will be, an update changes only what the
// PATCH changes, and a destroy says that the user stays in Preo.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	switch {
	case req.Plan.Raw.IsNull():
		warnDestroy(ctx, req, resp)
	case req.State.Raw.IsNull():
		r.planAdoption(ctx, req, resp)
	default:
		planUpdate(ctx, req, resp)
	}
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.ID.ValueString()

	// The plan being applied was read from Preo a moment ago, in this
	// process, unless Terraform skipped planning it here.
	current := r.adoptions.take(id, req.Plan.Raw)
	if current == nil {
		if current = r.readUserToAdopt(ctx, id, &resp.Diagnostics); current == nil {
			return
		}
	}

	user := current
	changes := changedFields(config, newUserModel(current))
	if !changes.IsEmpty() {
		if user = r.sendChanges(ctx, id, changes, &resp.Diagnostics); user == nil {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, settledState(ctx, plan, user, changes, &resp.Diagnostics).terraformValue())...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityValue(user.ID))...)
}

// Read runs for every managed user in every plan, so it reads the id from
// the raw state and writes the state and identity as Terraform values
// (users_values.go) rather than through the framework's reflection.
func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	id, err := stringAttribute(req.State.Raw, "id")
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Preo User State",
			"The user's id could not be read from the state: "+err.Error()+". This is a bug in the provider; please report it.")
		return
	}

	user, err := r.client.GetUser(ctx, id)
	// The client reports a user as not found only with proof that it is
	// gone, not for just any 404.
	if client.IsNotFound(err) && r.importing(ctx, req, &resp.Diagnostics) {
		resp.Diagnostics.AddError("Preo User Not Found",
			fmt.Sprintf("No Preo user has the id %q, so there is nothing to import. Check the id, or import the user by email address instead.", id))
		return
	}
	if client.IsNotFound(err) {
		var email emailValue
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("email"), &email)...)
		resp.Diagnostics.AddWarning("Preo User No Longer Exists",
			fmt.Sprintf("The Preo user %q (%s) was not found in Preo, so Terraform has stopped managing it. "+
				"To manage it again, restore the user in Preo and import it; otherwise set id to adopt another user, or remove the resource block. "+
				"Until then, plans for a block that names this user by id, or has no id at all (as -generate-config-out writes it), fail: "+
				"Preo's API cannot create users.",
				id, email.ValueString()))
		resp.State.RemoveResource(ctx)
		// The framework wants an identity after every read that does not
		// fail, also one that drops the user, and state written without one
		// (by an engine or a provider version without identity) has none.
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityValue(id))...)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read Preo User", err)
		return
	}
	// The values have the schemas' types (TestUserTerraformValueMatchesReflection,
	// TestIdentityValueMatchesReflection), which Set would derive from the
	// schemas again to check.
	resp.State.Raw = newUserModel(user).terraformValue()
	resp.Identity.Raw = identityValue(user.ID)
	if r.importing(ctx, req, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, nil)...)
	}
}

// importing tells whether this read completes an import (ImportState).
func (r *userResource) importing(ctx context.Context, req resource.ReadRequest, diags *diag.Diagnostics) bool {
	marker, d := req.Private.GetKey(ctx, importingKey)
	diags.Append(d...)
	return marker != nil
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config userModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	changes := changedFields(config, state)
	user := r.sendChanges(ctx, state.ID.ValueString(), changes, &resp.Diagnostics)
	if user == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, settledState(ctx, plan, user, changes, &resp.Diagnostics).terraformValue())...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityValue(user.ID))...)
}

// Delete makes no request: the API cannot delete users, and removing one
// from Terraform must not touch it in Preo. The plan has said so (warnDestroy).
func (r *userResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// ImportState takes a user id, an email address (anything with an "@"),
// which must match exactly one user, or an identity, which holds the id. It
// records only the id: Terraform reads every imported resource right away,
// and that read fetches the user, so an import costs one request by id.
// The private marker tells that read that a missing user is an import
// error, not a user deleted since the last plan.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := r.importedID(ctx, req, &resp.Diagnostics)
	if id == "" {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityValue(id))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importingKey, []byte("true"))...)
}

// importingKey marks, in private state, a user that is being imported.
const importingKey = "importing"

// importedID is the id of the user an import names, found by email address
// when the import gives one. It returns "" after an error.
func (r *userResource) importedID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if strings.Contains(req.ID, "@") {
		user, err := findUserByEmail(ctx, r.client, req.ID, client.ListUsersQuery{})
		if err != nil {
			addAPIError(diags, "Unable to Import Preo User", err)
			return ""
		}
		return user.ID
	}
	if req.ID == "" && (req.Identity == nil || req.Identity.Raw.IsNull()) {
		diags.AddAttributeError(path.Root("id"), "Missing Import ID",
			"The import ID is empty. Give the id of the Preo user to import, such as usr_123, or its email address.")
		return ""
	}
	id := req.ID
	if id == "" {
		var identity userIdentity
		if diags.Append(req.Identity.Get(ctx, &identity)...); diags.HasError() {
			return ""
		}
		id = identity.ID.ValueString()
	}
	if id == "" {
		diags.AddError("Missing Preo User ID",
			"The import names no user. Set id in the identity to the id of the user to import, such as usr_123.")
	}
	return id
}
