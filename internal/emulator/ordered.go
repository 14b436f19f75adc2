package emulator

import (
	"net/url"
	"slices"
	"strings"
)

// Ordered returns copies of all users in the order the list endpoint gives
// them for an ordering parameter made of these fields (each optionally
// prefixed with "-"), so tests can compare a client's result with the API's
// own order across pages.
func (s *Server) Ordered(fields ...string) []User {
	keys := parseOrdering(url.Values{"ordering": {strings.Join(fields, ",")}})
	s.mu.RLock()
	recs := slices.Clone(s.ordered)
	s.mu.RUnlock()
	slices.SortStableFunc(recs, func(a, b *record) int { return compareBy(keys, a, b) })
	users := make([]User, len(recs))
	for i, rec := range recs {
		users[i] = rec.u.clone()
	}
	return users
}
