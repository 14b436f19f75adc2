package provider

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// userModel is one Preo user in Terraform terms, shared by the resource and
// both data sources so that all three describe a user the same way.
type userModel struct {
	ID          types.String `tfsdk:"id"`
	Email       emailValue   `tfsdk:"email"`
	PhoneNumber types.String `tfsdk:"phone_number"`
	FirstName   types.String `tfsdk:"first_name"`
	LastName    types.String `tfsdk:"last_name"`
	IsVerified  types.Bool   `tfsdk:"is_verified"`
	IsActive    types.Bool   `tfsdk:"is_active"`
	Locale      types.String `tfsdk:"locale"`
	MsgChannel  types.String `tfsdk:"msg_channel"`
	DateJoined  types.String `tfsdk:"date_joined"`
	LastSeen    types.String `tfsdk:"last_seen"`
	Metadata    types.String `tfsdk:"metadata"`
}

// newUserModel builds state from what the API returned. A null phone number
// becomes "" (the API uses both for "none", and "" is what a configuration
// writes to clear it), and timestamps are rendered in UTC so that an API that
// changes its formatting does not change the state. A field the answer left
// out is null: the provider does not invent what Preo did not say.
func newUserModel(u *client.User) userModel {
	phone := types.StringPointerValue(u.PhoneNumber)
	if u.PhoneNumber == nil && !u.Lacks("phone_number") {
		phone = types.StringValue("")
	}
	lastSeen := types.StringNull()
	if u.LastSeen != nil {
		lastSeen = timestamp(*u.LastSeen)
	}
	return userModel{
		ID:          types.StringValue(u.ID),
		Email:       newEmailValue(u.Email),
		PhoneNumber: phone,
		FirstName:   types.StringPointerValue(u.FirstName),
		LastName:    types.StringPointerValue(u.LastName),
		IsVerified:  types.BoolPointerValue(u.IsVerified),
		IsActive:    types.BoolPointerValue(u.IsActive),
		Locale:      types.StringValue(u.Locale),
		MsgChannel:  types.StringPointerValue(u.MsgChannel),
		DateJoined:  timestamp(u.DateJoined),
		LastSeen:    lastSeen,
		Metadata:    canonicalJSON(u.Metadata),
	}
}

// canonicalJSON is metadata as canonical JSON text (compact, object keys
// sorted, numbers as written), null when the API sent none, so that two
// renderings of the same metadata give the same state. Doing it once here
// costs less than a custom type whose semantic equality would parse the
// prior and the new value on every read.
func canonicalJSON(raw []byte) types.String {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return types.StringNull()
	}
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var value any
	var canonical bytes.Buffer
	encoder := json.NewEncoder(&canonical)
	encoder.SetEscapeHTML(false)
	if decoder.Decode(&value) != nil || encoder.Encode(value) != nil {
		// The client has decoded the answer, so this does not happen; the
		// text as sent is the next best thing.
		return types.StringValue(string(raw))
	}
	return types.StringValue(string(bytes.TrimSuffix(canonical.Bytes(), []byte("\n"))))
}

// userIdentity is the resource identity of a preo_user, as an import reads
// it; identityValue writes it.
type userIdentity struct {
	ID types.String `tfsdk:"id"`
}

// timestamp renders an instant in UTC in RFC 3339 with the fractional
// seconds it has, so that an API that changes how it writes an instant does
// not change the state.
func timestamp(t time.Time) types.String {
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

// Descriptions of the user attributes, shared by every schema that shows a user.
const (
	descID          = "The Preo user id, such as `usr_123`. Ids are opaque strings."
	descEmail       = "The user's email address. Compared without regard to letter case."
	descPhoneNumber = "The user's phone number, at most 32 characters. `\"\"` means the user has none; null means Preo's answer left it out."
	descFirstName   = "The user's first name, at most 80 characters; null when Preo's answer leaves it out."
	descLastName    = "The user's last name, at most 80 characters; null when Preo's answer leaves it out."
	descIsVerified  = "Whether the user has verified their contact details; null when Preo's answer leaves it out. Read-only."
	descIsActive    = "Whether the user's account is active; null when Preo's answer leaves it out. Read-only."
	descLocale      = "The user's locale, such as `en` or `da`. Read-only."
	descMsgChannel  = "The channel Preo uses to message the user, such as `email` or `sms`; null when none is set. Read-only."
	descDateJoined  = "When the user joined, in RFC 3339 format. Read-only."
	descLastSeen    = "When the user was last seen, in RFC 3339 format; null if never. Changes on its own. Read-only."
	descMetadata    = "The user's free-form metadata object, as normalized JSON; null when Preo's answer leaves it out. Use `jsondecode()` to read it. Read-only."
)

// known reports whether a value is set and known.
func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
