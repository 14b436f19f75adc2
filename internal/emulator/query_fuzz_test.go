package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzListQuery sends arbitrary query strings to the list endpoint. Whatever the query, the
// answer is a valid page or "Invalid page.", and the pages reached through next and previous
// links agree with each other: same count, every user once, in the requested order, each
// passing the search.
func FuzzListQuery(f *testing.F) {
	for _, q := range []string{
		"", "page=2", "page=last", "page=0", "page=-1", "page=abc", "page=%D9%A2", "page=1_0", "page=",
		"search=ali+smith", "search=ali,smith", "search=%00", "search=a&search=b", "edition_id=edt_2qx7k1&page=2",
		"ordering=-last_seen,email", "ordering=phone_number&ordering=-email", "ordering=%20email%20,bogus", "ordering=--email",
		"q=%zz;x&page=2", "a&&b=&=c&page=last", "search=%E2%82&page=%EF%BC%92", "organization_id=org_k9w1ze&search=45",
	} {
		f.Add(q)
	}
	s := New(Options{PageSize: 3, RequestLogLimit: 16})
	s.Seed(GenerateUsers(10)...)
	users := map[string]User{}
	for _, u := range s.Users() {
		users[u.ID] = u
	}
	get := func(t *testing.T, rawQuery string) (int, string) {
		r := httptest.NewRequest(http.MethodGet, "/v1/user", nil)
		r.URL.RawQuery = rawQuery
		r.Header.Set("Authorization", "Bearer dev-token")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("?%s: invalid JSON %q", rawQuery, w.Body)
		}
		return w.Code, w.Body.String()
	}
	decode := func(t *testing.T, body string) listPage {
		var p listPage
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return p
	}
	// follow turns a link into the query to send next.
	follow := func(t *testing.T, link string) string {
		u, err := url.Parse(link)
		if err != nil || u.Scheme != "http" || u.Host != "example.com" || u.Path != "/v1/user" || u.Fragment != "" {
			t.Fatalf("bad link %q: %v", link, err)
		}
		return u.RawQuery
	}

	f.Fuzz(func(t *testing.T, rawQuery string) {
		code, body := get(t, rawQuery)
		if code == http.StatusNotFound {
			if body != `{"detail":"Invalid page."}` {
				t.Fatalf("?%s: 404 %s", rawQuery, body)
			}
			return
		}
		if code != http.StatusOK {
			t.Fatalf("?%s: %d %s", rawQuery, code, body)
		}
		page := decode(t, body)
		if len(page.Results) > 3 || page.Count > len(users) || page.Count < len(page.Results) {
			t.Fatalf("?%s: count %d with %d results", rawQuery, page.Count, len(page.Results))
		}

		// Walk back to the first page, then forward through every page.
		for steps := 0; page.Previous != nil; steps++ {
			if steps > len(users) {
				t.Fatalf("?%s: previous links do not end", rawQuery)
			}
			query := follow(t, *page.Previous)
			_, body := get(t, query)
			page = decode(t, body)
		}
		count := page.Count
		var ids []string
		for steps := 0; ; steps++ {
			if page.Count != count {
				t.Fatalf("?%s: count changed from %d to %d", rawQuery, count, page.Count)
			}
			ids = append(ids, page.ids()...)
			if page.Next == nil {
				break
			}
			if steps > len(users) {
				t.Fatalf("?%s: next links do not end", rawQuery)
			}
			query := follow(t, *page.Next)
			_, body := get(t, query)
			page = decode(t, body)
		}
		if len(ids) != count {
			t.Fatalf("?%s: pages hold %d users, count is %d", rawQuery, len(ids), count)
		}
		q := parseQuery(rawQuery)
		filter, keys := parseFilter(q), parseOrdering(q)
		recs := make([]*record, len(ids))
		for i, id := range ids {
			u, ok := users[id]
			if !ok || slices.Contains(ids[:i], id) {
				t.Fatalf("?%s: unknown or repeated user %s in %v", rawQuery, id, ids)
			}
			recs[i] = newRecord(u)
			fields := []string{u.FirstName, u.LastName, u.Email}
			if u.PhoneNumber != nil {
				fields = append(fields, *u.PhoneNumber)
			}
			for _, term := range filter.terms {
				if !slices.ContainsFunc(fields, func(f string) bool { return strings.Contains(strings.ToUpper(f), term) }) {
					t.Fatalf("?%s: %s does not contain %q", rawQuery, id, term)
				}
			}
		}
		sorted := slices.IsSortedFunc(recs, func(a, b *record) int {
			if c := compareBy(keys, a, b); c != 0 {
				return c
			}
			return compareDefault(a, b)
		})
		if !sorted {
			t.Fatalf("?%s: users out of order: %v", rawQuery, ids)
		}
	})
}
