package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	datasourceschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// userField describes one attribute of a Preo user once, for every part of
// the provider that handles it: the schemas, planning, the PATCH and the
// placement of API errors.
type userField struct {
	name        string
	description string
	isBool      bool
	customType  basetypes.StringTypable
	value       modelField
	// forget, set only for a fact that changes on its own (last_seen), makes
	// it unknown: a plan read from Preo cannot promise its value.
	forget func(*userModel)
	// writable is set for the attributes a PATCH can change.
	writable *writableField
}

// writableField is what a writable attribute adds: how it is checked,
// compared and sent.
type writableField struct {
	// resourceNote follows the description in the resource's schema.
	resourceNote string
	validators   []validator.String
	// same reports whether two values mean the same to Preo.
	same  func(a, b string) bool
	model func(*userModel) *types.String
	patch func(*client.UserPatch) **string
	// unverifies marks contact details: Preo may reset is_verified when they
	// change, so a plan that changes them cannot promise is_verified.
	unverifies bool
}

// modelField reads one attribute of a userModel, whatever its type, and
// copies it from one model to another.
type modelField struct {
	get  func(*userModel) attr.Value
	copy func(dst, src *userModel)
}

func fieldOf[T attr.Value](field func(*userModel) *T) modelField {
	return modelField{
		get:  func(m *userModel) attr.Value { return *field(m) },
		copy: func(dst, src *userModel) { *field(dst) = *field(src) },
	}
}

func sameText(a, b string) bool { return a == b }

// userFields lists the attributes of a user in the API's order.
var userFields = []userField{
	{name: "id", description: descID, value: fieldOf(func(m *userModel) *types.String { return &m.ID })},
	{
		name: "email", description: descEmail, customType: emailType{},
		value: fieldOf(func(m *userModel) *emailValue { return &m.Email }),
		writable: &writableField{
			validators: emailValidators(), same: sameEmail, unverifies: true,
			model: func(m *userModel) *types.String { return &m.Email.StringValue },
			patch: func(p *client.UserPatch) **string { return &p.Email },
		},
	},
	{
		name: "phone_number", description: descPhoneNumber,
		value: fieldOf(func(m *userModel) *types.String { return &m.PhoneNumber }),
		writable: &writableField{
			resourceNote: " Set `\"\"` to clear it.", validators: textValidators(32), same: sameText, unverifies: true,
			model: func(m *userModel) *types.String { return &m.PhoneNumber },
			patch: func(p *client.UserPatch) **string { return &p.PhoneNumber },
		},
	},
	{
		name: "first_name", description: descFirstName,
		value: fieldOf(func(m *userModel) *types.String { return &m.FirstName }),
		writable: &writableField{
			validators: textValidators(80), same: sameText,
			model: func(m *userModel) *types.String { return &m.FirstName },
			patch: func(p *client.UserPatch) **string { return &p.FirstName },
		},
	},
	{
		name: "last_name", description: descLastName,
		value: fieldOf(func(m *userModel) *types.String { return &m.LastName }),
		writable: &writableField{
			validators: textValidators(80), same: sameText,
			model: func(m *userModel) *types.String { return &m.LastName },
			patch: func(p *client.UserPatch) **string { return &p.LastName },
		},
	},
	{name: "is_verified", description: descIsVerified, isBool: true, value: fieldOf(func(m *userModel) *types.Bool { return &m.IsVerified })},
	{name: "is_active", description: descIsActive, isBool: true, value: fieldOf(func(m *userModel) *types.Bool { return &m.IsActive })},
	{name: "locale", description: descLocale, value: fieldOf(func(m *userModel) *types.String { return &m.Locale })},
	{name: "msg_channel", description: descMsgChannel, value: fieldOf(func(m *userModel) *types.String { return &m.MsgChannel })},
	{
		name: "date_joined", description: descDateJoined,
		value: fieldOf(func(m *userModel) *types.String { return &m.DateJoined }),
	},
	{
		name: "last_seen", description: descLastSeen,
		value:  fieldOf(func(m *userModel) *types.String { return &m.LastSeen }),
		forget: func(m *userModel) { m.LastSeen = types.StringUnknown() },
	},
	{
		name: "metadata", description: descMetadata,
		value: fieldOf(func(m *userModel) *types.String { return &m.Metadata }),
	},
}

// writableFields are the userFields a PATCH can change.
var writableFields = func() []userField {
	var fields []userField
	for _, field := range userFields {
		if field.writable != nil {
			fields = append(fields, field)
		}
	}
	return fields
}()

// isWritable reports whether an API field is one a PATCH sends, so that its
// validation errors belong to the resource attribute of the same name.
func isWritable(name string) bool {
	for _, field := range writableFields {
		if field.name == name {
			return true
		}
	}
	return false
}

// changedFields is the PATCH that turns current into what the configuration
// asks for: only attributes the configuration sets to a known value that
// differs, so attributes left out of it are never sent.
func changedFields(config, current userModel) client.UserPatch {
	var changes client.UserPatch
	for _, field := range writableFields {
		w := field.writable
		want := *w.model(&config)
		if known(want) && !w.holds(*w.model(&current), want) {
			*w.patch(&changes) = want.ValueStringPointer()
		}
	}
	return changes
}

// holds reports whether have, read from Preo, is the configured want. A
// field Preo's answer left out holds nothing, not even "".
func (w *writableField) holds(have, want types.String) bool {
	return !have.IsNull() && w.same(want.ValueString(), have.ValueString())
}

// sent reports whether the PATCH changes carries the field.
func (w *writableField) sent(changes client.UserPatch) bool {
	return *w.patch(&changes) != nil
}

// userDataSourceAttributes describes a user, read-only, for the data sources.
func userDataSourceAttributes() map[string]datasourceschema.Attribute {
	attributes := make(map[string]datasourceschema.Attribute, len(userFields))
	for _, field := range userFields {
		if field.isBool {
			attributes[field.name] = datasourceschema.BoolAttribute{Computed: true, Description: field.description}
			continue
		}
		attributes[field.name] = datasourceschema.StringAttribute{Computed: true, CustomType: field.customType, Description: field.description}
	}
	return attributes
}

// userResourceAttributes describes a user for the resource: the writable
// attributes may be configured, the rest are read-only. ModifyPlan plans
// them all (user_plan.go), so they need no plan modifiers here; id gets its
// own attribute from the resource.
func userResourceAttributes() map[string]resourceschema.Attribute {
	attributes := make(map[string]resourceschema.Attribute, len(userFields))
	for _, field := range userFields {
		switch {
		case field.writable != nil:
			attributes[field.name] = resourceschema.StringAttribute{
				Optional:    true,
				Computed:    true,
				CustomType:  field.customType,
				Description: field.description + field.writable.resourceNote + " Left as it is in Preo when not set.",
				Validators:  field.writable.validators,
			}
		case field.isBool:
			attributes[field.name] = resourceschema.BoolAttribute{Computed: true, Description: field.description}
		default:
			attributes[field.name] = resourceschema.StringAttribute{Computed: true, CustomType: field.customType, Description: field.description}
		}
	}
	return attributes
}
