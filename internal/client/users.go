package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/preo/terraform-provider-preo/internal/django"
)

// User is a Preo user as the API returns it. Fields the API adds later are
// ignored by the decoder, so a newer API does not break older providers.
//
// The fields the API reference marks required (id, email, locale,
// msg_channel, which may be null, and date_joined) must be in every answer:
// one without them is an invalid answer. The others may be left out; a
// pointer is then nil and the field is listed in Missing, so that nobody
// reads a value Preo never sent, such as false or the zero time.
type User struct {
	ID    string
	Email string
	// PhoneNumber is nil when Preo answered null or left it out; Missing
	// tells the two apart.
	PhoneNumber *string
	FirstName   *string
	LastName    *string
	IsVerified  *bool
	IsActive    *bool
	Locale      string
	MsgChannel  *string
	DateJoined  time.Time
	LastSeen    *time.Time
	// Metadata is nil when the answer left it out, and "null" when null.
	Metadata json.RawMessage
	// Missing lists, in the API's names, the optional fields the answer
	// left out.
	Missing []string

	// invalid says what a decoded answer lacks of what the API reference
	// requires; userAnswer and the listing refuse such a user.
	invalid string
}

// Lacks reports whether the answer left out the field, named as the API names it.
func (u *User) Lacks(field string) bool { return slices.Contains(u.Missing, field) }

// field is one field of an answer: whether it was there, whether it was
// null, and its value otherwise.
type field[T any] struct {
	present, null bool
	value         T
}

// UnmarshalJSON reads the value the decoder has already checked as JSON.
// Strings, booleans and times, which are all a user holds, are read
// directly: going through json.Unmarshal for each field would scan it again
// and double the cost of a listing.
func (f *field[T]) UnmarshalJSON(data []byte) error {
	// A key given twice counts as given once, with its last value.
	*f = field[T]{present: true}
	if string(data) == "null" {
		f.null = true
		return nil
	}
	switch v := any(&f.value).(type) {
	case *string:
		if len(data) >= 2 && data[0] == '"' && bytes.IndexByte(data, '\\') < 0 && utf8.Valid(data) {
			*v = string(data[1 : len(data)-1])
			return nil
		}
	case *bool:
		switch string(data) {
		case "true":
			*v = true
			return nil
		case "false":
			return nil
		}
	case *time.Time:
		return v.UnmarshalJSON(data)
	}
	return json.Unmarshal(data, &f.value)
}

// set reports whether the field holds a value, neither missing nor null.
func (f *field[T]) set() bool { return f.present && !f.null }

// ifSet is value, or nil when the field is missing or null.
func ifSet[T any](f *field[T], value *T) *T {
	if !f.set() {
		return nil
	}
	return value
}

// optionalValues hold a user's nullable values in one allocation of their
// own: a user kept after its page (listings answer reads for the rest of a
// plan) then keeps these alone, not the whole decoded answer.
type optionalValues struct {
	phoneNumber, firstName, lastName, msgChannel string
	isVerified, isActive                         bool
	lastSeen                                     time.Time
}

// userFields is a user as it comes over the wire, where a field may be
// present, null or missing.
type userFields struct {
	ID          field[string]    `json:"id"`
	Email       field[string]    `json:"email"`
	PhoneNumber field[string]    `json:"phone_number"`
	FirstName   field[string]    `json:"first_name"`
	LastName    field[string]    `json:"last_name"`
	IsVerified  field[bool]      `json:"is_verified"`
	IsActive    field[bool]      `json:"is_active"`
	Locale      field[string]    `json:"locale"`
	MsgChannel  field[string]    `json:"msg_channel"`
	DateJoined  field[time.Time] `json:"date_joined"`
	LastSeen    field[time.Time] `json:"last_seen"`
	Metadata    json.RawMessage  `json:"metadata"`
}

// UnmarshalJSON decodes a user and notes what it lacks of the fields the
// API reference requires. The client's own answers are decoded as
// userFields instead, to be scanned once.
func (u *User) UnmarshalJSON(data []byte) error {
	f := new(userFields)
	if err := json.Unmarshal(data, f); err != nil {
		return err
	}
	*u = f.user()
	return nil
}

