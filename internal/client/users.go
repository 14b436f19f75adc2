package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/preo/terraform-provider-preo/internal/django"
)

// User is a Preo user as the API returns it. Fields the API adds later are
// ignored by the decoder, so a newer API does not break older providers.
type User struct {
	ID          string          `json:"id"`
	Email       string          `json:"email"`
	PhoneNumber *string         `json:"phone_number"`
	FirstName   string          `json:"first_name"`
	LastName    string          `json:"last_name"`
	IsVerified  bool            `json:"is_verified"`
	IsActive    bool            `json:"is_active"`
	Locale      string          `json:"locale"`
	MsgChannel  *string         `json:"msg_channel"`
	DateJoined  time.Time       `json:"date_joined"`
	LastSeen    *time.Time      `json:"last_seen"`
	Metadata    json.RawMessage `json:"metadata"`

	// present is the set of fields the answer carried (user_decode.go).
	present fieldSet
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
	var user User
	if err := c.do(ctx, operation, method, target, payload, &user); err != nil {
		return nil, err
	}
	switch user.ID {
	case "":
		return nil, fmt.Errorf("%s: %s %s: %w: it holds no user id", operation, method, target.Redacted(), ErrInvalidAnswer)
	case id:
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
// Stored is nil when Preo answered null.
type StoredValue struct {
	Field  string // the API's field name, such as "first_name"
	Sent   string
	Stored *string
}

func (e *StoredValueError) Error() string {
	parts := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		parts[i] = d.String()
	}
	return fmt.Sprintf("%s: Preo accepted the change but answered with other values: %s", e.Operation, strings.Join(parts, "; "))
}

func (d StoredValue) String() string {
	stored := "null"
	if d.Stored != nil {
		stored = strconv.Quote(*d.Stored)
	}
	return fmt.Sprintf("%s %q was sent and %s stored", d.Field, d.Sent, stored)
}

// notHeldBy lists the fields of p that user does not hold, after what Preo
// does to every value it stores: surrounding whitespace is stripped, email
// addresses may change letter case, and a cleared phone number may be null.
func (p UserPatch) notHeldBy(user *User) []StoredValue {
	var differences []StoredValue
	check := func(field string, sent *string, stored *string, same func(sent, stored string) bool) {
		if sent == nil {
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
	check("first_name", p.FirstName, &user.FirstName, exact)
	check("last_name", p.LastName, &user.LastName, exact)
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
