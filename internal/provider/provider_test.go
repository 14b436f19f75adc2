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
			want:     errorMatching(`Invalid Whole Number`, `max_retries = -1`, `max_retries is -1, which is not a whole number from 0 to 20`),
		},
		"too many retries": {
			provider: `api_token = "t"` + "\n" + `max_retries = 21`,
			want:     errorMatching(`max_retries = 21`, `not a whole number from 0 to 20`),
		},
		"zero concurrency": {
			provider: `api_token = "t"` + "\n" + `max_concurrent_requests = 0`,
			want:     errorMatching(`max_concurrent_requests = 0`, `not a whole number from 1 to 64`),
		},
		"fractional concurrency": {
			provider: `api_token = "t"` + "\n" + `max_concurrent_requests = 1.5`,
			want:     errorMatching(`Invalid Whole Number`, `max_concurrent_requests = 1.5`, `max_concurrent_requests is 1.5, which is not a whole number from 1 to 64`),
		},
		"huge concurrency": {
			provider: `api_token = "t"` + "\n" + `max_concurrent_requests = 9223372036854775807`,
			want:     errorMatching(`max_concurrent_requests = 9223372036854775807`, `not a whole number from 1 to 64`),
		},
		"long timeout": {
			provider: `api_token = "t"` + "\n" + `request_timeout = "11m"`,
			want:     errorMatching(`Invalid Request Timeout`, `request_timeout = "11m"`, `of at most 10m`),
		},
		"URL with the API path": {
			provider: `api_token = "t"` + "\n" + `base_url = "https://api.preo.dev/v1/"`,
			want:     errorMatching(`Invalid Preo Base URL`, `"https://api.preo.dev/v1/" ends in the API path /v1`, `Preo API root`),
		},
		"URL with credentials": {
			env:  map[string]string{envAPIToken: "t", envBaseURL: "https://ada:hunter2@api.preo.dev"},
			want: errorMatching(`Invalid Preo Base URL`, `"https://xxxxx@api.preo.dev" must not contain credentials`),
		},
		"token with a control character": {
			provider: `api_token = "to\tken"`,
			want:     errorMatching(`Invalid Preo API Token`, `contains a control character`, `It is not shown here`),
		},
		"token of whitespace": {
			env:  map[string]string{envAPIToken: " \n"},
			want: errorMatching(`Empty Preo API Token`, `PREO_API_TOKEN environment variable`),
		},
		"zero request rate": {
			provider: `api_token = "t"` + "\n" + `max_requests_per_second = 0`,
			want:     errorMatching(`Invalid Number`, `max_requests_per_second = 0`, `max_requests_per_second is 0, which is not a number between 0.01 and 1000`),
		},
		"request rate above the bound": {
			provider: `api_token = "t"` + "\n" + `max_requests_per_second = 5000`,
			want:     errorMatching(`max_requests_per_second = 5000`, `not a number between 0.01 and 1000`),
		},
		"request rate beyond any float": {
			provider: `api_token = "t"` + "\n" + `max_requests_per_second = 1e400`,
			want:     errorMatching(`max_requests_per_second = 1e400`, `not a number between 0.01 and 1000`),
		},
		"bad request rate from environment": {
			env:  map[string]string{envAPIToken: "t", envMaxRequestsPerSecond: "fast"},
			want: errorMatching(`Invalid PREO_MAX_REQUESTS_PER_SECOND Value`, `"fast"`, `between 0.01 and 1000`),
		},
		"negative request rate from environment": {
			env:  map[string]string{envAPIToken: "t", envMaxRequestsPerSecond: "-2"},
			want: errorMatching(`Invalid PREO_MAX_REQUESTS_PER_SECOND Value`, `"-2"`),
		},
		"bad duration from environment": {
			env:  map[string]string{envAPIToken: "t", envRequestTimeout: "forever"},
			want: errorMatching(`Invalid Request Timeout`, `PREO_REQUEST_TIMEOUT environment variable`),
		},
		"insecure URL from environment": {
			env:  map[string]string{envAPIToken: "t", envBaseURL: "http://example.com"},
			want: errorMatching(`Invalid Preo Base URL`, `PREO_BASE_URL environment variable`),
		},
		"bad retries from environment": {
			env:  map[string]string{envAPIToken: "t", envMaxRetries: "many"},
			want: errorMatching(`Invalid PREO_MAX_RETRIES Value`, `"many"`),
		},
		"negative concurrency from environment": {
			env:  map[string]string{envAPIToken: "t", envMaxConcurrentRequests: "-3"},
			want: errorMatching(`Invalid PREO_MAX_CONCURRENT_REQUESTS Value`, `from 1 to 64`),
		},
		"fractional concurrency from environment": {
			env:  map[string]string{envAPIToken: "t", envMaxConcurrentRequests: "2.5"},
			want: errorMatching(`Invalid PREO_MAX_CONCURRENT_REQUESTS Value`, `"2.5", which is not a whole number from 1 to 64`),
		},
		"too many retries from environment": {
			env:  map[string]string{envAPIToken: "t", envMaxRetries: "1000000"},
			want: errorMatching(`Invalid PREO_MAX_RETRIES Value`, `from 0 to 20`),
		},
		"unknown read strategy": {
			provider: `api_token = "t"` + "\n" + `read_strategy = "cache"`,
			want:     errorMatching(`read_strategy`, `value must be one of`, `"adaptive"`),
		},
		"unknown read strategy from environment": {
			env:  map[string]string{envAPIToken: "t", envReadStrategy: "sometimes"},
			want: errorMatching(`Invalid Read Strategy`, `"sometimes" from the PREO_READ_STRATEGY environment variable is not one of "adaptive", "list", "get"`),
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
			if !strings.Contains(provider, "base_url") && tc.env[envBaseURL] == "" {
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
			envBaseURL: srv.URL + "/",
			// As file() reads it: the newline is trimmed.
			envAPIToken:              srv.Token + "\n",
			envRequestTimeout:        "5s",
			envMaxRetries:            "2",
			envMaxConcurrentRequests: "3",
			envMaxRequestsPerSecond:  "2.5",
			envReadStrategy:          "list",
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
			envBaseURL:    "http://example.com",
			envAPIToken:   "wrong-token",
			envMaxRetries: "lots",
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
	providerBlock := fmt.Sprintf("provider \"preo\" {\n  base_url = %q\n}\n", srv.URL)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(map[string]string{envAPIToken: token}),
		Steps: []resource.TestStep{
			{
				Config:           providerBlock + userConfig(`id = "usr_ada"`, `first_name = "Augusta"`),
				ConfigPlanChecks: emptyPlanAfterApply(),
			},
			{
				// An error answer that echoes the token as a key, a nested
				// key and a value.
				PreConfig: func() {
					srv.Fail("PATCH", "/v1/user/", 400, `{"`+token+`": ["unknown field"], "metadata": {"`+token+`": ["`+token+`"]}}`, "", 1)
				},
				Config:      providerBlock + userConfig(`id = "usr_ada"`, `first_name = "Ada"`),
				ExpectError: errorMatching(`400 Bad Request`, `[redacted]: unknown field`),
			},
		},
	})
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sending request to Preo", `first_name\":\"Augusta`, "unknown field"} {
		if !strings.Contains(string(logs), want) {
			t.Errorf("the TRACE log lacks %q, so it cannot show the token is absent", want)
		}
	}
	if strings.Contains(string(logs), token) {
		t.Error("the TRACE log contains the API token")
	}
}
