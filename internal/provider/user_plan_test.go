package provider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
)

func adaFromAPI() *client.User {
	seen := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	return &client.User{
		ID: "usr_ada", Email: "ada@example.com", PhoneNumber: ptr("+4512345678"), FirstName: ptr("Ada"), LastName: ptr("Lovelace"),
		IsVerified: ptr(true), IsActive: ptr(true), Locale: "en", MsgChannel: ptr("email"),
		DateJoined: time.Date(2024, 8, 25, 15, 0, 0, 0, time.UTC), LastSeen: &seen, Metadata: []byte(`{"tier": "gold"}`),
	}
}

// nullConfig is a configuration that sets nothing but id.
func nullConfig() userModel {
	return userModel{
		ID: types.StringValue("usr_ada"), Email: emailValue{StringValue: types.StringNull()}, PhoneNumber: types.StringNull(),
		FirstName: types.StringNull(), LastName: types.StringNull(),
	}
}

func TestPlannedUserForAdoption(t *testing.T) {
	current := newUserModel(adaFromAPI())
	config := nullConfig()
	config.Email.StringValue = types.StringValue("ADA@example.com")
	config.FirstName = types.StringValue("Augusta")
	config.LastName = types.StringUnknown()

	planned := plannedUser(config.ID, config, current, false)
	switch {
	case planned.Email.ValueString() != "ADA@example.com":
		t.Errorf("email %v: a create must plan the configured value", planned.Email)
	case planned.FirstName.ValueString() != "Augusta" || !planned.LastName.IsUnknown():
		t.Errorf("names %v %v: want the configured value, and unknown", planned.FirstName, planned.LastName)
	case planned.PhoneNumber.ValueString() != "+4512345678" || !planned.IsActive.ValueBool() || planned.Locale.ValueString() != "en":
		t.Errorf("unconfigured values are not Preo's: %+v", planned)
	case !planned.LastSeen.IsUnknown():
		t.Errorf("last_seen %v: a fact that changes on its own cannot be promised at adoption", planned.LastSeen)
	case planned.IsVerified.IsUnknown():
		t.Error("is_verified is unknown, but no contact detail changes")
	}
}

func TestPlannedUserForUpdate(t *testing.T) {
	state := newUserModel(adaFromAPI())
	config := nullConfig()
	config.Email.StringValue = types.StringValue("Ada@Example.COM")
	if planned := plannedUser(state.ID, config, state, true); !planned.Email.Equal(state.Email) || !planned.LastSeen.Equal(state.LastSeen) {
		t.Errorf("an email in other letter case, or last_seen, shows as a change: %+v", planned)
	}

	config.PhoneNumber = types.StringValue("")
	planned := plannedUser(state.ID, config, state, true)
	if !planned.IsVerified.IsUnknown() || planned.PhoneNumber.ValueString() != "" || !planned.Metadata.Equal(state.Metadata) {
		t.Errorf("clearing the phone number: %+v", planned)
	}
}

func TestChangedFieldsSendsOnlyConfiguredDifferences(t *testing.T) {
	current := newUserModel(adaFromAPI())
	config := nullConfig()
	config.Email.StringValue = types.StringValue("ADA@EXAMPLE.COM")
	config.PhoneNumber = types.StringValue("")
	config.FirstName = types.StringValue("Ada")
	config.LastName = types.StringUnknown()
	changes := changedFields(config, current)
	if changes.Email != nil || changes.FirstName != nil || changes.LastName != nil || changes.PhoneNumber == nil || *changes.PhoneNumber != "" {
		t.Errorf("changes %+v: want only phone_number cleared", changes)
	}
	if !changedFields(nullConfig(), current).IsEmpty() {
		t.Error("an empty configuration sends changes")
	}

	// A field Preo's answer left out does not hold "": the value is sent.
	absent := adaFromAPI()
	absent.FirstName, absent.Missing = nil, []string{"first_name"}
	config = nullConfig()
	config.FirstName = types.StringValue("")
	if changes := changedFields(config, newUserModel(absent)); changes.FirstName == nil || *changes.FirstName != "" {
		t.Errorf("changes %+v: want first_name sent", changes)
	}
	if lines := adoptionChanges(config, newUserModel(absent)); len(lines) != 1 || lines[0] != `  first_name: null -> ""` {
		t.Errorf("adoption changes %q", lines)
	}
}

func TestSettledStateKeepsWhatThePlanPromised(t *testing.T) {
	planned := newUserModel(adaFromAPI())
	planned.FirstName = types.StringValue("Augusta")
	answer := adaFromAPI()
	answer.FirstName, answer.LastName, answer.IsActive = ptr("Augusta"), ptr("King"), ptr(false)
	answer.Metadata = []byte(`{"tier":"gold"}`)
	later := answer.LastSeen.Add(time.Hour)
	answer.LastSeen = &later

	var diags diag.Diagnostics
	state := settledState(t.Context(), planned, answer, client.UserPatch{FirstName: ptr("Augusta")}, &diags)
	if state.LastName.ValueString() != "Lovelace" || !state.IsActive.ValueBool() || !state.LastSeen.Equal(planned.LastSeen) {
		t.Errorf("state %+v does not keep the planned values", state)
	}
	if len(diags) != 1 {
		t.Fatalf("diagnostics %v: want one warning", diags)
	}
	detail := diags[0].Detail()
	for _, want := range []string{`last_name: "Lovelace" in the plan, "King" in Preo now`, "is_active: true in the plan, false in Preo now"} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning %q does not say %q", detail, want)
		}
	}
	for _, quiet := range []string{"metadata", "last_seen", "first_name"} {
		if strings.Contains(detail, quiet) {
			t.Errorf("warning %q names %s, which did not change or changes on its own", detail, quiet)
		}
	}

	var none diag.Diagnostics
	planned = newUserModel(adaFromAPI())
	planned.Metadata = types.StringValue(`{"tier":"gold"}`)
	settledState(t.Context(), planned, adaFromAPI(), client.UserPatch{}, &none)
	if len(none) != 0 {
		t.Errorf("the same user, with its metadata written differently, counts as changed: %v", none)
	}
}

func TestMissingIDAdvice(t *testing.T) {
	const fallback = "fallback"
	cases := []struct {
		user *client.User
		err  error
		want string
	}{
		{&client.User{ID: "usr_alan"}, nil, `set id = "usr_alan" to adopt it`},
		{nil, &emailLookupError{message: "none"}, "Restore the user in Preo and import it again"},
		{nil, &emailLookupError{message: "two", ids: []string{"usr_a", "usr_b"}}, `("usr_a", "usr_b"): set id to the one to adopt`},
		{nil, errors.New("connection refused"), fallback},
	}
	for _, tc := range cases {
		if got := missingIDAdvice("alan@example.com", tc.user, tc.err, fallback); !strings.Contains(got, tc.want) {
			t.Errorf("missingIDAdvice(%v, %v) = %q, want it to contain %q", tc.user, tc.err, got, tc.want)
		}
	}
}
