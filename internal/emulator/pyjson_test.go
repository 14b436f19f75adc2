package emulator

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// The expected messages below are what Python 3.11's json module, DRF 3.14 and Django 3.2
// produce for the same input.

func TestParsePyJSONErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
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
	for _, tt := range tests {
		_, err := parsePyJSON([]byte(tt.in))
		var perr *pyJSONError
		if !errors.As(err, &perr) || perr.msg != tt.msg {
			t.Errorf("%q: got %v, want %s", tt.in, err, tt.msg)
		}
	}
	if _, err := parsePyJSON([]byte(strings.Repeat("[", pyMaxDepth+1))); !errors.Is(err, errPyRecursion) {
		t.Errorf("deep nesting: %v", err)
	}
}

func TestParsePyJSONValues(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{`{"a":[1,-0,1.5,1e2,true,false,null,"x"],"b":{}}`, pyDict{"a": pyList{pyInt("1"), pyInt("0"), 1.5, 100.0, true, false, nil, pyStr("x")}, "b": pyDict{}}},
		{`{"k":1,"k":2}`, pyDict{"k": pyInt("2")}},
		{`"\ud83d\ude00\u00e9\/\b"`, pyStr("😀é/\b")},
		{`"\udc00x\ud800"`, pyStr{0xdc00, 'x', 0xd800}},
		{`"\ud800\u0041"`, pyStr{0xd800, 'A'}},
		{" \t\n\r\"\" ", pyStr{}},
		{"{}\xe2\x82", pyDict{}},
		{`[1E400,-1e400,2.5e-400]`, pyList{math.Inf(1), math.Inf(-1), 0.0}},
		{strings.Repeat("[", pyMaxDepth) + strings.Repeat("]", pyMaxDepth), nil},
	}
	for _, tt := range tests {
		got, err := parsePyJSON([]byte(tt.in))
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
	case pyStr:
		y, ok := b.(pyStr)
		return ok && slices.Equal(x, y)
	case pyList:
		y, ok := b.(pyList)
		return ok && slices.EqualFunc(x, y, equalJSONValues)
	case pyDict:
		y, ok := b.(pyDict)
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

func TestPyFloatRepr(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{1e16, "1e+16"}, {1e15, "1000000000000000.0"}, {123456789012345678, "1.2345678901234568e+17"},
		{1e-5, "1e-05"}, {0.0001, "0.0001"}, {0.1, "0.1"}, {1.5e300, "1.5e+300"}, {math.Copysign(0, -1), "-0.0"},
		{0, "0.0"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {5e-324, "5e-324"}, {1.0 / 3, "0.3333333333333333"},
		{100, "100.0"}, {1e22, "1e+22"}, {12345.678, "12345.678"}, {-2.5, "-2.5"},
	}
	for _, tt := range tests {
		if got := pyFloatRepr(tt.f); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.f, got, tt.want)
		}
	}
}

func TestPyParseInt(t *testing.T) {
	valid := map[string]int64{
		"7": 7, "+2": 2, "-3": -3, " 2 ": 2, "\u00a02": 2, "\u30002": 2, "2\v": 2, "007": 7, "1_000": 1000,
		"٢": 2, "１２": 12, "𝟐": 2, "99999999999999999999": math.MaxInt64, "-99999999999999999999": math.MinInt64,
	}
	for in, want := range valid {
		if got, ok := pyParseInt(in); !ok || got != want {
			t.Errorf("%q: got %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", " ", "+", "-", "1.0", "1e3", "_1", "1_", "1__0", "+_1", "\x1c2", "2\x1c", "0x10", "- 1", "abc", strings.Repeat("1", 4301)} {
		if got, ok := pyParseInt(in); ok {
			t.Errorf("%q: accepted as %d", in, got)
		}
	}
}

func TestPyText(t *testing.T) {
	if got := string(pyStrip([]rune("\x1c\u2003 a b\u0085\t"))); got != "a b" {
		t.Errorf("pyStrip: %q", got)
	}
	if got := pyFields("a\x1cb\u00a0c,d"); !slices.Equal(got, []string{"a", "b", "c,d"}) {
		t.Errorf("pyFields: %q", got)
	}
	for in, want := range map[string]string{
		"\xe2\x82": "\ufffd", "\xff\xfe": "\ufffd\ufffd", "a\xe2\x82(": "a\ufffd(", "\xf0\x9f\x98": "\ufffd", "ok €": "ok €",
	} {
		if got := pyDecodeReplace(in); got != want {
			t.Errorf("pyDecodeReplace(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEmailValidator(t *testing.T) {
	valid := []string{
		"a@b.co", "user@example.com", "x@localhost", "x@[127.0.0.1]", "x@[::1]", "x@[1:2:3:4:5:6:7:8]", "x@[::ffff:1.2.3.4]",
		`"quoted"@example.com`, `"a@b"@example.com`, `"a\"b"@example.com`, `""@example.com`, "user@example.123", "user@example.-c",
		"user@exämple.com", "Kx@example.com", "ſx@example.com", "ıx@example.com", "İx@example.com", "x@eKample.com",
		"user@example.рф", "user@пример.рф", "user@" + strings.Repeat("a", 63) + ".com", "!#$%&'*+/=?^_`{|}~-@example.com",
		"user@xn--bcher-kva.example", "x@[0000:0000:0000:0000:0000:0000:0000:0001]", "x@[::1:2:3:4:5:6:7]", "user@a.b-c.de", "UPPER@EXAMPLE.COM",
	}
	invalid := []string{
		"", "bad", "a@b", "a@b.c", "x@LOCALHOST", "x@[127.0.0.01]", "x@[0:0:0:0:0:0:0:0:1]", "user@1.2.3.4", `"a"b"@example.com`,
		"a..b@example.com", ".a@example.com", "a.@example.com", "user@-example.com", "user@example-.com", "user@exam_ple.com",
		"user@example.c", "user@example.c-", "ünï@example.com", "user@example.com.", "sp aced@example.com", "a@b@example.com",
		"user@" + strings.Repeat("a", 64) + ".com", "user@a." + strings.Repeat("b", 64), strings.Repeat("a", 310) + "@example.com",
		"a\x00@example.com",
	}
	for _, e := range valid {
		if !validEmail([]rune(e)) {
			t.Errorf("%q rejected", e)
		}
	}
	for _, e := range invalid {
		if validEmail([]rune(e)) {
			t.Errorf("%q accepted", e)
		}
	}
}

func TestMetadataRendering(t *testing.T) {
	type custom struct {
		B int    `json:"b"`
		A string `json:"a"`
	}
	tests := []struct {
		v    any
		want string
	}{
		{map[string]any{"bb": 1.0, "a": 2.5, "ccc": nil, "b": "x"}, `{"a":2.5,"b":"x","bb":1,"ccc":null}`},
		{map[string]any{"n": 1e20, "small": 1e-7, "neg": -0.5}, `{"n":100000000000000000000,"neg":-0.5,"small":1e-07}`},
		{map[string]any{"l": []any{map[string]any{"zz": true, "y": false}}, "i": 3, "j": json.Number("1.50")}, `{"i":3,"j":1.50,"l":[{"y":false,"zz":true}]}`},
		{map[string]any{"s": custom{B: 1, A: "<&>"}}, `{"s":{"a":"<&>","b":1}}`},
		{map[string]any{"t": "tab\tnl\nq\"\u2029\x7f\x01é"}, `{"t":"tab\tnl\nq\"\u2029` + "\x7f" + `\u0001é"}`},
	}
	for _, tt := range tests {
		if got := string(appendValue(nil, tt.v)); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}
