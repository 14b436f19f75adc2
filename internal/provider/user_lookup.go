package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// findUserByEmail finds the one user whose email is exactly email, ignoring
// letter case. The API can only search by substring, so its matches are
// filtered here; none, or more than one, is an error that says which.
func findUserByEmail(ctx context.Context, c *client.Client, email string, scope client.ListUsersQuery) (*client.User, error) {
	scope.Search = email
	list, err := c.ListUsers(ctx, scope)
	if err != nil {
		return nil, err
	}
	var matches []client.User
	for _, user := range list.Users {
		if sameEmail(user.Email, email) {
			matches = append(matches, user)
		}
	}
	switch len(matches) {
	case 0:
		return nil, &emailLookupError{message: fmt.Sprintf("no Preo user has the email address %q%s", email, scopeText(scope))}
	case 1:
		return &matches[0], nil
	}
	ids := make([]string, len(matches))
	for i, user := range matches {
		ids[i] = user.ID
	}
	return nil, &emailLookupError{
		message: fmt.Sprintf("%d Preo users have the email address %q%s: %s", len(matches), email, scopeText(scope), quotedList(ids)),
		ids:     ids,
	}
}

// emailLookupError is an email that matched no user, or several (ids).
type emailLookupError struct {
	message string
	ids     []string
}

func (e *emailLookupError) Error() string { return e.message }

func scopeText(scope client.ListUsersQuery) string {
	var parts []string
	if scope.EditionID != "" {
		parts = append(parts, fmt.Sprintf("edition %q", scope.EditionID))
	}
	if scope.OrganizationID != "" {
		parts = append(parts, fmt.Sprintf("organization %q", scope.OrganizationID))
	}
	if len(parts) == 0 {
		return ""
	}
	return " in " + strings.Join(parts, " and ")
}

func quotedList(values []string) string {
	quoted := make([]string, len(values))
	for i, value := range values {
		quoted[i] = fmt.Sprintf("%q", value)
	}
	return strings.Join(quoted, ", ")
}
