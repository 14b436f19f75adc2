package emulator

import (
	"slices"
	"strconv"
	"strings"

	"github.com/preo/terraform-provider-preo/internal/emulator/pycompat"
)

// A PATCH body goes through the user serializer as DRF runs it with partial=True: only the
// four writable fields are read, each absent one is skipped, every present one is validated
// by DRF's CharField (EmailField for email) with the model's limits, and all failures are
// reported together in the serializer's field order.

type charField struct {
	name       string
	maxLength  int
	allowBlank bool
	allowNull  bool
	email      bool
}

var writableFields = []charField{
	{name: "email", maxLength: 254, email: true},
	{name: "phone_number", maxLength: 32, allowBlank: true, allowNull: true},
	{name: "first_name", maxLength: 80, allowBlank: true},
	{name: "last_name", maxLength: 80, allowBlank: true},
}

const (
	msgBlank   = "This field may not be blank."
	msgNull    = "This field may not be null."
	msgString  = "Not a valid string."
	msgEmail   = "Enter a valid email address."
	msgNulChar = "Null characters are not allowed."
	msgUnique  = "user with this email already exists."
)

// validate applies data to a copy of old, or returns the 400 body. Callers hold s.mu, so the
// uniqueness check sees a consistent store.
func (s *Server) validate(old *record, data any) (User, []byte) {
	dict, ok := data.(pycompat.Dict)
	switch {
	case data == nil:
		// Serializer.errors turns a lone "may not be null" for the whole body into this.
		return User{}, []byte(`{"non_field_errors":["No data provided"]}`)
	case !ok:
		var e fieldErrors
		e.add("non_field_errors", "Invalid data. Expected a dictionary, but got "+pycompat.TypeName(data)+".")
		return User{}, e.appendJSON(nil)
	}
	u := old.u.clone()
	taken := func(email string) bool { return s.emailTaken(old.u.ID, email) }
	var errs fieldErrors
	for _, f := range writableFields {
		v, present := dict[f.name]
		if !present {
			continue
		}
		value, msgs := f.run(v, taken)
		if msgs != nil {
			errs.add(f.name, msgs...)
			continue
		}
		switch f.name {
		case "email":
			if s.opts.LowercaseEmails {
				value = ptr(strings.ToLower(*value))
			}
			u.Email = *value
		case "phone_number":
			if s.opts.ClearedPhoneAsNull && value != nil && *value == "" {
				value = nil
			}
			u.PhoneNumber = value
		case "first_name":
			u.FirstName = *value
		case "last_name":
			u.LastName = *value
		}
	}
	if !errs.empty() {
		return User{}, errs.appendJSON(nil)
	}
	return u, nil
}

// emailTaken reports whether another user has this email, ignoring case.
func (s *Server) emailTaken(id, email string) bool {
	upper := strings.ToUpper(email)
	for _, rec := range s.byID {
		if rec.upperEmail == upper && rec.u.ID != id {
			return true
		}
	}
	return false
}

// run is CharField.run_validation: the blank check on the raw value, then null, then the type
// check, then whitespace trimming and every validator, whose messages all count. A blank value
// comes back as "" and a null one as nil: only a field that allows null returns nil without
// messages.
func (f charField) run(v any, taken func(string) bool) (*string, []string) {
	if s, ok := v.(pycompat.Str); ok && len(pycompat.Strip(s)) == 0 {
		if !f.allowBlank {
			return nil, []string{msgBlank}
		}
		return ptr(""), nil
	}
	if v == nil {
		if !f.allowNull {
			return nil, []string{msgNull}
		}
		return nil, nil
	}
	var text []rune
	switch x := v.(type) {
	case pycompat.Str:
		text = x
	case pycompat.Int:
		text = []rune(string(x))
	case float64:
		text = []rune(pycompat.FloatRepr(x))
	default:
		// DRF refuses booleans and containers; EmailField words the refusal its own way.
		if f.email {
			return nil, []string{msgEmail}
		}
		return nil, []string{msgString}
	}
	text = pycompat.Strip(text)
	value := string(text)
	// The validators in the order ModelSerializer builds them: unique, then CharField's, then
	// EmailField's.
	var msgs []string
	if f.email && taken(value) {
		msgs = append(msgs, msgUnique)
	}
	if len(text) > f.maxLength {
		msgs = append(msgs, "Ensure this field has no more than "+strconv.Itoa(f.maxLength)+" characters.")
	}
	if slices.Contains(text, 0) {
		msgs = append(msgs, msgNulChar)
	}
	if i := slices.IndexFunc(text, isSurrogate); i >= 0 {
		msgs = append(msgs, "Surrogate characters are not allowed: U+"+strings.ToUpper(strconv.FormatInt(int64(text[i]), 16))+".")
	}
	if f.email && !validEmail(text) {
		msgs = append(msgs, msgEmail)
	}
	return &value, msgs
}

func isSurrogate(r rune) bool { return r >= 0xd800 && r <= 0xdfff }
