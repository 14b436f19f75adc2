package emulator

import (
	"encoding/json"
	"testing"
)

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
