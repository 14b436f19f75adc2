package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// placedDiagnostic is a diagnostic reduced to where it landed and what it says.
type placedDiagnostic struct {
	path   string // "" for an error on no attribute
	detail string
}

func placed(diags diag.Diagnostics) []placedDiagnostic {
	var out []placedDiagnostic
	for _, d := range diags.Errors() {
		var at string
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			at = withPath.Path().String()
		}
		out = append(out, placedDiagnostic{path: at, detail: d.Detail()})
	}
	return out
}

func TestAddAPIErrorPlacesFieldErrorsOnAttributes(t *testing.T) {
	badRequest := func(detail string, fields map[string][]string) error {
		return fmt.Errorf("wrapped: %w", &client.APIError{
			Operation: `update user "usr_ada"`, Method: "PATCH", URL: "https://api.example/v1/user/usr_ada",
			StatusCode: 400, Detail: detail, FieldErrors: fields,
		})
	}
	withStatus := func(status int, fields map[string][]string) error {
		return &client.APIError{
			Operation: `update user "usr_ada"`, Method: "PATCH", URL: "https://api.example/v1/user/usr_ada",
			StatusCode: status, FieldErrors: fields,
		}
	}
	cases := map[string]struct {
		err  error
		want []placedDiagnostic
	}{
		"writable fields only": {
			err: badRequest("", map[string][]string{"first_name": {"Too long."}, "email": {"Enter a valid email address.", "Taken."}}),
			want: []placedDiagnostic{
				{path: "email", detail: "Preo rejected email: Enter a valid email address. Taken.\n\nChange email in the configuration and apply again."},
				{path: "first_name", detail: "Preo rejected first_name: Too long.\n\nChange first_name in the configuration and apply again."},
			},
		},
		"a field the resource does not have": {
			err: badRequest("", map[string][]string{"email": {"Taken."}, "non_field_errors": {"Locked account."}}),
			want: []placedDiagnostic{
				{path: "email", detail: "Preo rejected email: Taken.\n\nChange email in the configuration and apply again."},
				{detail: `wrapped: update user "usr_ada": PATCH https://api.example/v1/user/usr_ada returned 400 Bad Request: email: Taken.; non_field_errors: Locked account.` +
					"\n\nCheck the configuration against the message above and try again."},
			},
		},
		"a detail beside the field errors": {
			err: badRequest("Read-only user.", map[string][]string{"last_name": {"Required."}}),
			want: []placedDiagnostic{
				{path: "last_name", detail: "Preo rejected last_name: Required.\n\nChange last_name in the configuration and apply again."},
				{detail: `wrapped: update user "usr_ada": PATCH https://api.example/v1/user/usr_ada returned 400 Bad Request: Read-only user.; last_name: Required.` +
					"\n\nCheck the configuration against the message above and try again."},
			},
		},
		"a conflict": {
			err: withStatus(409, map[string][]string{"email": {"user with this email already exists."}}),
			want: []placedDiagnostic{{path: "email", detail: "Preo rejected email (409 Conflict): user with this email already exists.\n\n" +
				"The value conflicts with what Preo holds, such as another user with the same email. Choose another email, or resolve the conflict in Preo, and apply again."}},
		},
		"a failed precondition": {
			err: withStatus(412, map[string][]string{"phone_number": {"Changed meanwhile."}}),
			want: []placedDiagnostic{{path: "phone_number", detail: "Preo rejected phone_number (412 Precondition Failed): Changed meanwhile.\n\n" +
				"The user changed in Preo after it was read. Refresh, check phone_number, and apply again."}},
		},
		"an unprocessable entity": {
			err: withStatus(422, map[string][]string{"last_name": {"Not allowed."}}),
			want: []placedDiagnostic{{path: "last_name", detail: "Preo rejected last_name (422 Unprocessable Entity): Not allowed.\n\n" +
				"Change last_name in the configuration and apply again."}},
		},
		"field errors on a status that does not carry them": {
			err: withStatus(403, map[string][]string{"email": {"No."}}),
			want: []placedDiagnostic{{detail: `update user "usr_ada": PATCH https://api.example/v1/user/usr_ada returned 403 Forbidden: email: No.` +
				"\n\nThe API token is valid but may not do this. Use a token with access to these users."}},
		},
		"a server error": {
			err: &client.APIError{Operation: `read user "usr_ada"`, Method: "GET", URL: "https://api.example/v1/user/usr_ada", StatusCode: 503, Attempts: 5},
			want: []placedDiagnostic{{detail: `read user "usr_ada": GET https://api.example/v1/user/usr_ada returned 503 Service Unavailable after 5 attempts` +
				"\n\nPreo had a server error. Try again later; raising max_retries makes the provider wait it out longer."}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var diags diag.Diagnostics
			addAPIError(&diags, "Unable to Update Preo User", tc.err)
			got := placed(diags)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("diagnostics:\n got  %q\n want %q", got, tc.want)
			}
			for _, d := range diags {
				if d.Summary() != "Unable to Update Preo User" {
					t.Errorf("summary %q", d.Summary())
				}
			}
		})
	}
}

func TestNextStepAdvice(t *testing.T) {
	status := func(code int) error { return &client.APIError{StatusCode: code} }
	cases := []struct {
		err  error
		want string
	}{
		{&emailLookupError{message: "no Preo user has the email address"}, "Check the email address, or name the user by its id instead."},
		{fmt.Errorf("list users: %w", client.ErrForeignNextLink), "does not send the API token outside the Preo API"},
		{fmt.Errorf("list users: %w", client.ErrNextLinkLoop), "pages did not add up"},
		{fmt.Errorf("list users: %w", client.ErrInconsistentListing), "pages did not add up"},
		{errors.New("something else"), "Check the provider settings and try again."},
		{&client.APIError{Err: errors.New("connection refused")}, "Preo could not be reached. Check base_url and the network"},
		{status(401), "Check api_token or the PREO_API_TOKEN environment variable."},
		{status(403), "may not do this"},
		{status(404), "Check that the id is right"},
		{status(429), "Set max_requests_per_second"},
		{&client.APIError{StatusCode: 429, RetryAfter: `Retry-After "86400" asked for a wait of 24h0m0s`}, "Run again after the time Preo named"},
		{&client.APIError{StatusCode: 503, RetryAfter: `Retry-After "86400" asked for a wait of 24h0m0s`}, "did not wait that long"},
		{status(500), "Preo had a server error."},
		{status(504), "Preo had a server error."},
		{status(400), "Check the configuration against the message above"},
		{status(409), "conflicts with what Preo holds"},
		{status(412), "changed in Preo after the provider read it"},
		{status(422), "Check the configuration against the message above"},
	}
	for _, tc := range cases {
		advice := nextStep(tc.err)
		if !strings.Contains(advice, tc.want) {
			t.Errorf("nextStep(%v) = %q, want it to contain %q", tc.err, advice, tc.want)
		}
		if first := []rune(advice)[0]; !unicode.IsUpper(first) || !strings.HasSuffix(advice, ".") {
			t.Errorf("nextStep(%v) = %q is not a full sentence", tc.err, advice)
		}
	}
}
