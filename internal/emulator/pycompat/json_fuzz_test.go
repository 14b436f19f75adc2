package pycompat

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseJSON checks the Python-compatible body parser against encoding/json: on valid UTF-8
// both accept the same documents, except where Python is stricter (NaN and Infinity, integers
// of more than 4300 digits, deep nesting), and never panic.
func FuzzParseJSON(f *testing.F) {
	for _, tt := range parseErrors {
		f.Add([]byte(tt.in))
	}
	for _, tt := range parsedValues {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := ParseJSON(body)
		if !utf8.Valid(body) || bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			return
		}
		goValid := json.Valid(body)
		if err == nil && !goValid {
			t.Fatalf("%q: accepted, encoding/json refuses it", body)
		}
		if err != nil && goValid {
			var perr *jsonError
			stricter := errors.Is(err, ErrRecursion) || errors.As(err, &perr) && strings.HasPrefix(perr.msg, "Exceeds the limit")
			if !stricter {
				t.Fatalf("%q: refused (%v), encoding/json accepts it", body, err)
			}
		}
		if err != nil {
			return
		}
		var want any
		if json.Unmarshal(body, &want) == nil && !sameJSON(v, want) {
			t.Fatalf("%q: decoded %#v, encoding/json has %#v", body, v, want)
		}
	})
}

// sameJSON compares a ParseJSON value with what encoding/json decodes.
func sameJSON(py, goValue any) bool {
	switch x := py.(type) {
	case Str:
		return string(x) == goValue
	case Int:
		var f float64
		return json.Unmarshal([]byte(x), &f) == nil && f == goValue
	case List:
		y, ok := goValue.([]any)
		return ok && slices.EqualFunc(x, y, sameJSON)
	case Dict:
		y, ok := goValue.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !sameJSON(v, y[k]) {
				return false
			}
		}
		return true
	}
	return py == goValue
}
