package client_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// fullUser is a user answer with every field of the API reference.
var fullUser = map[string]string{
	"id": `"usr_1"`, "email": `"ada@example.com"`, "phone_number": `"+4512345678"`, "first_name": `"Ada"`,
	"last_name": `"Lovelace"`, "is_verified": "true", "is_active": "true", "locale": `"en"`, "msg_channel": `"email"`,
	"date_joined": `"2024-08-25T15:00:00Z"`, "last_seen": `"2026-11-20T09:30:00Z"`, "metadata": `{"tier": "gold"}`,
}

// requiredFields are the fields the API reference marks required;
// msg_channel may be null.
var requiredFields = []string{"id", "email", "locale", "msg_channel", "date_joined"}

// userWith is fullUser with one field replaced by value, or left out when
// value is "".
func userWith(field, value string) string {
	fields := maps.Clone(fullUser)
	if value == "" {
		delete(fields, field)
	} else {
		fields[field] = value
	}
	parts := make([]string, 0, len(fields))
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, strconv.Quote(name)+": "+fields[name])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// userPaths are the ways a user answer reaches the client: a read, a PATCH
// answer, and the first and a later page of a listing (read whole and
// page by page). Each returns the user as decoded, or the error.
var userPaths = map[string]func(t *testing.T, answer string) (*client.User, error){
	"GET": func(t *testing.T, answer string) (*client.User, error) {
		srv := newHostile(t, func(*http.Request) (int, string) { return http.StatusOK, answer })
		return srv.client(t).GetUser(context.Background(), "usr_1")
	},
	"PATCH": func(t *testing.T, answer string) (*client.User, error) {
		srv := newHostile(t, func(*http.Request) (int, string) { return http.StatusOK, answer })
		return srv.client(t).UpdateUser(context.Background(), "usr_1", client.UserPatch{Email: ptr("ada@example.com")})
	},
	"listing page 1": func(t *testing.T, answer string) (*client.User, error) {
		srv := newHostile(t, pages(`{"count": 2, "next": null, "results": [`+answer+`, `+user("usr_2")+`]}`))
		return listedUser(t, srv, "usr_1")
	},
	"listing page 2": func(t *testing.T, answer string) (*client.User, error) {
		srv := newHostile(t, pages(
			`{"count": 3, "next": "$BASE/v1/user?page=2", "results": [`+user("usr_2")+`, `+user("usr_3")+`]}`,
			`{"count": 3, "next": null, "results": [`+answer+`]}`))
		return listedUser(t, srv, "usr_1")
	},
}

func listedUser(t *testing.T, srv *hostile, id string) (*client.User, error) {
	t.Helper()
	if _, err := listBoth(t, srv.client(t), client.ListUsersQuery{}); err != nil {
		return nil, err
	}
	list, err := srv.client(t).ListUsers(context.Background(), client.ListUsersQuery{})
	if err != nil {
		return nil, err
	}
	for _, u := range list.Users {
		if u.ID == id {
			return &u, nil
		}
	}
	t.Fatalf("the listing does not hold %s", id)
	return nil, nil
}

// A required field missing, or null where the reference does not allow it,
// makes the answer invalid on every path, and the error names the field
// (and, in a listing, the page and the user). Nothing is retried.
func TestAnswersWithoutRequiredFieldsAreInvalid(t *testing.T) {
	for _, field := range requiredFields {
		for _, value := range []string{"", "null"} {
			if field == "msg_channel" && value == "null" {
				continue
			}
			for pathName, path := range userPaths {
				t.Run(field+"/"+strconv.Quote(value)+"/"+pathName, func(t *testing.T) {
					_, err := path(t, userWith(field, value))
					if !errors.Is(err, client.ErrInvalidAnswer) {
						t.Fatalf("err = %v, want ErrInvalidAnswer", err)
					}
					want := "leaves out " + field + ", which the API reference marks required"
					if value == "null" {
						want = "has null for " + field + ", which the API reference does not allow"
					}
					if !strings.Contains(err.Error(), want) {
						t.Errorf("err = %v\nwant it to say %q", err, want)
					}
					if strings.HasPrefix(pathName, "listing") {
						page := "page " + pathName[len(pathName)-1:]
						if !strings.Contains(err.Error(), page) || !strings.Contains(err.Error(), "its user 1") {
							t.Errorf("err = %v\nwant it to name %s and the user", err, page)
						}
					}
				})
			}
		}
	}
}

// Every field that is not required may be left out: the user is accepted,
// the field is listed as missing, and nothing stands in for it.
func TestAnswersWithoutOptionalFieldsKeepThemMissing(t *testing.T) {
	for field := range fullUser {
		if slices.Contains(requiredFields, field) {
			continue
		}
		for pathName, path := range userPaths {
			t.Run(field+"/"+pathName, func(t *testing.T) {
				u, err := path(t, userWith(field, ""))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(u.Missing, []string{field}) || !u.Lacks(field) {
					t.Errorf("Missing = %v, want [%s]", u.Missing, field)
				}
				set := map[string]bool{
					"phone_number": u.PhoneNumber != nil, "first_name": u.FirstName != nil, "last_name": u.LastName != nil,
					"is_verified": u.IsVerified != nil, "is_active": u.IsActive != nil, "last_seen": u.LastSeen != nil,
					"metadata": u.Metadata != nil,
				}
				for name, isSet := range set {
					if isSet == (name == field) {
						t.Errorf("%s set: %v", name, isSet)
					}
				}
			})
		}
	}
}

// A PATCH answer that leaves out a field that was sent does not hold it.
func TestUpdateUserAnswerLeavingOutASentField(t *testing.T) {
	for field, patch := range map[string]client.UserPatch{
		"first_name":   {FirstName: ptr("Ada")},
		"last_name":    {LastName: ptr("Lovelace")},
		"phone_number": {PhoneNumber: ptr("")},
	} {
		srv := newHostile(t, func(*http.Request) (int, string) { return http.StatusOK, userWith(field, "") })
		_, err := srv.client(t).UpdateUser(context.Background(), "usr_1", patch)
		var stored *client.StoredValueError
		if !errors.As(err, &stored) || len(stored.Differences) != 1 || !stored.Differences[0].Absent {
			t.Fatalf("%s: err = %v, want the field reported as left out", field, err)
		}
		if want := "the answer leaves " + field + " out"; !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}
}

// DRF's field errors are read on every status Preo words them on, so the
// provider can place them on their attributes.
func TestFieldErrorsOnEveryValidationStatus(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnprocessableEntity} {
		srv := newHostile(t, func(*http.Request) (int, string) {
			return status, `{"email": ["user with this email already exists."], "non_field_errors": ["Locked."]}`
		})
		_, err := srv.client(t).UpdateUser(context.Background(), "usr_1", client.UserPatch{Email: ptr("ada@example.com")})
		var apiErr *client.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Fatalf("%d: err = %v", status, err)
		}
		if got := apiErr.FieldErrors["email"]; len(got) != 1 || got[0] != "user with this email already exists." || len(apiErr.FieldErrors) != 2 {
			t.Errorf("%d: field errors %v", status, apiErr.FieldErrors)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("%d: sent %d times", status, n)
		}
	}
}