// user is the User these fields describe, noting for the caller what it
// lacks of the fields the API reference requires, so that the caller can
// refuse the answer with the page and place it came from.
func (f *userFields) user() User {
	kept := &optionalValues{
		phoneNumber: f.PhoneNumber.value, firstName: f.FirstName.value, lastName: f.LastName.value, msgChannel: f.MsgChannel.value,
		isVerified: f.IsVerified.value, isActive: f.IsActive.value, lastSeen: f.LastSeen.value,
	}
	u := User{
		ID:          f.ID.value,
		Email:       f.Email.value,
		PhoneNumber: ifSet(&f.PhoneNumber, &kept.phoneNumber),
		FirstName:   ifSet(&f.FirstName, &kept.firstName),
		LastName:    ifSet(&f.LastName, &kept.lastName),
		IsVerified:  ifSet(&f.IsVerified, &kept.isVerified),
		IsActive:    ifSet(&f.IsActive, &kept.isActive),
		Locale:      f.Locale.value,
		MsgChannel:  ifSet(&f.MsgChannel, &kept.msgChannel),
		DateJoined:  f.DateJoined.value,
		LastSeen:    ifSet(&f.LastSeen, &kept.lastSeen),
		Metadata:    f.Metadata,
	}
	var missing, null []string
	for _, required := range []struct {
		name          string
		present, null bool
	}{
		{"id", f.ID.present, f.ID.null},
		{"email", f.Email.present, f.Email.null},
		{"locale", f.Locale.present, f.Locale.null},
		{"msg_channel", f.MsgChannel.present, false},
		{"date_joined", f.DateJoined.present, f.DateJoined.null},
	} {
		switch {
		case !required.present:
			missing = append(missing, required.name)
		case required.null:
			null = append(null, required.name)
		}
	}
	for _, optional := range []struct {
		name    string
		present bool
	}{
		{"first_name", f.FirstName.present}, {"is_active", f.IsActive.present}, {"is_verified", f.IsVerified.present},
		{"last_name", f.LastName.present}, {"last_seen", f.LastSeen.present}, {"metadata", f.Metadata != nil},
		{"phone_number", f.PhoneNumber.present},
	} {
		if !optional.present {
			u.Missing = append(u.Missing, optional.name)
		}
	}
	var problems []string
	if len(missing) > 0 {
		problems = append(problems, "leaves out "+strings.Join(missing, ", ")+", which the API reference marks required")
	}
	if len(null) > 0 {
		problems = append(problems, "has null for "+strings.Join(null, ", ")+", which the API reference does not allow")
	}
	if f.ID.set() && f.ID.value == "" {
		problems = append(problems, "has an empty id")
	}
	u.invalid = strings.Join(problems, " and ")
	return u
}

// UserPatch is a partial update: nil fields are not sent and stay as they are
// in Preo. An empty PhoneNumber clears the phone number.
type UserPatch struct {
	Email       *string `json:"email,omitempty"`
	PhoneNumber *string `json:"phone_number,omitempty"`
	FirstName   *string `json:"first_name,omitempty"`
	LastName    *string `json:"last_name,omitempty"`
}

// IsEmpty reports whether the patch would change nothing.
func (p UserPatch) IsEmpty() bool {
	return p.Email == nil && p.PhoneNumber == nil && p.FirstName == nil && p.LastName == nil
}

// ListUsersQuery selects users. Empty fields are not sent.
type ListUsersQuery struct {
	EditionID      string
	OrganizationID string
	Search         string
	// Ordering holds field names, each optionally prefixed with "-".
	Ordering []string
	// MaxResults stops the listing after that many users; 0 lists them all.
	MaxResults int
}

// UserList is one listing: the users in the API's order and the API's count
// of all users matching the query, however many were fetched.
type UserList struct {
	Users []User
	Count int
}

// UpdateUser sends one PATCH with the set fields of patch and returns the
// user as the API stored it. An answer that does not hold what was sent is
// a *StoredValueError.
func (c *Client) UpdateUser(ctx context.Context, id string, patch UserPatch) (*User, error) {
	operation := fmt.Sprintf("update user %q", id)
	payload, err := json.Marshal(patch)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding the changes: %w", operation, err)
	}
	// Whatever a listing said of the user before this PATCH returned may
	// no longer hold, whether the PATCH succeeded or not.
	defer c.reads.patching(id)()
	user, err := c.userAnswer(ctx, operation, http.MethodPatch, id, payload)
	if err != nil {
		return nil, c.redact(err)
	}
	if differences := patch.notHeldBy(user); len(differences) > 0 {
		return nil, c.redact(&StoredValueError{Operation: operation, Differences: differences})
	}
	return user, nil
}

// userAnswer sends one request about the user id and checks that the
// answer is that user.
func (c *Client) userAnswer(ctx context.Context, operation, method, id string, payload []byte) (*User, error) {
	target := c.userURL(id)
	var fields userFields
	if err := c.do(ctx, operation, method, target, payload, &fields); err != nil {
		return nil, err
	}
	user := fields.user()
	switch {
	case user.invalid != "":
		return nil, fmt.Errorf("%s: %s %s: %w: the user it holds %s", operation, method, target.Redacted(), ErrInvalidAnswer, user.invalid)
	case user.ID == id:
		return &user, nil
	}
	return nil, fmt.Errorf("%s: %s %s: %w: it is the user %q, not the one asked for", operation, method, target.Redacted(), ErrInvalidAnswer, user.ID)
}

