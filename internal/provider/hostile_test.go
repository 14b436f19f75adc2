package provider

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// Answers that are not what Preo sends must end in a diagnostic, never in a
// wrong state or a wrong list. Each test injects one into the emulator and
// checks what Terraform then shows and keeps.

// eve is a user answer for another user than the one asked for.
const eve = `{"id": "usr_eve", "email": "eve@example.com", "phone_number": null, "first_name": "Eve", "last_name": "Hacker",
  "is_verified": true, "is_active": true, "locale": "en", "msg_channel": null, "date_joined": "2024-01-01T00:00:00Z",
  "last_seen": null, "metadata": {}}`

// A refresh on an answer that cannot be trusted (a 404 that does not prove
// the user is gone, or an answer about another user) fails and keeps the
// state as it was, so the next plan neither adopts the user again nor
// rewrites it.
func TestAccUserResource_refreshKeepsStateOnUntrustedAnswers(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		fail func(*emulator.TestServer)
		want []string
	}{
		"a proxy's HTML 404": {
			fail: func(srv *emulator.TestServer) {
				srv.Fail("GET", "/v1/user/usr_ada", 404, "<html><body>Not Found</body></html>", "", 1)
			},
			want: []string{`404 Not Found`, `the answer is not Preo's JSON`, `Terraform keeps the user in state`},
		},
		"a JSON 404 from an API whose listing does not answer": {
			fail: func(srv *emulator.TestServer) { srv.Fail("GET", "/v1/user", 404, "", "", 2) },
			want: []string{`404 Not Found`, `the user listing did not answer either`, `Terraform keeps the user in state`},
		},
		"an answer about another user": {
			fail: func(srv *emulator.TestServer) { srv.Fail("GET", "/v1/user/usr_ada", 200, eve, "", 1) },
			want: []string{`it is the user "usr_eve", not the one asked for`, `Nothing from this answer was used`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startEmulator(t, emulator.Options{}, ada())
			config := withProvider(srv, userConfig(`id = "usr_ada"`))
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: noEnv,
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig:    func() { tc.fail(srv) },
						RefreshState: true,
						ExpectError:  errorMatching(append([]string{`Unable to Read Preo User`}, tc.want...)...),
					},
					{
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(adaAddress, attrPath("id"), knownvalue.StringExact("usr_ada")),
							statecheck.ExpectKnownValue(adaAddress, attrPath("email"), knownvalue.StringExact("ada@example.com")),
						},
					},
				},
			})
		})
	}
}

