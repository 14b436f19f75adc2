package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// SeedError is a seed file that cannot be used: where it goes wrong and how. A command prefixes
// the file name, so that editors and terminals can jump to the place: seed.json:4: user 2 ...
type SeedError struct {
	Line int    // 1-based line of the value at fault
	Msg  string // e.g. `user 2 ("usr_2"): field "is_active": expected true or false, got "yes"`
}

func (e *SeedError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ReadUsers decodes a seed file: a JSON array of users with the API's fields plus edition_id
// and organization_id. Fields left out take their zero value. Anything else is refused with a
// *SeedError that names the line, the user and the field: unknown fields (a typo must not pass
// unnoticed), values of the wrong type, a field given twice, a missing or repeated id, and JSON
// that does not parse.
func ReadUsers(r io.Reader) ([]User, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading users: %w", err)
	}
	p := &seedParser{data: data, d: json.NewDecoder(bytes.NewReader(data))}
	return p.users()
}

type seedParser struct {
	data []byte
	d    *json.Decoder
}

// seedValue is one field of one user as the file has it.
type seedValue struct {
	name string
	raw  json.RawMessage
	line int
}

// seedFields are the fields a seed file may give, in the order the error for an unknown field
// lists them, each with what it expects and how it sets a user.
var seedFields = []struct {
	name, expected string
	set            func(u *User, raw json.RawMessage) bool
}{
	{"id", "a string", func(u *User, raw json.RawMessage) bool { return decodeString(raw, &u.ID) }},
	{"email", "a string", func(u *User, raw json.RawMessage) bool { return decodeString(raw, &u.Email) }},
	{"phone_number", "a string or null", func(u *User, raw json.RawMessage) bool { return decodeNullable(raw, &u.PhoneNumber, decodeString) }},
	{"first_name", "a string", func(u *User, raw json.RawMessage) bool { return decodeString(raw, &u.FirstName) }},
	{"last_name", "a string", func(u *User, raw json.RawMessage) bool { return decodeString(raw, &u.LastName) }},
	{"is_verified", "true or false", func(u *User, raw json.RawMessage) bool { return decodeBool(raw, &u.IsVerified) }},
	{"is_active", "true or false", func(u *User, raw json.RawMessage) bool { return decodeBool(raw, &u.IsActive) }},
	{"locale", "a string", func(u *User, raw json.RawMessage) bool { return decodeString(raw, &u.Locale) }},
	{"msg_channel", "a string or null", func(u *User, raw json.RawMessage) bool { return decodeNullable(raw, &u.MsgChannel, decodeString) }},
	{"date_joined", `an RFC 3339 timestamp such as "2024-08-25T15:00:00Z"`, func(u *User, raw json.RawMessage) bool { return decodeTime(raw, &u.DateJoined) }},
	{"last_seen", `an RFC 3339 timestamp such as "2024-08-25T15:00:00Z", or null`, func(u *User, raw json.RawMessage) bool { return decodeNullable(raw, &u.LastSeen, decodeTime) }},
	{"metadata", "a JSON object or null", decodeMetadata},
	{"edition_id", "a string", func(u *User, raw json.RawMessage) bool { return decodeString(raw, &u.EditionID) }},
	{"organization_id", "a string", func(u *User, raw json.RawMessage) bool { return decodeString(raw, &u.OrganizationID) }},
}

func decodeString(raw json.RawMessage, s *string) bool {
	return raw[0] == '"' && json.Unmarshal(raw, s) == nil
}

func decodeBool(raw json.RawMessage, b *bool) bool {
	return (raw[0] == 't' || raw[0] == 'f') && json.Unmarshal(raw, b) == nil
}

func decodeTime(raw json.RawMessage, t *time.Time) bool {
	return raw[0] == '"' && json.Unmarshal(raw, t) == nil
}

func decodeNullable[T any](raw json.RawMessage, p **T, decode func(json.RawMessage, *T) bool) bool {
	if string(raw) == "null" {
		*p = nil
		return true
	}
	var v T
	if !decode(raw, &v) {
		return false
	}
	*p = &v
	return true
}

func decodeMetadata(u *User, raw json.RawMessage) bool {
	if raw[0] != '{' && string(raw) != "null" {
		return false
	}
	u.Metadata = nil
	return json.Unmarshal(raw, &u.Metadata) == nil
}

// lineAt returns the 1-based line of the byte at offset.
func (p *seedParser) lineAt(offset int64) int {
	return 1 + bytes.Count(p.data[:min(offset, int64(len(p.data)))], []byte{'\n'})
}

// fail returns a SeedError at offset.
func (p *seedParser) fail(offset int64, format string, args ...any) error {
	return &SeedError{Line: p.lineAt(offset), Msg: fmt.Sprintf(format, args...)}
}

