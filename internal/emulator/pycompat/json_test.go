package pycompat

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// The expected messages below are what Python 3.11's json module, DRF 3.14 and Django 3.2
// produce for the same input. Both tables also seed FuzzParseJSON.

var parseErrors = []struct{ in, msg string }{
	{"", "Expecting value: line 1 column 1 (char 0)"},
	{" ", "Expecting value: line 1 column 2 (char 1)"},
	{"{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
	{`{"a"`, "Expecting ':' delimiter: line 1 column 5 (char 4)"},
	{`{"a":}`, "Expecting value: line 1 column 6 (char 5)"},
	{`{"a":1,}`, "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"},
	{"[1,]", "Expecting value: line 1 column 4 (char 3)"},
	{"{'a':1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
	{"NaN", "Out of range float values are not JSON compliant: 'NaN'"},
	{"[-Infinity]", "Out of range float values are not JSON compliant: '-Infinity'"},
	{`{"a":Infinity}`, "Out of range float values are not JSON compliant: 'Infinity'"},
	{`"\x"`, `Invalid \escape: line 1 column 2 (char 1)`},
	{`"\u12"`, `Invalid \uXXXX escape: line 1 column 3 (char 2)`},
	{`"\u12x4"`, `Invalid \uXXXX escape: line 1 column 3 (char 2)`},
	{`"\ud800\u12x4"`, `Invalid \uXXXX escape: line 1 column 9 (char 8)`},
	{`"abc`, "Unterminated string starting at: line 1 column 1 (char 0)"},
	{`"abc\`, "Unterminated string starting at: line 1 column 1 (char 0)"},
	{"\"a\x01\"", "Invalid control character at: line 1 column 3 (char 2)"},
	{"{} x", "Extra data: line 1 column 4 (char 3)"},
	{"[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"},
	{`{"a" 1}`, "Expecting ':' delimiter: line 1 column 6 (char 5)"},
	{`{"a":1 "b":2}`, "Expecting ',' delimiter: line 1 column 8 (char 7)"},
	{"{1:2}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
	{"01", "Extra data: line 1 column 2 (char 1)"},
	{"1.", "Extra data: line 1 column 2 (char 1)"},
	{"-", "Expecting value: line 1 column 1 (char 0)"},
	{"1e", "Extra data: line 1 column 2 (char 1)"},
	{"[1e+]", "Expecting ',' delimiter: line 1 column 3 (char 2)"},
	{"tru", "Expecting value: line 1 column 1 (char 0)"},
	{"\n\n  x", "Expecting value: line 3 column 3 (char 4)"},
	{"\ufeff{}", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"},
	{"\"é\\q\"", `Invalid \escape: line 1 column 3 (char 2)`},
	{"[" + strings.Repeat("1", 4301) + "]", "Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; use sys.set_int_max_str_digits() to increase the limit"},
	{"\xff", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
	{"ab\xc3(", "'utf-8' codec can't decode byte 0xc3 in position 2: invalid continuation byte"},
	{"\xe2\x82(", "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"},
	{"\xf0\x90(", "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"},
	{"\xf0(\x8c(", "'utf-8' codec can't decode byte 0xf0 in position 0: invalid continuation byte"},
	{"\xed\xa0\x80", "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"},
	{"\xc0\xaf", "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"},
	{"\xe0\x80\x80", "'utf-8' codec can't decode byte 0xe0 in position 0: invalid continuation byte"},
	{"\xf4\x90\x80\x80", "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte"},
	// The stream reader drops a sequence cut off by the end of the body.
	{`{"a":"x` + "\xe2\x82", "Unterminated string starting at: line 1 column 6 (char 5)"},
}

func TestParseJSONErrors(t *testing.T) {
	for _, tt := range parseErrors {
		_, err := ParseJSON([]byte(tt.in))
		var perr *jsonError
		if !errors.As(err, &perr) || perr.msg != tt.msg {
			t.Errorf("%q: got %v, want %s", tt.in, err, tt.msg)
		}
	}
	if _, err := ParseJSON([]byte(strings.Repeat("[", maxDepth+1))); !errors.Is(err, ErrRecursion) {
		t.Errorf("deep nesting: %v", err)
	}
}

// parsedValues holds documents and what they decode to; a nil want is only checked for being
// accepted.
var parsedValues = []struct {
	in   string
	want any
}{
	{`{"a":[1,-0,1.5,1e2,true,false,null,"x"],"b":{}}`, Dict{"a": List{Int("1"), Int("0"), 1.5, 100.0, true, false, nil, Str("x")}, "b": Dict{}}},
	{`{"k":1,"k":2}`, Dict{"k": Int("2")}},
	{`"\ud83d\ude00\u00e9\/\b"`, Str("😀é/\b")},
	{`"\udc00x\ud800"`, Str{0xdc00, 'x', 0xd800}},
	{`"\ud800\u0041"`, Str{0xd800, 'A'}},
	{" \t\n\r\"\" ", Str{}},
	{"{}\xe2\x82", Dict{}},
	{`[1E400,-1e400,2.5e-400]`, List{math.Inf(1), math.Inf(-1), 0.0}},
	{`{"email":"a@b.co","first_name":null}`, Dict{"email": Str("a@b.co"), "first_name": nil}},
	{" \t\n\r1 ", Int("1")},
	{"1e999", math.Inf(1)},
	{strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth), nil},
}

func TestParseJSONValues(t *testing.T) {
	for _, tt := range parsedValues {
		got, err := ParseJSON([]byte(tt.in))
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if tt.want != nil && !equalJSONValues(got, tt.want) {
			t.Errorf("%q: got %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func equalJSONValues(a, b any) bool {
	switch x := a.(type) {
	case Str:
		y, ok := b.(Str)
		return ok && slices.Equal(x, y)
	case List:
		y, ok := b.(List)
		return ok && slices.EqualFunc(x, y, equalJSONValues)
	case Dict:
		y, ok := b.(Dict)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !equalJSONValues(v, y[k]) {
				return false
			}
		}
		return true
	}
	return a == b
}
