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

// addAPIError turns a client error into diagnostics: field errors from a 400
// land on their attributes with the API's own words, everything else becomes
// one error that says what was attempted, what came back and what to do.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest && len(apiErr.FieldErrors) > 0 {
		placedAll := apiErr.Detail == ""
		for _, field := range slices.Sorted(maps.Keys(apiErr.FieldErrors)) {
			messages := apiErr.FieldErrors[field]
			if !isWritable(field) {
				placedAll = false
				continue
			}
			diags.AddAttributeError(path.Root(field), summary,
				fmt.Sprintf("Preo rejected %s: %s\n\nChange %s in the configuration and apply again.", field, strings.Join(messages, " "), field))
		}
		if placedAll {
			return
		}
	}
	diags.AddError(summary, err.Error()+"\n\n"+nextStep(err))
}

// nextStep says what the user can do about an error.
func nextStep(err error) string {
	var apiErr *client.APIError
	var lookupErr *emailLookupError
	switch {
	case errors.As(err, &lookupErr):
		return "Check the email address, or name the user by its id instead."
	case errors.Is(err, client.ErrForeignNextLink):
		return "The provider does not send the API token to another host. Check that base_url is the address Preo itself uses in its links."
	case errors.Is(err, client.ErrNextLinkLoop), errors.Is(err, client.ErrInconsistentListing):
		return "The API's pages did not add up, usually because users changed during the listing. Run the command again; if it keeps happening, contact Preo support."
	case !errors.As(err, &apiErr):
		return "Check the provider settings and try again."
	}
	switch {
	case apiErr.StatusCode == 0:
		return "Preo could not be reached. Check base_url and the network, or raise request_timeout or max_retries, then try again."
	case apiErr.StatusCode == http.StatusUnauthorized:
		return "Preo did not accept the API token. Check api_token or the " + client.EnvAPIToken + " environment variable."
	case apiErr.StatusCode == http.StatusForbidden:
		return "The API token is valid but may not do this. Use a token with access to these users."
	case apiErr.StatusCode == http.StatusNotFound:
		return "Check that the id is right and that the token can see this user."
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
	return "Preo is rate limiting this token." + observed + " Set max_requests_per_second (or " + client.EnvMaxRequestsPerSecond +
		") to the rate Preo allows this token, so that the provider spaces its requests out instead of having them refused, or raise max_retries to wait longer."
}