// syntax turns an error of the JSON decoder into a SeedError on the line it happened.
func (p *seedParser) syntax(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return p.fail(se.Offset, "not valid JSON: %v", err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return p.fail(int64(len(p.data)), "not valid JSON: the file ends before the array is closed")
	}
	return p.fail(p.d.InputOffset(), "not valid JSON: %v", err)
}

func (p *seedParser) users() ([]User, error) {
	tok, err := p.d.Token()
	if errors.Is(err, io.EOF) {
		return nil, p.fail(0, "the file is empty; a seed file holds a JSON array of users, e.g. [{\"id\": \"usr_1\"}]")
	}
	if err != nil {
		return nil, p.syntax(err)
	}
	if tok != json.Delim('[') {
		return nil, p.fail(p.d.InputOffset(), "expected a JSON array of users, e.g. [{\"id\": \"usr_1\"}], got %s", describeToken(tok))
	}
	var users []User
	idLines := map[string]int{}
	for p.d.More() {
		u, idLine, err := p.user(len(users) + 1)
		if err != nil {
			return nil, err
		}
		if first, ok := idLines[u.ID]; ok {
			return nil, &SeedError{Line: idLine, Msg: fmt.Sprintf("user %d (%q): duplicate id: user %d on line %d has it already", len(users)+1, u.ID, indexOf(users, u.ID)+1, first)}
		}
		idLines[u.ID] = idLine
		users = append(users, u)
	}
	if _, err := p.d.Token(); err != nil {
		return nil, p.syntax(err)
	}
	if _, err := p.d.Token(); !errors.Is(err, io.EOF) {
		return nil, p.fail(p.d.InputOffset(), "unexpected data after the JSON array of users")
	}
	return users, nil
}

func indexOf(users []User, id string) int {
	for i, u := range users {
		if u.ID == id {
			return i
		}
	}
	return -1
}

// user reads the n-th user of the array, and returns the line of its id.
func (p *seedParser) user(n int) (User, int, error) {
	tok, err := p.d.Token()
	if err != nil {
		return User{}, 0, p.syntax(err)
	}
	if tok != json.Delim('{') {
		if d, ok := tok.(json.Delim); ok && d == '[' {
			return User{}, 0, p.fail(p.d.InputOffset(), "user %d: expected an object, got an array", n)
		}
		return User{}, 0, p.fail(p.d.InputOffset(), "user %d: expected an object, got %s", n, describeToken(tok))
	}
	start := p.d.InputOffset()
	var values []seedValue
	for p.d.More() {
		key, err := p.d.Token()
		if err != nil {
			return User{}, 0, p.syntax(err)
		}
		var raw json.RawMessage
		if err := p.d.Decode(&raw); err != nil {
			return User{}, 0, p.syntax(err)
		}
		values = append(values, seedValue{name: key.(string), raw: raw, line: p.lineAt(p.d.InputOffset() - int64(len(raw)))})
	}
	if _, err := p.d.Token(); err != nil {
		return User{}, 0, p.syntax(err)
	}

	who := fmt.Sprintf("user %d", n)
	for _, v := range values {
		var id string
		if v.name == "id" && decodeString(v.raw, &id) {
			who = fmt.Sprintf("user %d (%q)", n, id)
		}
	}
	var u User
	idLine := 0
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v.name] {
			return User{}, 0, &SeedError{Line: v.line, Msg: fmt.Sprintf("%s: field %q is given twice", who, v.name)}
		}
		seen[v.name] = true
		i := seedFieldIndex(v.name)
		if i < 0 {
			return User{}, 0, &SeedError{Line: v.line, Msg: fmt.Sprintf("%s: unknown field %q; the fields are %s", who, v.name, seedFieldNames())}
		}
		f := seedFields[i]
		if !f.set(&u, v.raw) {
			return User{}, 0, &SeedError{Line: v.line, Msg: fmt.Sprintf("%s: field %q: expected %s, got %s", who, v.name, f.expected, shorten(v.raw))}
		}
		if v.name == "id" {
			idLine = v.line
		}
	}
	switch {
	case idLine == 0:
		return User{}, 0, p.fail(start, "%s: no \"id\"; every user needs one", who)
	case u.ID == "":
		return User{}, 0, &SeedError{Line: idLine, Msg: fmt.Sprintf("%s: field \"id\": must not be empty", who)}
	}
	return u, idLine, nil
}

func seedFieldIndex(name string) int {
	for i, f := range seedFields {
		if f.name == name {
			return i
		}
	}
	return -1
}

func seedFieldNames() string {
	names := make([]string, len(seedFields))
	for i, f := range seedFields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// describeToken names what the decoder found where an array or object was due.
func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case nil:
		return "null"
	case string:
		return shorten(json.RawMessage(fmt.Sprintf("%q", t)))
	}
	return fmt.Sprint(tok)
}

// shorten renders a JSON value for an error message: on one line, at most about 40 characters.
func shorten(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		b.Reset()
		b.Write(raw)
	}
	s := b.String()
	if r := []rune(s); len(r) > 40 {
		s = string(r[:37]) + "..."
	}
	return s
}
