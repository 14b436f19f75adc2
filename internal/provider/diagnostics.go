package provider

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// addAPIError turns a client error into diagnostics: field errors from a
// status that carries DRF's validation errors (400, 409, 412, 422) land on
// their attributes with the API's own words, everything else becomes one
// error that says what was attempted, what came back and what to do.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	var stored *client.StoredValueError
	if errors.As(err, &stored) {
		for _, d := range stored.Differences {
			if d.Absent {
				diags.AddAttributeError(path.Root(d.Field), summary,
					fmt.Sprintf("Preo accepted the change to %s, but its answer leaves %s out, so it does not show that %q was stored, and the answer was not saved in state. "+
						"Refresh to read the user again; if %s stays missing, ask Preo support.", d.Field, d.Field, d.Sent, d.Field))
				continue
			}
			diags.AddAttributeError(path.Root(d.Field), summary,
				fmt.Sprintf("Preo accepted the change to %s but answered that it stored %s, not %q as sent, so the answer was not saved in state. "+
					"Set %s to the value Preo keeps, or ask Preo support why it changes this one.", d.Field, storedText(d.Stored), d.Sent, d.Field))
		}
		return
	}
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && fieldErrorStatuses[apiErr.StatusCode] && len(apiErr.FieldErrors) > 0 {
		placedAll := apiErr.Detail == ""
		for _, field := range slices.Sorted(maps.Keys(apiErr.FieldErrors)) {
			messages := apiErr.FieldErrors[field]
			if !isWritable(field) {
				placedAll = false
				continue
			}
			diags.AddAttributeError(path.Root(field), summary,
				fmt.Sprintf("Preo rejected %s%s: %s\n\n%s", field, statusText(apiErr.StatusCode), strings.Join(messages, " "), fieldAdvice(apiErr.StatusCode, field)))
		}
		if placedAll {
			return
		}
	}
	diags.AddError(summary, err.Error()+"\n\n"+nextStep(err))
}

// fieldErrorStatuses are the statuses whose answers Preo words as DRF
// validation errors, field by field.
var fieldErrorStatuses = map[int]bool{
	http.StatusBadRequest: true, http.StatusConflict: true, http.StatusPreconditionFailed: true, http.StatusUnprocessableEntity: true,
}

// statusText names the status of a field error other than the usual 400.
func statusText(status int) string {
	if status == http.StatusBadRequest {
		return ""
	}
	return fmt.Sprintf(" (%d %s)", status, http.StatusText(status))
}

// fieldAdvice is what to do about a field error, by status.
func fieldAdvice(status int, field string) string {
	switch status {
	case http.StatusConflict:
		return fmt.Sprintf("The value conflicts with what Preo holds, such as another user with the same %s. Choose another %s, or resolve the conflict in Preo, and apply again.", field, field)
	case http.StatusPreconditionFailed:
		return fmt.Sprintf("The user changed in Preo after it was read. Refresh, check %s, and apply again.", field)
	}
	return fmt.Sprintf("Change %s in the configuration and apply again.", field)
}

func storedText(value *string) string {
	if value == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *value)
}

// nextStep says what the user can do about an error.
func nextStep(err error) string {
	var apiErr *client.APIError
	var lookupErr *emailLookupError
	var timeout *client.TimeoutError
	switch {
	case errors.As(err, &lookupErr):
		return "Check the email address, or name the user by its id instead."
	case errors.Is(err, client.ErrUnconfirmedNotFound):
		return "Terraform keeps the user in state rather than forget it on an answer that may not be Preo's. " +
			"Check that base_url is the Preo API root and that no proxy in front of Preo answers in its place, then refresh again."
	case errors.Is(err, client.ErrListingTooLarge):
		return fmt.Sprintf("One listing reads at most %d users on %d pages. Set max_results, or narrow the listing with edition_id, organization_id or search.",
			client.MaxListingUsers, client.MaxListingPages)
	case errors.Is(err, client.ErrForeignNextLink):
		return "The provider does not send the API token outside the Preo API. Check that base_url is the address Preo itself uses in its links."
	case errors.Is(err, client.ErrNextLinkLoop), errors.Is(err, client.ErrInconsistentListing):
		return "The API's pages did not add up, usually because users changed during the listing. Run the command again; if it keeps happening, contact Preo support."
	case errors.Is(err, client.ErrAnswerTooLarge):
		return "Preo's answers are far smaller, so this one is not from Preo's API. Check that base_url is the Preo API root and what answers at that address."
	case errors.Is(err, client.ErrInvalidAnswer):
		return "Nothing from this answer was used. Check that base_url is the Preo API root and that no proxy in front of Preo changes its answers; " +
			"if it keeps happening, contact Preo support."
	case errors.As(err, &timeout):
		return fmt.Sprintf("Each attempt may take request_timeout (%s). Raise request_timeout or max_retries if Preo is slow, or check base_url and the network.",
			durationText(timeout.Timeout))
	case !errors.As(err, &apiErr):
		return "Check the provider settings and try again."
	}
	if apiErr.RetryAfter != "" {
		return "Preo asked for a longer wait than the provider takes before a retry, so it did not wait that long. " +
			"Run again after the time Preo named, or ask Preo support why it asks for so long a wait."
	}
	switch {
	case apiErr.StatusCode == 0:
		return "Preo could not be reached. Check base_url and the network, or raise request_timeout or max_retries, then try again."
	case apiErr.StatusCode >= 300 && apiErr.StatusCode < 400:
		return "Preo's API does not redirect, so base_url probably names another address than the API's. Check base_url; redirects are not followed, since the request carries the API token."
	case apiErr.StatusCode == http.StatusUnauthorized:
		return "Preo did not accept the API token. Check api_token or the " + envAPIToken + " environment variable."
	case apiErr.StatusCode == http.StatusForbidden:
		return "The API token is valid but may not do this. Use a token with access to these users."
	case apiErr.StatusCode == http.StatusNotFound:
		return "Check that the id is right and that the token can see this user."
	case apiErr.StatusCode == http.StatusConflict:
		return "Preo refused the change because it conflicts with what Preo holds. Check the message above, resolve the conflict in Preo or change the configuration, then apply again."
	case apiErr.StatusCode == http.StatusPreconditionFailed:
		return "The user changed in Preo after the provider read it. Refresh, check the plan, and apply again."
	case apiErr.StatusCode == http.StatusTooManyRequests:
		return rateLimitAdvice(apiErr.ThrottledRate)
	case apiErr.StatusCode >= 500:
		return "Preo had a server error. Try again later; raising max_retries makes the provider wait it out longer."
	default:
		return "Check the configuration against the message above and try again."
	}
}

// rateLimitAdvice points at the setting that keeps requests under Preo's
// rate limit, with the rate that Preo throttled.
func rateLimitAdvice(throttledRate float64) string {
	observed := ""
	if throttledRate > 0 {
		observed = fmt.Sprintf(" Preo throttled this provider while it sent about %.1f requests per second.", throttledRate)
	}
	return "Preo is rate limiting this token." + observed + " Set max_requests_per_second (or " + envMaxRequestsPerSecond +
		") to the rate Preo allows this token, so that the provider spaces its requests out instead of having them refused, or raise max_retries to wait longer."
}
