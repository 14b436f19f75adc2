package emulator

import (
	"cmp"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/preo/terraform-provider-preo/internal/emulator/pycompat"
)

// parseQuery reads a query string as Django's QueryDict (and urllib's parse_qs, which DRF
// uses to rebuild page links) do: only "&" separates fields, a field without "=" has an empty
// value, "+" is a space, malformed %-escapes stay as written and undecodable bytes become
// U+FFFD. url.ParseQuery differs on each of these, so it is not used.
func parseQuery(raw string) url.Values {
	q := url.Values{}
	if raw == "" {
		return q
	}
	if !utf8.ValidString(raw) {
		raw = latin1(raw)
	}
	for field := range strings.SplitSeq(raw, "&") {
		if field == "" {
			continue
		}
		k, v, _ := strings.Cut(field, "=")
		k, v = pycompat.UnquotePlus(k), pycompat.UnquotePlus(v)
		q[k] = append(q[k], v)
	}
	return q
}

// latin1 is how Django falls back when a raw query string is not UTF-8.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := range len(s) {
		r[i] = rune(s[i])
	}
	return string(r)
}

// last is QueryDict.get: the last value given for key, or "".
func last(q url.Values, key string) string {
	if v := q[key]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

// filter is what narrows the queryset, for lists and, as DRF's get_object does, for single
// users too.
type filter struct {
	edition, org string
	// terms are upper-cased, as PostgreSQL's icontains compares UPPER() of both sides.
	terms []string
}

func parseFilter(q url.Values) filter {
	return filter{
		edition: last(q, "edition_id"),
		org:     last(q, "organization_id"),
		terms:   searchTerms(last(q, "search")),
	}
}

// searchTerms is SearchFilter.get_search_terms (DRF 3.14): NULs dropped, commas are
// separators, split on whitespace.
func searchTerms(v string) []string {
	v = strings.ReplaceAll(v, "\x00", "")
	v = strings.ReplaceAll(v, ",", " ")
	terms := pycompat.Fields(v)
	for i, t := range terms {
		terms[i] = strings.ToUpper(t)
	}
	return terms
}

func (f *filter) none() bool {
	return f.edition == "" && f.org == "" && len(f.terms) == 0
}

func (f *filter) match(rec *record) bool {
	if f.edition != "" && rec.u.EditionID != f.edition {
		return false
	}
	if f.org != "" && rec.u.OrganizationID != f.org {
		return false
	}
	for _, t := range f.terms {
		if !strings.Contains(rec.upperFirst, t) && !strings.Contains(rec.upperLast, t) &&
			!strings.Contains(rec.upperEmail, t) && (rec.u.PhoneNumber == nil || !strings.Contains(rec.upperPhone, t)) {
			return false
		}
	}
	return true
}

// orderKey is one term of an ordering, e.g. "-last_seen".
type orderKey struct {
	field string
	desc  bool
}

var orderingFields = map[string]bool{"email": true, "phone_number": true, "date_joined": true, "last_seen": true}

// parseOrdering is OrderingFilter.get_ordering: the last "ordering" value, split on commas,
// each term stripped, unknown terms dropped. nil means the default order.
func parseOrdering(q url.Values) []orderKey {
	v := last(q, "ordering")
	if v == "" {
		return nil
	}
	var keys []orderKey
	for term := range strings.SplitSeq(v, ",") {
		term = string(pycompat.Strip([]rune(term)))
		field, desc := strings.CutPrefix(term, "-")
		if orderingFields[field] {
			keys = append(keys, orderKey{field, desc})
		}
	}
	return keys
}

// compareBy orders two users by keys. Nulls sort as PostgreSQL sorts them: after every value
// ascending, before every value descending. Strings compare bytewise, as under the C collation.
func compareBy(keys []orderKey, a, b *record) int {
	for _, k := range keys {
		var c int
		switch k.field {
		case "email":
			c = strings.Compare(a.u.Email, b.u.Email)
		case "phone_number":
			c = compareNullable(a.u.PhoneNumber, b.u.PhoneNumber, strings.Compare)
		case "date_joined":
			c = a.u.DateJoined.Compare(b.u.DateJoined)
		case "last_seen":
			c = compareNullable(a.u.LastSeen, b.u.LastSeen, time.Time.Compare)
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func compareNullable[T any](a, b *T, compare func(T, T) int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return compare(*a, *b)
}

// compareDefault is the model's default ordering: date joined, then id.
func compareDefault(a, b *record) int {
	if c := a.u.DateJoined.Compare(b.u.DateJoined); c != 0 {
		return c
	}
	return cmp.Compare(a.u.ID, b.u.ID)
}

// pageNumber is PageNumberPagination.get_page_number followed by Django's
// Paginator.validate_number: page 1 without a "page" parameter, otherwise its last value,
// where "last" means the last page and anything else must be what Python's int() accepts,
// within range. As in DRF 3.14, "page=" is not page 1 but an invalid page.
func pageNumber(q url.Values, numPages int) (int, bool) {
	values, given := q["page"]
	if !given {
		return 1, true
	}
	v := values[len(values)-1]
	if v == "last" {
		return numPages, true
	}
	n, ok := pycompat.ParseInt(v)
	if !ok || n < 1 || n > int64(numPages) {
		return 0, false
	}
	return int(n), true
}

// pageLink is DRF's replace_query_param (page > 1) or remove_query_param (page 1) applied to
// the request's absolute URI: the query is parsed again, sorted by key and re-encoded.
func pageLink(base string, q url.Values, page int) string {
	values := make(url.Values, len(q))
	for k, v := range q {
		if k != "page" {
			values[k] = v
		}
	}
	if page > 1 {
		values["page"] = []string{strconv.Itoa(page)}
	}
	if len(values) == 0 {
		return base
	}
	return base + "?" + values.Encode()
}
