package pycompat

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestFloatRepr(t *testing.T) {
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
		if got := FloatRepr(tt.f); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.f, got, tt.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	valid := map[string]int64{
		"7": 7, "+2": 2, "-3": -3, " 2 ": 2, "\u00a02": 2, "\u30002": 2, "2\v": 2, "007": 7, "1_000": 1000,
		"٢": 2, "１２": 12, "𝟐": 2, "99999999999999999999": math.MaxInt64, "-99999999999999999999": math.MinInt64,
	}
	for in, want := range valid {
		if got, ok := ParseInt(in); !ok || got != want {
			t.Errorf("%q: got %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", " ", "+", "-", "1.0", "1e3", "_1", "1_", "1__0", "+_1", "\x1c2", "2\x1c", "0x10", "- 1", "abc", strings.Repeat("1", 4301)} {
		if got, ok := ParseInt(in); ok {
			t.Errorf("%q: accepted as %d", in, got)
		}
	}
}

func TestText(t *testing.T) {
	if got := string(Strip([]rune("\x1c\u2003 a b\u0085\t"))); got != "a b" {
		t.Errorf("Strip: %q", got)
	}
	if got := Fields("a\x1cb\u00a0c,d"); !slices.Equal(got, []string{"a", "b", "c,d"}) {
		t.Errorf("Fields: %q", got)
	}
	if got := BytesFields("a\x1cb\u00a0c \v\fd"); !slices.Equal(got, []string{"a\x1cb\u00a0c", "d"}) {
		t.Errorf("BytesFields: %q", got)
	}
	for in, want := range map[string]string{
		"a+b": "a b", "%41%2b": "A+", "%zz%4": "%zz%4", "%e2%82%ac": "€", "%E2%82": "\ufffd", "%ff%fe": "\ufffd\ufffd", "plain": "plain",
	} {
		if got := UnquotePlus(in); got != want {
			t.Errorf("UnquotePlus(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"\xe2\x82": "\ufffd", "\xff\xfe": "\ufffd\ufffd", "a\xe2\x82(": "a\ufffd(", "\xf0\x9f\x98": "\ufffd", "ok €": "ok €",
	} {
		if got := DecodeReplace(in); got != want {
			t.Errorf("DecodeReplace(%q) = %q, want %q", in, got, want)
		}
	}
}
