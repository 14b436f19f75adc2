package provider

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// Each class of hostile answer, once through the CLI: the client's tests go
// through every case of it.

const adaData = "data.preo_user.ada"

// adaAnswer is usr_ada as the emulator answers, with fields replaced or, for
// an empty value, left out.
func adaAnswer(replaced map[string]string) string {
	fields := []string{"id", "email", "phone_number", "first_name", "last_name", "is_verified", "is_active", "locale",
		"msg_channel", "date_joined", "last_seen", "metadata"}
	values := map[string]string{
		"id": `"usr_ada"`, "email": `"ada@example.com"`, "phone_number": `"+4512345678"`, "first_name": `"Ada"`,
		"last_name": `"Lovelace"`, "is_verified": "true", "is_active": "true", "locale": `"en"`, "msg_channel": `"email"`,
		"date_joined": `"2024-08-25T15:00:00Z"`, "last_seen": `"2026-11-20T09:30:00.25Z"`, "metadata": `{"tier": "gold"}`,
	}
	var parts []string
	for _, name := range fields {
		value := values[name]
		if v, ok := replaced[name]; ok {
			value = v
		}
		if value != "" {
			parts = append(parts, `"`+name+`": `+value)
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// A Retry-After far beyond the cap, as a date, on 429 and on 503: the run
// ends at once without a retry left, and the error says what Preo asked and
// what the provider does.
func TestAccHostile_retryAfterBeyondTheCap(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.Fail("GET", "/v1/user/usr_ada", http.StatusTooManyRequests, "", "Thu, 01 Jan 2099 00:00:00 GMT", 1)
				},
				Config: withProvider(srv, readAda),
				ExpectError: errorMatching(`Unable to Read Preo User`, `returned 429 Too Many Requests`,
					`Retry-After "Thu, 01 Jan 2099 00:00:00 GMT" asked for a wait of about`, `years; the provider waits at most 1m0s`,
					`Run again after the time Preo named`),
			},
			{
				PreConfig: func() {
					srv.Fail("GET", "/v1/user/usr_ada", http.StatusServiceUnavailable, "", "Thursday, 01-Jan-60 00:00:00 GMT", 1)
				},
				Config: withProvider(srv, readAda),
				ExpectError: errorMatching(`Unable to Read Preo User`, `returned 503 Service Unavailable`,
					`Retry-After "Thursday, 01-Jan-60 00:00:00 GMT" asked for a wait of about`, `years; the provider waits at most 1m0s`),
			},
		},
	})
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want one for each step: without retries nothing is sent again", n)
	}
}

// A user answer without a field the API reference requires fails, naming
// the field, in a read and in a listing; an optional field left out is null
// in state.
func TestAccHostile_missingFields(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.Fail("GET", "/v1/user/usr_ada", http.StatusOK, adaAnswer(map[string]string{"date_joined": ""}), "", 1)
				},
				Config: withProvider(srv, readAda),
				ExpectError: errorMatching(`Unable to Read Preo User`,
					`leaves out date_joined, which the API reference marks required`, `Nothing from this answer was used`),
			},
			{
				PreConfig: func() {
					page := `{"count": 1, "next": null, "previous": null, "results": [` + adaAnswer(map[string]string{"email": ""}) + `]}`
					srv.Fail("GET", "/v1/user", http.StatusOK, page, "", 1)
				},
				Config: withProvider(srv, usersConfig()),
				ExpectError: errorMatching(`Unable to List Preo Users`, `list users: page 1`,
					`its user 1 ("usr_ada") leaves out email, which the API reference marks required`),
			},
			{
				PreConfig: func() {
					srv.Fail("GET", "/v1/user/usr_ada", http.StatusOK, adaAnswer(map[string]string{"is_active": "", "is_verified": "", "first_name": "", "phone_number": ""}), "", 1)
				},
				Config: withProvider(srv, readAda),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(adaData, tfjsonpath.New("is_active"), knownvalue.Null()),
					statecheck.ExpectKnownValue(adaData, tfjsonpath.New("is_verified"), knownvalue.Null()),
					statecheck.ExpectKnownValue(adaData, tfjsonpath.New("first_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(adaData, tfjsonpath.New("phone_number"), knownvalue.Null()),
					statecheck.ExpectKnownValue(adaData, tfjsonpath.New("last_name"), knownvalue.StringExact("Lovelace")),
					statecheck.ExpectKnownValue(adaData, tfjsonpath.New("date_joined"), knownvalue.StringExact("2024-08-25T15:00:00Z")),
				},
			},
		},
	})
}

// A body that is not gzip although its Content-Encoding says so is a bad
// answer from Preo, said so, and not retried as if Preo were unreachable.
func TestAccHostile_contentEncodingMismatch(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	var bad atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/user/usr_ada" {
			bad.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = io.WriteString(w, adaAnswer(nil))
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config: `
provider "preo" {
  base_url    = "` + front.URL + `"
  api_token   = "` + srv.Token + `"
  max_retries = 3
}
` + readAda,
			ExpectError: errorMatching(`Unable to Read Preo User`, `declares Content-Encoding gzip but its body is not gzip`,
				`Nothing from this answer was used`),
		}},
	})
	if n := bad.Load(); n != 1 {
		t.Errorf("the answer was asked for %d times; a bad answer is not retried", n)
	}
}

// DRF field errors on a 409 land on the attribute, with Preo's message.
func TestAccHostile_fieldErrorOnConflict(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	afterAdoptingAda(t, srv, resource.TestStep{
		PreConfig: func() {
			srv.Fail("PATCH", "/v1/user/usr_ada", http.StatusConflict, `{"email": ["user with this email already exists."]}`, "", 1)
		},
		Config: withProvider(srv, userConfig(`id = "usr_ada"`, `email = "grace@example.com"`)),
		ExpectError: errorMatching(`Unable to Update Preo User`, `email = "grace@example.com"`,
			`Preo rejected email (409 Conflict): user with this email already exists.`, `Choose another email`),
	})
}

// A 50 MiB HTML error page is quoted as a few lines of its text.
func TestAccHostile_hugeErrorPage(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	page := "<!DOCTYPE html><html><head><style>p { margin: 0 }</style><script>boot()</script></head><body>\n<h1>Internal Server Error</h1>\n" +
		strings.Repeat("<p>stack frame &lt;at&gt; line</p>\n", 50<<20/36)
	// The excerpt's 300 characters end 15 characters into the 13th frame.
	excerpt := "Internal Server Error" + strings.Repeat(" stack frame <at> line", 12) + " stack frame <a..."
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			PreConfig:   func() { srv.Fail("GET", "/v1/user/usr_ada", http.StatusInternalServerError, page, "", 1) },
			Config:      withProvider(srv, readAda),
			ExpectError: errorMatching(`returned 500 Internal Server Error: `+excerpt, `Preo had a server error`),
		}},
	})
}

// A PATCH answer that leaves out a field that was sent is an error on that
// attribute, not a change taken as made.
func TestAccHostile_patchAnswerLeavingOutASentField(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	afterAdoptingAda(t, srv, resource.TestStep{
		PreConfig: func() {
			srv.Fail("PATCH", "/v1/user/usr_ada", http.StatusOK, adaAnswer(map[string]string{"first_name": ""}), "", 1)
		},
		Config: withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`)),
		ExpectError: errorMatching(`Unable to Update Preo User`, `first_name = "Augusta"`,
			`Preo accepted the change to first_name, but its answer leaves first_name out`),
	})
}
