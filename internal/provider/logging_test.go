package provider

import (
	"maps"
	"testing"
)

// The levels follow what Terraform and OpenTofu keep of a provider's
// output, and never override a variable the user set.
func TestLogLevelDefaults(t *testing.T) {
	allOff := map[string]string{
		"TF_LOG_PROVIDER_PREO": "OFF", "TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF",
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"nothing set: nothing is kept", nil, allOff},
		{"TF_LOG=TRACE keeps everything", map[string]string{"TF_LOG": "TRACE"}, nil},
		{"TF_LOG=JSON means TRACE", map[string]string{"TF_LOG": "json"}, nil},
		{"a level Terraform does not know means TRACE", map[string]string{"TF_LOG": "1"}, nil},
		{"TF_TEMP_LOG_PATH keeps everything", map[string]string{"TF_TEMP_LOG_PATH": "terraform.log"}, nil},
		{"TF_LOG=debug", map[string]string{"TF_LOG": "debug"}, map[string]string{
			"TF_LOG_PROVIDER_PREO": "DEBUG", "TF_LOG_SDK": "DEBUG", "TF_LOG_SDK_PROTO": "DEBUG", "TF_LOG_SDK_FRAMEWORK": "DEBUG",
		}},
		{"TF_LOG_PROVIDER wins over TF_LOG", map[string]string{"TF_LOG": "TRACE", "TF_LOG_PROVIDER": "WARN"}, map[string]string{
			"TF_LOG_PROVIDER_PREO": "WARN", "TF_LOG_SDK": "WARN", "TF_LOG_SDK_PROTO": "WARN", "TF_LOG_SDK_FRAMEWORK": "WARN",
		}},
		{"TF_LOG_PROVIDER=TRACE keeps everything", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, nil},
		{"core logs alone keep nothing of the provider", map[string]string{"TF_LOG_CORE": "TRACE", "TF_LOG_PATH": "terraform.log"}, allOff},
		{"a variable the user set stays", map[string]string{"TF_LOG_SDK_PROTO": "TRACE", "TF_LOG_PROVIDER_PREO": "DEBUG"}, map[string]string{
			"TF_LOG_SDK": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF",
		}},
		{"subsystems follow a TF_LOG_SDK the user set", map[string]string{"TF_LOG_SDK": "TRACE"}, map[string]string{
			"TF_LOG_PROVIDER_PREO": "OFF",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := LogLevelDefaults(func(name string) string { return tc.env[name] })
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
