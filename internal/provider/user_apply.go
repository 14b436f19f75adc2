package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// sendChanges sends the changes in one PATCH and returns the user as Preo
// then has it. With nothing to send it reads the user instead, so that state
// still comes from Preo.
func (r *userResource) sendChanges(ctx context.Context, id string, changes client.UserPatch, diags *diag.Diagnostics) *client.User {
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

// settledState is the state an apply records: the user as Preo answered,
// except where the plan promised a value for an attribute the PATCH did not
// send. Those keep the planned value, which was itself read from Preo when
// the plan was made: a saved plan applied after someone changed the user in
// Preo must not fail as an inconsistent result, and the next refresh reads
// Preo's value. A warning names every such value, except those that change
// on their own.
func settledState(ctx context.Context, planned userModel, answer *client.User, changes client.UserPatch, diags *diag.Diagnostics) userModel {
	state := newUserModel(answer)
	var moved []string
	for _, field := range userFields {
		if field.name == "id" || field.writable != nil && field.writable.sent(changes) {
			continue
		}
		want, got := field.value.get(&planned), field.value.get(&state)
		if want.IsUnknown() {
			continue
		}
		if field.forget == nil && !sameValue(ctx, want, got) {
			moved = append(moved, fmt.Sprintf("  %s: %s in the plan, %s in Preo now", field.name, want, got))
		}
		field.value.copy(&state, &planned)
	}
	if len(moved) > 0 {
		diags.AddWarning("Preo User Changed Since the Plan",
			fmt.Sprintf("The Preo user %q changed in Preo after this plan was made:\n\n%s\n\n"+
				"Terraform records the planned values, as the plan promised, and did not send them to Preo. "+
				"The next plan reads the user again and shows any change the configuration then calls for.",
				answer.ID, strings.Join(moved, "\n")))
	}
	return state
}

// sameValue compares two values as the framework does after an apply:
// exactly, or by the type's semantic equality (emails in other letter case,
// the same JSON or instant written differently).
func sameValue(ctx context.Context, a, b attr.Value) bool {
	if a.Equal(b) {
		return true
	}
	semantic, ok := a.(basetypes.StringValuableWithSemanticEquals)
	other, otherOK := b.(basetypes.StringValuable)
	if !ok || !otherOK || a.IsNull() || b.IsNull() {
		return false
	}
	equal, diags := semantic.StringSemanticEquals(ctx, other)
	return equal && !diags.HasError()
}
