package emulator

import "github.com/preo/terraform-provider-preo/internal/django"

// validEmail is Django's EmailValidator, which the API's EmailField runs. The provider checks
// plans with the same rules, so that both refuse exactly the same addresses.
func validEmail(v []rune) bool {
	return django.ValidateEmail(string(v)) == nil
}
