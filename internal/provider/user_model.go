package provider

import (
	"bytes"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// userModel is one Preo user in Terraform terms, shared by the resource and
// both data sources so that all three describe a user the same way.
type userModel struct {
	ID          types.String         `tfsdk:"id"`
	Email       emailValue           `tfsdk:"email"`
	PhoneNumber types.String         `tfsdk:"phone_number"`
	FirstName   types.String         `tfsdk:"first_name"`
	LastName    types.String         `tfsdk:"last_name"`
	IsVerified  types.Bool           `tfsdk:"is_verified"`
	IsActive    types.Bool           `tfsdk:"is_active"`
	Locale      types.String         `tfsdk:"locale"`
	MsgChannel  types.String         `tfsdk:"msg_channel"`
	DateJoined  timetypes.RFC3339    `tfsdk:"date_joined"`
	LastSeen    timetypes.RFC3339    `tfsdk:"last_seen"`
	Metadata    jsontypes.Normalized `tfsdk:"metadata"`
}

// newUserModel builds state from what the API returned. A null phone number
// becomes "" (the API uses both for "none", and "" is what a configuration
// writes to clear it), and timestamps are rendered in UTC so that an API that
// changes its formatting does not change the state.
func newUserModel(u *client.User) userModel {
	phone := ""
	if u.PhoneNumber != nil {
		phone = *u.PhoneNumber
	}
	lastSeen := timetypes.NewRFC3339Null()
	if u.LastSeen != nil {
		lastSeen = timestamp(*u.LastSeen)
	}
	metadata := jsontypes.NewNormalizedNull()
	if raw := bytes.TrimSpace(u.Metadata); len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		metadata = jsontypes.NewNormalizedValue(string(raw))
	}
	return userModel{
		ID:          types.StringValue(u.ID),
		Email:       newEmailValue(u.Email),
		PhoneNumber: types.StringValue(phone),
		FirstName:   types.StringValue(u.FirstName),
		LastName:    types.StringValue(u.LastName),
		IsVerified:  types.BoolValue(u.IsVerified),
		IsActive:    types.BoolValue(u.IsActive),
		Locale:      types.StringValue(u.Locale),
		MsgChannel:  types.StringPointerValue(u.MsgChannel),
		DateJoined:  timestamp(u.DateJoined),
		LastSeen:    lastSeen,
		Metadata:    metadata,
	}
}

// userIdentity is the resource identity of a preo_user, as an import reads
// it; identityValue writes it.
type userIdentity struct {
	ID types.String `tfsdk:"id"`
}

// timestamp keeps fractional seconds, which timetypes.NewRFC3339TimeValue
// drops. The value is built as it is formatted, so it is not parsed again
// (as timetypes.NewRFC3339ValueMust would) for every user of a listing.
func timestamp(t time.Time) timetypes.RFC3339 {
	return timetypes.RFC3339{StringValue: basetypes.NewStringValue(t.UTC().Format(time.RFC3339Nano))}
}

// Descriptions of the user attributes, shared by every schema that shows a user.
const (
	descID          = "The Preo user id, such as `usr_123`. Ids are opaque strings."
	descEmail       = "The user's email address. Compared without regard to letter case."
	descPhoneNumber = "The user's phone number, at most 32 characters. `\"\"` means the user has none."
	descFirstName   = "The user's first name, at most 80 characters."
	descLastName    = "The user's last name, at most 80 characters."
	descIsVerified  = "Whether the user has verified their contact details. Read-only."
	descIsActive    = "Whether the user's account is active. Read-only."
	descLocale      = "The user's locale, such as `en` or `da`. Read-only."
	descMsgChannel  = "The channel Preo uses to message the user, such as `email` or `sms`; null when none is set. Read-only."
	descDateJoined  = "When the user joined, in RFC 3339 format. Read-only."
	descLastSeen    = "When the user was last seen, in RFC 3339 format; null if never. Changes on its own. Read-only."
	descMetadata    = "The user's free-form metadata object, as normalized JSON. Use `jsondecode()` to read it. Read-only."
)

// known reports whether a value is set and known.
func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
