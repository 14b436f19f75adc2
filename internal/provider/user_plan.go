package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// The plan is what gets reviewed, so it shows what the apply will do and
// nothing else. Every plan is "the user as Preo has it, with the
// configuration applied": an adoption reads the user at plan time, an update
// starts from the refreshed state. Only values the PATCH can change, and
// values the configuration does not know yet, are left unknown.

// planAdoption previews a create: it reads the user named by id, plans every
// attribute the configuration leaves out as its current value, and warns
// about each value adoption will change.
func (r *userResource) planAdoption(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var config userModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.ID.IsNull() {
		r.refuseMissingID(ctx, config, &resp.Diagnostics)
		return
	}
	if config.ID.IsUnknown() || r.client == nil {
		// Nothing to read yet: the plan shows what is not known.
		return
	}

	id := config.ID.ValueString()
	user := r.readUserToAdopt(ctx, id, &resp.Diagnostics)
	if user == nil {
		return
	}

	// A configured id is the planned id: Terraform requires it.
	current := newUserModel(user)
	planned := plannedUser(config.ID, config, current, false)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, planned)...)
	if !resp.Diagnostics.HasError() {
		r.adoptions.put(user, resp.Plan.Raw)
	}
	if changes := adoptionChanges(config, current); len(changes) > 0 {
		resp.Diagnostics.AddWarning("Adopting a Preo User Changes It",
			fmt.Sprintf("Adopting the Preo user %q (%s) changes these values in Preo:\n\n%s\n\n"+
				"Attributes the configuration leaves out keep the current values shown in the plan.",
				id, current.Email.ValueString(), strings.Join(changes, "\n")))
	}
}

// readUserToAdopt reads the user an adoption names, both when planning and
// when applying it; an id no user has is an error on id.
func (r *userResource) readUserToAdopt(ctx context.Context, id string, diags *diag.Diagnostics) *client.User {
	user, err := r.client.GetUser(ctx, id)
	if client.IsNotFound(err) {
		diags.AddAttributeError(path.Root("id"), "Preo User Not Found",
			fmt.Sprintf("No Preo user has the id %q, so there is nothing to adopt. Preo's API cannot create users: "+
				"create the user in Preo first, or set id to an existing user's id.", id))
		return nil
	}
	if err != nil {
		addAPIError(diags, "Unable to Read Preo User", err)
		return nil
	}
	return user
}

// planUpdate plans an in-place update from the refreshed state, so that only
// what the PATCH changes differs from it. A change of id is a replacement,
// which Terraform plans as a fresh adoption.
func planUpdate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// A plan equal to the state, as in most plans, changes nothing: it needs
	// neither a warning nor unknown values.
	if req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var config, plan, state userModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.ID.Equal(state.ID) {
		resp.Diagnostics.AddWarning("Preo User Stays in Preo",
			fmt.Sprintf("Changing id makes Terraform stop managing the Preo user %q (%s) and adopt the new one instead. "+
				"%q stays in Preo, unchanged: Preo's API cannot delete users.", state.ID.ValueString(), state.Email.ValueString(), state.ID.ValueString()))
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plannedUser(plan.ID, config, state, true))...)
}

// warnDestroy says in the plan, where a reviewer sees it, that destroying
// the resource leaves the user in Preo.
func warnDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state userModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("Preo User Stays in Preo",
		fmt.Sprintf("Destroying this resource only stops Terraform from managing the Preo user %q (%s). "+
			"The user stays in Preo, unchanged: Preo's API cannot delete users. Remove or deactivate it in Preo if that is what you mean.",
			state.ID.ValueString(), state.Email.ValueString()))
}

// plannedUser is base (the user as Preo has it) with the configuration
// applied. Configured values replace base values; with a prior state, a
// value Preo treats as the same (an email in other letter case) keeps the
// prior value, so it shows no change. Preo may reset is_verified when the
// contact details change, so such a plan leaves it unknown.
//
// Without a prior state, base was read from Preo just now, and Terraform
// plans a create once more during the apply, expecting the same values:
// facts that change on their own are left unknown.
func plannedUser(id types.String, config, base userModel, hasPrior bool) userModel {
	planned := base
	planned.ID = id
	if !hasPrior {
		for _, field := range userFields {
			if field.forget != nil {
				field.forget(&planned)
			}
		}
	}
	unverified := false
	for _, field := range writableFields {
		w := field.writable
		want, have := *w.model(&config), *w.model(&base)
		switch {
		case want.IsNull():
			continue
		case want.IsUnknown():
			unverified = unverified || w.unverifies
		case w.holds(have, want):
			if hasPrior {
				continue
			}
		default:
			unverified = unverified || w.unverifies
		}
		*w.model(&planned) = want
	}
	if unverified {
		planned.IsVerified = types.BoolUnknown()
	}
	return planned
}

// adoptionChanges lists, one line each, the values adopting the user changes.
func adoptionChanges(config, current userModel) []string {
	var lines []string
	for _, field := range writableFields {
		w := field.writable
		want, have := *w.model(&config), *w.model(&current)
		switch {
		case want.IsUnknown():
			lines = append(lines, fmt.Sprintf("  %s: %s -> (known after apply)", field.name, quoted(have)))
		case known(want) && !w.holds(have, want):
			lines = append(lines, fmt.Sprintf("  %s: %s -> %q", field.name, quoted(have), want.ValueString()))
		}
	}
	return lines
}

// refuseMissingID stops a plan that would "create" a user without saying
// which one. Configuration written by -generate-config-out has no id, so the
// block may describe a user that has since been deleted in Preo; the email
// address, when set, tells which case this is.
func (r *userResource) refuseMissingID(ctx context.Context, config userModel, diags *diag.Diagnostics) {
	const preamble = "Preo's API cannot create users, so preo_user adopts a user that already exists, named by id, " +
		"and no user is in the state for this block. "
	advice := "Set id to the user's id to adopt it, or import it instead: `terraform import ADDRESS <id or email>`, " +
		"or an `import` block with the id or email address. If this block describes a user that was deleted in Preo, " +
		"restore the user and import it again, or remove the block."
	if email := config.Email.StringValue; known(email) && r.client != nil {
		user, err := findUserByEmail(ctx, r.client, email.ValueString(), client.ListUsersQuery{})
		advice = missingIDAdvice(email.ValueString(), user, err, advice)
	}
	diags.AddAttributeError(path.Root("id"), "Missing Preo User ID", preamble+advice)
}

// missingIDAdvice words what to do, given what looking up the configured
// email address found: one user, none, several, or an error (then fallback).
func missingIDAdvice(email string, user *client.User, err error, fallback string) string {
	var lookup *emailLookupError
	switch {
	case err == nil:
		return fmt.Sprintf("The Preo user %q has the email address %q: set id = %q to adopt it, or import it.", user.ID, email, user.ID)
	case !errors.As(err, &lookup):
		return fallback
	case len(lookup.ids) == 0:
		return fmt.Sprintf("No Preo user has the email address %q: this block seems to describe a user that was deleted in Preo "+
			"(configuration written by -generate-config-out has no id). Restore the user in Preo and import it again, "+
			"set id to adopt another user, or remove the block.", email)
	default:
		return fmt.Sprintf("Several Preo users have the email address %q (%s): set id to the one to adopt, or remove the block.", email, quotedList(lookup.ids))
	}
}

// quoted writes a value read from Preo for a warning: null when Preo's
// answer left it out.
func quoted(v types.String) string {
	if v.IsNull() {
		return "null"
	}
	return fmt.Sprintf("%q", v.ValueString())
}