// StoredValueError is a PATCH that Preo accepted but answered with other
// values than were sent.
type StoredValueError struct {
	Operation   string
	Differences []StoredValue
}

// StoredValue is one field that Preo stored otherwise than it was sent.
// Stored is nil when Preo answered null, or left the field out of its
// answer (Absent).
type StoredValue struct {
	Field  string // the API's field name, such as "first_name"
	Sent   string
	Stored *string
	Absent bool
}

func (e *StoredValueError) Error() string {
	parts := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		parts[i] = d.String()
	}
	return fmt.Sprintf("%s: Preo accepted the change but answered with other values: %s", e.Operation, strings.Join(parts, "; "))
}

func (d StoredValue) String() string {
	if d.Absent {
		return fmt.Sprintf("%s %q was sent and the answer leaves %s out", d.Field, d.Sent, d.Field)
	}
	stored := "null"
	if d.Stored != nil {
		stored = strconv.Quote(*d.Stored)
	}
	return fmt.Sprintf("%s %q was sent and %s stored", d.Field, d.Sent, stored)
}

// notHeldBy lists the fields of p that user does not hold, after what Preo
// does to every value it stores: surrounding whitespace is stripped, email
// addresses may change letter case, and a cleared phone number may be null.
// A field sent and left out of the answer is not held.
func (p UserPatch) notHeldBy(user *User) []StoredValue {
	var differences []StoredValue
	check := func(field string, sent *string, stored *string, same func(sent, stored string) bool) {
		if sent == nil {
			return
		}
		if user.Lacks(field) {
			differences = append(differences, StoredValue{Field: field, Sent: *sent, Absent: true})
			return
		}
		want := django.Strip(*sent)
		if stored == nil && want == "" && field == "phone_number" {
			return
		}
		if stored == nil || !same(want, *stored) {
			differences = append(differences, StoredValue{Field: field, Sent: *sent, Stored: stored})
		}
	}
	exact := func(a, b string) bool { return a == b }
	check("email", p.Email, &user.Email, strings.EqualFold)
	check("phone_number", p.PhoneNumber, user.PhoneNumber, exact)
	check("first_name", p.FirstName, user.FirstName, exact)
	check("last_name", p.LastName, user.LastName, exact)
	return differences
}

// ErrUnconfirmedNotFound is a 404 that does not prove that the user is gone.
var ErrUnconfirmedNotFound = errors.New("the 404 answer does not prove that the user is gone")

// confirmNotFound checks that err, a 404 from GetUser, proves that the user
// is gone: it must be Preo's own JSON answer, from an API whose user listing
// answers (asked once per client). It returns err itself when it does, and
// otherwise an ErrUnconfirmedNotFound that says why not, which IsNotFound
// does not take for a missing user.
func (c *Client) confirmNotFound(ctx context.Context, err error) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) && !apiErr.fromPreo {
		return fmt.Errorf("%w: %w; the answer is not Preo's JSON, so it may come from a proxy, or from a path that is not the API", ErrUnconfirmedNotFound, err)
	}
	if listErr := c.confirmListingAnswers(ctx); listErr != nil {
		return fmt.Errorf("%w: %w; the user listing did not answer either: %w", ErrUnconfirmedNotFound, err, listErr)
	}
	return err
}

// confirmListingAnswers reads the first page of the user listing, unless a
// listing already answered: one request per client at most, shared by every
// caller waiting for it.
func (c *Client) confirmListingAnswers(ctx context.Context) error {
	if c.listingAnswers.Load() {
		return nil
	}
	c.listingProbe.Lock()
	defer c.listingProbe.Unlock()
	if c.listingAnswers.Load() {
		return nil
	}
	return c.probeListing(ctx)
}

// userURL escapes the id as one path segment: ids are opaque and may hold
// characters such as "/" or "?".
func (c *Client) userURL(id string) *url.URL {
	u := *c.base
	u.Path = c.base.Path + "/v1/user/" + id
	u.RawPath = c.base.EscapedPath() + "/v1/user/" + url.PathEscape(id)
	return &u
}

func (c *Client) listURL(q ListUsersQuery) *url.URL {
	u := *c.base
	u.Path = c.base.Path + "/v1/user"
	values := url.Values{}
	for key, value := range map[string]string{
		"edition_id":      q.EditionID,
		"organization_id": q.OrganizationID,
		"search":          q.Search,
		// DRF's OrderingFilter reads a single value: repeated parameters
		// would silently lose all but one field.
		"ordering": strings.Join(q.Ordering, ","),
	} {
		if value != "" {
			values.Set(key, value)
		}
	}
	u.RawQuery = values.Encode()
	return &u
}
