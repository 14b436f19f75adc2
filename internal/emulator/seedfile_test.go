package emulator

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReadUsers(t *testing.T) {
	users, err := ReadUsers(strings.NewReader(`[
  {"id": "usr_1", "email": "ada@example.com", "phone_number": null, "first_name": "Ada",
   "last_name": "Lovelace", "is_verified": true, "is_active": true, "locale": "en",
   "msg_channel": "email", "date_joined": "2024-08-25T15:00:00.5+02:00", "last_seen": null,
   "metadata": {"source": "import"}, "edition_id": "edt_1", "organization_id": "org_1"},
  {"id": "usr_2", "phone_number": "+45 20 11 22 33", "last_seen": "2025-01-01T00:00:00Z", "metadata": null}
]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 {
		t.Fatalf("%d users", len(users))
	}
	ada, second := users[0], users[1]
	if ada.ID != "usr_1" || ada.Email != "ada@example.com" || ada.PhoneNumber != nil || ada.FirstName != "Ada" ||
		ada.LastName != "Lovelace" || !ada.IsVerified || !ada.IsActive || ada.Locale != "en" ||
		ada.MsgChannel == nil || *ada.MsgChannel != "email" || ada.LastSeen != nil ||
		!ada.DateJoined.Equal(time.Date(2024, 8, 25, 13, 0, 0, 500_000_000, time.UTC)) ||
		ada.Metadata["source"] != "import" || ada.EditionID != "edt_1" || ada.OrganizationID != "org_1" {
		t.Errorf("first user: %+v", ada)
	}
	if second.PhoneNumber == nil || *second.PhoneNumber != "+45 20 11 22 33" || second.LastSeen == nil ||
		!second.LastSeen.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) || second.Metadata != nil || second.IsActive {
		t.Errorf("second user: %+v", second)
	}
	if users, err := ReadUsers(strings.NewReader(" [ ] \n")); err != nil || len(users) != 0 {
		t.Errorf("empty array: %v %v", users, err)
	}
}

// Every way a seed file can be wrong is refused with the line, the user and the field.
func TestReadUsersRefuses(t *testing.T) {
	for _, tt := range []struct {
		name, seed string
		line       int
		msg        string
	}{
		{"wrong type", `[
  {"id": "usr_1", "is_active": true},
  {"id": "usr_2",
   "first_name": "Bob",
   "is_active": "yes"}
]`, 5, `user 2 ("usr_2"): field "is_active": expected true or false, got "yes"`},
		{"unknown field", `[
  {"id": "usr_1",
   "nickname": "ada"}
]`, 3, `user 1 ("usr_1"): unknown field "nickname"; the fields are id, email, phone_number, first_name, last_name, is_verified, is_active, locale, msg_channel, date_joined, last_seen, metadata, edition_id, organization_id`},
		{"id named after the field at fault", `[{"email": 5, "id": "usr_1"}]`, 1, `user 1 ("usr_1"): field "email": expected a string, got 5`},
		{"number id", `[{"id": 7}]`, 1, `user 1: field "id": expected a string, got 7`},
		{"empty id", `[{"id": ""}]`, 1, `user 1 (""): field "id": must not be empty`},
		{"no id", "[\n {\"id\": \"usr_1\"},\n {\n  \"email\": \"a@example.com\"}]", 3, `user 2: no "id"; every user needs one`},
		{"duplicate id", "[\n {\"id\": \"usr_1\"},\n {\"id\": \"usr_2\"},\n {\"id\": \"usr_1\"}\n]", 4, `user 3 ("usr_1"): duplicate id: user 1 on line 2 has it already`},
		{"field given twice", "[{\"id\": \"usr_1\",\n \"email\": \"a@example.com\",\n \"email\": \"b@example.com\"}]", 3, `user 1 ("usr_1"): field "email" is given twice`},
		{"timestamp", "[{\"id\": \"usr_1\",\n\"date_joined\": \"yesterday\"}]", 2, `user 1 ("usr_1"): field "date_joined": expected an RFC 3339 timestamp such as "2024-08-25T15:00:00Z", got "yesterday"`},
		{"timestamp without zone", `[{"id": "usr_1", "last_seen": "2024-08-25 15:00:00"}]`, 1, `user 1 ("usr_1"): field "last_seen": expected an RFC 3339 timestamp such as "2024-08-25T15:00:00Z", or null, got "2024-08-25 15:00:00"`},
		{"nullable string", `[{"id": "usr_1", "phone_number": 4520112233}]`, 1, `user 1 ("usr_1"): field "phone_number": expected a string or null, got 4520112233`},
		{"metadata", `[{"id": "usr_1", "metadata": ["vip"]}]`, 1, `user 1 ("usr_1"): field "metadata": expected a JSON object or null, got ["vip"]`},
		{"long value shortened", `[{"id": "usr_1", "first_name": {"given": "Augusta Ada", "family": "King", "title": "Countess of Lovelace"}}]`, 1, `user 1 ("usr_1"): field "first_name": expected a string, got {"given":"Augusta Ada","family":"King...`},
		{"syntax", "[\n  {\"id\": \"usr_1\"},\n  {\"id\": \"usr_2\",}\n]", 3, `not valid JSON: invalid character '}' looking for beginning of object key string`},
		{"cut short", "[\n  {\"id\": \"usr_1\"},\n", 3, `not valid JSON: the file ends before the array is closed`},
		{"empty", "", 1, `the file is empty; a seed file holds a JSON array of users, e.g. [{"id": "usr_1"}]`},
		{"object instead of array", `{"id": "usr_1"}`, 1, `expected a JSON array of users, e.g. [{"id": "usr_1"}], got an object`},
		{"user not an object", "[\n \"usr_1\"]", 2, `user 1: expected an object, got "usr_1"`},
		{"user an array", "[\n [\"usr_1\"]]", 2, `user 1: expected an object, got an array`},
		{"data after the array", "[]\n[]", 2, `unexpected data after the JSON array of users`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			users, err := ReadUsers(strings.NewReader(tt.seed))
			var se *SeedError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, %v; want a SeedError", users, err)
			}
			if se.Line != tt.line || se.Msg != tt.msg {
				t.Errorf("got  line %d: %s\nwant line %d: %s", se.Line, se.Msg, tt.line, tt.msg)
			}
		})
	}
}