// An update, or a data source, answered about another user fails instead of
// storing or showing that user.
func TestAccUserResource_answerAboutAnotherUser(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan())
	afterAdoptingAda(t, srv,
		resource.TestStep{
			PreConfig: func() { srv.Fail("PATCH", "/v1/user/usr_ada", 200, eve, "", 1) },
			Config:    withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`)),
			ExpectError: errorMatching(`Unable to Update Preo User`, `update user "usr_ada"`,
				`it is the user "usr_eve", not the one asked for`),
		},
		resource.TestStep{
			PreConfig: func() { srv.Fail("GET", "/v1/user/usr_alan", 200, eve, "", 1) },
			Config:    withProvider(srv, userConfig(`id = "usr_ada"`)+`data "preo_user" "one" { id = "usr_alan" }`),
			ExpectError: errorMatching(`Unable to Read Preo User`, `with data.preo_user.one`,
				`it is the user "usr_eve", not the one asked for`),
		},
	)
}

// A PATCH that Preo answers with other values than were sent is an error on
// the attribute that says what was sent and what Preo stored, instead of
// Terraform's "inconsistent result" that blames the provider.
func TestAccUserResource_patchAnswerWithOtherValues(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	stored := `{"id": "usr_ada", "email": "ada@example.com", "phone_number": null, "first_name": "Augustus", "last_name": "Lovelace",
  "is_verified": true, "is_active": true, "locale": "en", "msg_channel": "email", "date_joined": "2024-08-25T15:00:00Z",
  "last_seen": null, "metadata": {}}`
	afterAdoptingAda(t, srv,
		resource.TestStep{
			PreConfig: func() { srv.Fail("PATCH", "/v1/user/usr_ada", 200, stored, "", 1) },
			Config:    withProvider(srv, userConfig(`id = "usr_ada"`, `first_name = "Augusta"`, `phone_number = "+4511111111"`)),
			ExpectError: errorMatching(`Unable to Update Preo User`, `first_name = "Augusta"`,
				`Preo accepted the change to first_name but answered that it stored "Augustus", not "Augusta" as sent`,
				`Unable to Update Preo User`, `phone_number = "+4511111111"`,
				`Preo accepted the change to phone_number but answered that it stored null, not "+4511111111" as sent`),
		},
	)
}

func TestAccUserResource_importEmptyID(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	afterAdoptingAda(t, srv,
		resource.TestStep{
			ResourceName:      adaAddress,
			ImportState:       true,
			ImportStateIdFunc: func(*terraform.State) (string, error) { return "", nil },
			ExpectError:       errorMatching(`Missing Import ID`, `The import ID is empty`),
		},
	)
}

// Bytes that are not UTF-8, as a variable read in another encoding holds
// them, are refused at plan time, before anything is sent. Not parallel: the
// variable comes from the process environment, as TF_VAR_ variables do.
func TestAccUserResource_invalidUTF8(t *testing.T) {
	srv := startEmulator(t, emulator.Options{}, ada())
	t.Setenv("TF_VAR_first_name", "Ad\xe5")
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{{
			Config: withProvider(srv, `variable "first_name" {
  type = string
}
`+userConfig(`id = "usr_ada"`, `first_name = var.first_name`)),
			ExpectError: errorMatching(`Invalid Text Encoding`, `first_name = var.first_name`, `which is not valid UTF-8 text`),
		}},
	})
	if bodies := patchBodies(srv.Requests()); len(bodies) != 0 {
		t.Errorf("sent %q", bodies)
	}
}

// A first page that does not add up fails the read instead of listing the
// wrong users, or none; the email lookup then does not claim that no user
// has the address.
func TestAccUsersDataSource_refusesInvalidPages(t *testing.T) {
	t.Parallel()
	two := "[" + adaAnswer(nil) + ", " + adaAnswer(map[string]string{"id": `"usr_alan"`, "email": `"alan@example.com"`}) + "]"
	cases := map[string]struct {
		page string
		want string
	}{
		"no count":            {`{"next": null, "results": ` + two + `}`, `it has no count`},
		"null count":          {`{"count": null, "next": null, "results": ` + two + `}`, `it has no count`},
		"negative count":      {`{"count": -1, "next": null, "results": []}`, `its count is -1`},
		"count below results": {`{"count": 1, "next": null, "results": ` + two + `}`, `it holds 2 users but counts only 1`},
		"null body":           {`null`, `it has no count`},
		"empty object":        {`{}`, `it has no count`},
		"huge count":          {`{"count": 200000, "next": "$BASE/v1/user?page=2", "results": ` + two + `}`, `Set max_results`},
		"next link elsewhere on the host": {`{"count": 4, "next": "$BASE/v1/admin?page=2", "results": ` + two + `}`,
			`next link outside the API`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startEmulator(t, emulator.Options{}, ada(), alan())
			page := strings.ReplaceAll(tc.page, "$BASE", srv.URL)
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: noEnv,
				Steps: []resource.TestStep{
					{
						PreConfig:   func() { srv.Fail("GET", "/v1/user", http.StatusOK, page, "", 1) },
						Config:      withProvider(srv, usersConfig()),
						ExpectError: errorMatching(`Unable to List Preo Users`, "list users: page 1", tc.want),
					},
					{
						PreConfig:   func() { srv.Fail("GET", "/v1/user", http.StatusOK, page, "", 1) },
						Config:      withProvider(srv, `data "preo_user" "one" { email = "ada@example.com" }`),
						ExpectError: errorMatching(`Unable to Read Preo User`, "list users: page 1", tc.want),
					},
				},
			})
			for _, r := range srv.Requests() {
				if r.Path != "/v1/user" {
					t.Errorf("requested %s", r.Path)
				}
			}
		})
	}
}

func TestAccUsersDataSource_maxResultsMustBeWhole(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	for _, value := range []string{"1.5", "100001"} {
		acceptanceTest(t, resource.TestCase{
			ProtoV6ProviderFactories: noEnv,
			Steps: []resource.TestStep{{
				Config:      withProvider(srv, usersConfig("max_results = "+value)),
				ExpectError: errorMatching(`Invalid Whole Number`, fmt.Sprintf("max_results is %s, which is not a whole number from 1 to 100000", value)),
			}},
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
}

// A 404 that may not be Preo's does not become "no user has this id": the
// diagnostic shows what came back instead.
func TestAccUserDataSource_unproven404(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	const proxyPage = "<html><body>Not Found</body></html>"
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { srv.Fail("GET", "/v1/user/usr_ada", 404, proxyPage, "", 1) },
				Config:      withProvider(srv, readAda),
				ExpectError: errorMatching(`Unable to Read Preo User`, `returned 404 Not Found: Not Found`),
			},
			{
				PreConfig:   func() { srv.Fail("GET", "/v1/user/usr_ada", 404, proxyPage, "", 1) },
				Config:      withProvider(srv, userConfig(`id = "usr_ada"`)),
				ExpectError: errorMatching(`Unable to Read Preo User`, `returned 404 Not Found: Not Found`),
			},
		},
	})
}

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
