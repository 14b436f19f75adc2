package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
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

// GetUser reads one user by id.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	operation := fmt.Sprintf("read user %q", id)
	body, err := c.do(ctx, operation, http.MethodGet, c.userURL(id), nil)
	if err != nil {
		return nil, err
	}
	return decodeUser(operation, body)
}

// UpdateUser sends one PATCH with the set fields of patch and returns the
// user as the API stored it.
func (c *Client) UpdateUser(ctx context.Context, id string, patch UserPatch) (*User, error) {
	operation := fmt.Sprintf("update user %q", id)
	payload, err := json.Marshal(patch)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding the changes: %w", operation, err)
	}
	body, err := c.do(ctx, operation, http.MethodPatch, c.userURL(id), payload)
	if err != nil {
		return nil, err
	}
	return decodeUser(operation, body)
}

func decodeUser(operation string, body []byte) (*User, error) {
	var user User
	if err := json.Unmarshal(body, &user); err != nil {
		return nil, fmt.Errorf("%s: the answer is not a Preo user: %w", operation, err)
	}
	if user.ID == "" {
		return nil, fmt.Errorf("%s: the answer is not a Preo user: it has no id", operation)
	}
	return &user, nil
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
