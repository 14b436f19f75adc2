package emulator

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/preo/terraform-provider-preo/internal/emulator/pycompat"
)

// Responses are written the way DRF's JSONRenderer writes them: compact separators, non-ASCII
// text as is (ensure_ascii=False), control characters escaped as Python does, and U+2028/U+2029
// escaped because DRF adds that on top of json.dumps.

const hexDigits = "0123456789abcdef"

func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b = append(b, `\"`...)
			case c == '\\':
				b = append(b, `\\`...)
			case c == '\n':
				b = append(b, `\n`...)
			case c == '\r':
				b = append(b, `\r`...)
			case c == '\t':
				b = append(b, `\t`...)
			case c == '\b':
				b = append(b, `\b`...)
			case c == '\f':
				b = append(b, `\f`...)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = utf8.AppendRune(b, utf8.RuneError)
		case r == '\u2028':
			b = append(b, `\u2028`...)
		case r == '\u2029':
			b = append(b, `\u2029`...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

func appendNullableString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendTimestamp renders a DRF DateTimeField: ISO 8601 in UTC with "Z", and microseconds only
// when there are any.
func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	b = append(b, '"')
	b = t.AppendFormat(b, "2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		b = append(b, '.')
		b = append(b, strconv.Itoa(1000000 + us)[1:]...)
	}
	return append(b, 'Z', '"')
}

func appendBool(b []byte, v bool) []byte {
	return strconv.AppendBool(b, v)
}

// appendUser renders the API's representation of a user, fields in the serializer's order.
func appendUser(b []byte, u *User) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, u.ID)
	b = append(b, `,"email":`...)
	b = appendString(b, u.Email)
	b = append(b, `,"phone_number":`...)
	b = appendNullableString(b, u.PhoneNumber)
	b = append(b, `,"first_name":`...)
	b = appendString(b, u.FirstName)
	b = append(b, `,"last_name":`...)
	b = appendString(b, u.LastName)
	b = append(b, `,"is_verified":`...)
	b = appendBool(b, u.IsVerified)
	b = append(b, `,"is_active":`...)
	b = appendBool(b, u.IsActive)
	b = append(b, `,"locale":`...)
	b = appendString(b, u.Locale)
	b = append(b, `,"msg_channel":`...)
	b = appendNullableString(b, u.MsgChannel)
	b = append(b, `,"date_joined":`...)
	b = appendTimestamp(b, u.DateJoined)
	b = append(b, `,"last_seen":`...)
	if u.LastSeen == nil {
		b = append(b, "null"...)
	} else {
		b = appendTimestamp(b, *u.LastSeen)
	}
	b = append(b, `,"metadata":`...)
	if u.Metadata == nil {
		b = append(b, "{}"...)
	} else {
		b = appendValue(b, u.Metadata)
	}
	return append(b, '}')
}

// appendValue renders free-form JSON (metadata) as the API returns it after a round trip
// through a PostgreSQL jsonb column: object keys shortest first, then bytewise, and numbers
// without a fractional part written as integers.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return appendBool(b, x)
	case string:
		return appendString(b, x)
	case json.Number:
		return append(b, x...)
	case float64:
		return appendFloat(b, x)
	case float32:
		return appendFloat(b, float64(x))
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			if len(a) != len(b) {
				return len(a) - len(b)
			}
			return strings.Compare(a, b)
		})
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendValue(b, x[k])
		}
		return append(b, '}')
	}
	// Anything else a Go caller seeded (structs, typed maps) is taken for what encoding/json
	// makes of it.
	raw, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	var generic any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&generic) != nil {
		return append(b, "null"...)
	}
	return appendValue(b, generic)
}

func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 0) || math.IsNaN(f):
		return append(b, "null"...)
	case f == math.Trunc(f):
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	return append(b, pycompat.FloatRepr(f)...)
}

// appendDetail renders DRF's {"detail": "..."} error body.
func appendDetail(b []byte, msg string) []byte {
	b = append(b, `{"detail":`...)
	b = appendString(b, msg)
	return append(b, '}')
}

// fieldErrors is a DRF ValidationError body, kept in the serializer's field order.
type fieldErrors struct {
	fields []string
	msgs   map[string][]string
}

func (e *fieldErrors) add(field string, msgs ...string) {
	if e.msgs == nil {
		e.msgs = map[string][]string{}
	}
	if _, ok := e.msgs[field]; !ok {
		e.fields = append(e.fields, field)
	}
	e.msgs[field] = append(e.msgs[field], msgs...)
}

func (e *fieldErrors) empty() bool { return len(e.fields) == 0 }

func (e *fieldErrors) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, f := range e.fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f)
		b = append(b, ":["...)
		for j, m := range e.msgs[f] {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}
