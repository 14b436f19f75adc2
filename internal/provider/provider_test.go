package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

const readAda = `
data "preo_user" "ada" {
  id = "usr_ada"
}
`

func TestAccProvider_invalidSettings(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		provider string
		env      map[string]string
		want     *regexp.Regexp
	}{
		"missing token": {
			want: errorMatching(`Missing Preo API Token`, `PREO_API_TOKEN`),
		},
		"empty token": {
			provider: `api_token = ""`,
			want:     errorMatching(`Empty Preo API Token`, `api_token`),
		},
		"malformed URL": {
			provider: `api_token = "t"` + "\n" + `base_url = "::not a url"`,
			want:     errorMatching(`Invalid Preo Base URL`, `base_url = "::not a url"`),
		},
		"plain http to another host": {
			provider: `api_token = "t"` + "\n" + `base_url = "http://api.preo.dev"`,
			want:     errorMatching(`Invalid Preo Base URL`, `base_url = "http://api.preo.dev"`, `use https://`),
		},
		"unsupported scheme": {
			provider: `api_token = "t"` + "\n" + `base_url = "ftp://api.preo.dev"`,
			want:     errorMatching(`Invalid Preo Base URL`, `must start with https://`),
		},
		"bad duration": {
			provider: `api_token = "t"` + "\n" + `request_timeout = "soon"`,
			want:     errorMatching(`Invalid Request Timeout`, `request_timeout = "soon"`, `is not a positive Go duration`),
		},
		"zero duration": {
			provider: `api_token = "t"` + "\n" + `request_timeout = "0s"`,
			want:     errorMatching(`Invalid Request Timeout`, `positive Go duration`),
		},
		"negative retries": {
			provider: `api_token = "t"` + "\n" + `max_retries = -1`,
			want:     errorMatching(`max_retries = -1`, `at least 0`),
		},
		"zero concurrency": {
			provider: `api_token = "t"` + "\n" + `max_concurrent_requests = 0`,
			want:     errorMatching(`max_concurrent_requests = 0`, `at least 1`),
		},
		"bad duration from environment": {
			env:  map[string]string{client.EnvAPIToken: "t", client.EnvRequestTimeout: "forever"},
			want: errorMatching(`Invalid Request Timeout`, `PREO_REQUEST_TIMEOUT environment variable`),
		},
		"insecure URL from environment": {
			env:  map[string]string{client.EnvAPIToken: "t", client.EnvBaseURL: "http://example.com"},
			want: errorMatching(`Invalid Preo Base URL`, `PREO_BASE_URL environment variable`),
		},
		"bad retries from environment": {
			env:  map[string]string{client.EnvAPIToken: "t", client.EnvMaxRetries: "many"},
			want: errorMatching(`Invalid PREO_MAX_RETRIES Value`, `"many"`),
		},
		"negative concurrency from environment": {
			env:  map[string]string{client.EnvAPIToken: "t", client.EnvMaxConcurrentRequests: "-3"},
			want: errorMatching(`Invalid PREO_MAX_CONCURRENT_REQUESTS Value`, `at least 1`),
		},
		"unknown value": {
			provider: `api_token = terraform_data.token.output`,
			want:     errorMatching(`Unknown Preo Provider Setting`, `api_token`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startEmulator(t, emulator.Options{}, ada())
			// Unless the case is about the URL, point the provider at the
			// emulator, so that a request it wrongly sent would be counted.
			provider := tc.provider
			if !strings.Contains(provider, "base_url") && tc.env[client.EnvBaseURL] == "" {
				provider += fmt.Sprintf("\nbase_url = %q", srv.URL)
			}
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(tc.env),
				Steps: []resource.TestStep{{
					Config: `
resource "terraform_data" "token" {
  input = "late"
}
provider "preo" {
  ` + provider + `
}
` + readAda,
					ExpectError: tc.want,
				}},
			})
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("a misconfigured provider sent %d requests", n)
			}
		})
	}
}

func TestAccProvider_environment(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(map[string]string{
			client.EnvBaseURL:               srv.URL + "/",
			client.EnvAPIToken:              srv.Token,
			client.EnvRequestTimeout:        "5s",
			client.EnvMaxRetries:            "2",
			client.EnvMaxConcurrentRequests: "3",
		}),
		Steps: []resource.TestStep{{
			Config: `provider "preo" {}` + readAda,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.preo_user.ada", tfjsonpath.New("email"), knownvalue.StringExact("ada@example.com")),
			},
		}},
	})
}

func TestAccProvider_configurationBeatsEnvironment(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(map[string]string{
			client.EnvBaseURL:    "http://example.com",
			client.EnvAPIToken:   "wrong-token",
			client.EnvMaxRetries: "lots",
		}),
		Steps: []resource.TestStep{{
			Config: withProvider(srv, readAda),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.preo_user.ada", tfjsonpath.New("id"), knownvalue.StringExact("usr_ada")),
			},
		}},
	})
	requests := srv.Requests()
	if len(requests) == 0 {
		t.Fatal("no request reached the emulator")
	}
	userAgent := regexp.MustCompile(`^terraform-provider-preo/test \(\+https://registry\.terraform\.io/providers/preo/preo\) Terraform/\d+\.\d+\.\d+$`)
	for _, r := range requests {
		if got := r.Header.Get("Authorization"); got != "Bearer "+srv.Token {
			t.Errorf("request sent Authorization %q, want the configured token", got)
		}
		if got := r.Header.Get("User-Agent"); !userAgent.MatchString(got) {
			t.Errorf("request sent User-Agent %q, want %q", got, userAgent)
		}
	}
}

func TestAccProvider_rejectedToken(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config: `
provider "preo" {
  base_url  = "` + srv.URL + `"
  api_token = "not-the-token"
}
` + readAda,
			ExpectError: errorMatching("401 Unauthorized", "Invalid token.", "Check api_token or the PREO_API_TOKEN"),
		}},
	})
}

// The token must stay out of every log Terraform and the provider write at
// TRACE. It comes from the environment here, because the test harness logs
// the configuration it runs. Not parallel: it sets the process environment
// that the log setup reads.
func TestAccProvider_tokenNeverLogged(t *testing.T) {
	const token = "tok-9f8e7d6c-never-log-me"
	srv := startEmulator(t, emulator.Options{Token: token}, ada())
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(map[string]string{client.EnvAPIToken: token}),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "preo" {
  base_url = %q
}
`, srv.URL) + userConfig(`id = "usr_ada"`, `first_name = "Augusta"`),
			ConfigPlanChecks: emptyPlanAfterApply(),
		}},
	})
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sending request to Preo", `first_name\":\"Augusta`} {
		if !strings.Contains(string(logs), want) {
			t.Errorf("the TRACE log lacks %q, so it cannot show the token is absent", want)
		}
	}
	if strings.Contains(string(logs), token) {
		t.Error("the TRACE log contains the API token")
	}
}
