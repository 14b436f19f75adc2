package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// hostile is a server that answers each request with whatever the test
// says, with "$BASE" in a body standing for the server's own URL, and
// remembers every request's path and query.
type hostile struct {
	*httptest.Server
	answer func(r *http.Request) (int, string)

	mu   sync.Mutex
	seen []string
}

func newHostile(t testing.TB, answer func(r *http.Request) (int, string)) *hostile {
	t.Helper()
	h := &hostile{answer: answer}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, r.URL.RequestURI())
		h.mu.Unlock()
		status, body := h.answer(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, strings.ReplaceAll(body, "$BASE", h.URL))
	}))
	t.Cleanup(h.Close)
	return h
}

// pages serves body i for page i+1 of GET /v1/user, and Preo's 404 for
// pages past the end.
func pages(bodies ...string) func(r *http.Request) (int, string) {
	return func(r *http.Request) (int, string) {
		number := 1
		if p := r.URL.Query().Get("page"); p != "" {
			if _, err := fmt.Sscan(p, &number); err != nil {
				return http.StatusNotFound, `{"detail": "Invalid page."}`
			}
		}
		if r.URL.Path != "/v1/user" || number < 1 || number > len(bodies) {
			return http.StatusNotFound, `{"detail": "Invalid page."}`
		}
		return http.StatusOK, bodies[number-1]
	}
}

func (h *hostile) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.seen)
}

func (h *hostile) client(t testing.TB, tune ...func(*client.Config)) *client.Client {
	return newClient(t, h.URL, "tok-hostile", tune...)
}

// listBoth runs ListUsers and reads Users to the end, and checks that the
// two agree: the same users, or both an error.
func listBoth(t *testing.T, c *client.Client, q client.ListUsersQuery) ([]string, error) {
	t.Helper()
	list, err := c.ListUsers(context.Background(), q)
	var seqIDs []string
	var seqErr error
	for user, err := range c.Users(context.Background(), q) {
		if err != nil {
			seqErr = err
			break
		}
		seqIDs = append(seqIDs, user.ID)
	}
	if (err == nil) != (seqErr == nil) {
		t.Fatalf("ListUsers: %v; Users: %v", err, seqErr)
	}
	if err != nil {
		return nil, err
	}
	if got := userIDs(list.Users); !slices.Equal(got, seqIDs) {
		t.Fatalf("ListUsers listed %v, Users %v", got, seqIDs)
	}
	return seqIDs, nil
}

func TestListUsersRefusesHostilePages(t *testing.T) {
	var (
		two   = `[` + user("usr_1") + `, ` + user("usr_2") + `]`
		page2 = `"$BASE/v1/user?page=2"`
		// firstOfFour is a good first page of four users.
		firstOfFour = `{"count": 4, "next": ` + page2 + `, "results": ` + two + `}`
	)
	cases := map[string]struct {
		pages []string
		want  error
	}{
		"negative count":                {[]string{`{"count": -1, "next": null, "results": []}`}, client.ErrInvalidAnswer},
		"negative count with next":      {[]string{`{"count": -5, "next": ` + page2 + `, "results": ` + two + `}`}, client.ErrInvalidAnswer},
		"missing count":                 {[]string{`{"next": null, "results": ` + two + `}`}, client.ErrInvalidAnswer},
		"null count":                    {[]string{`{"count": null, "next": null, "results": ` + two + `}`}, client.ErrInvalidAnswer},
		"fractional count":              {[]string{`{"count": 2.5, "next": null, "results": ` + two + `}`}, client.ErrInvalidAnswer},
		"count as a string":             {[]string{`{"count": "2", "next": null, "results": ` + two + `}`}, client.ErrInvalidAnswer},
		"count beyond int64":            {[]string{`{"count": 1e30, "next": null, "results": ` + two + `}`}, client.ErrInvalidAnswer},
		"body null":                     {[]string{`null`}, client.ErrInvalidAnswer},
		"empty object":                  {[]string{`{}`}, client.ErrInvalidAnswer},
		"a list":                        {[]string{two}, client.ErrInvalidAnswer},
		"html":                          {[]string{`<html>maintenance</html>`}, client.ErrInvalidAnswer},
		"two JSON values":               {[]string{`{"count": 0, "results": []} {"count": 0, "results": []}`}, client.ErrInvalidAnswer},
		"truncated":                     {[]string{`{"count": 2, "results": [` + user("usr_1")}, client.ErrInvalidAnswer},
		"missing results":               {[]string{`{"count": 0, "next": null}`}, client.ErrInvalidAnswer},
		"null results":                  {[]string{`{"count": 0, "next": null, "results": null}`}, client.ErrInvalidAnswer},
		"count below results":           {[]string{`{"count": 1, "next": null, "results": ` + two + `}`}, client.ErrInvalidAnswer},
		"count above results, no next":  {[]string{`{"count": 3, "next": null, "results": ` + two + `}`}, client.ErrInconsistentListing},
		"count but no results":          {[]string{`{"count": 4, "next": ` + page2 + `, "results": []}`}, client.ErrInvalidAnswer},
		"user without id":               {[]string{`{"count": 1, "next": null, "results": [{"email": "a@b.c"}]}`}, client.ErrInvalidAnswer},
		"null user":                     {[]string{`{"count": 1, "next": null, "results": [null]}`}, client.ErrInvalidAnswer},
		"next link on the last page":    {[]string{`{"count": 2, "next": ` + page2 + `, "results": ` + two + `}`}, client.ErrInconsistentListing},
		"same user twice on one page":   {[]string{`{"count": 2, "next": null, "results": [` + user("usr_1") + `, ` + user("usr_1") + `]}`}, client.ErrInconsistentListing},
		"next link to another path":     {[]string{`{"count": 4, "next": "$BASE/admin/v1/user?page=2", "results": ` + two + `}`}, client.ErrForeignNextLink},
		"next link with credentials":    {[]string{`{"count": 4, "next": "http://a:b@` + "$HOST" + `/v1/user?page=2", "results": ` + two + `}`}, client.ErrForeignNextLink},
		"next link skipping a page":     {[]string{`{"count": 6, "next": "$BASE/v1/user?page=3", "results": ` + two + `}`}, client.ErrInconsistentListing},
		"next link with another filter": {[]string{`{"count": 4, "next": "$BASE/v1/user?page=2&search=x", "results": ` + two + `}`}, client.ErrInconsistentListing},
		"next link to page 1":           {[]string{`{"count": 4, "next": "$BASE/v1/user", "results": ` + two + `}`}, client.ErrNextLinkLoop},
		"next link not a URL":           {[]string{`{"count": 4, "next": "http://[::1", "results": ` + two + `}`}, client.ErrInvalidAnswer},
		"second page short": {[]string{
			firstOfFour,
			`{"count": 4, "next": null, "results": [` + user("usr_3") + `]}`,
		}, client.ErrInconsistentListing},
		"second page long": {[]string{
			`{"count": 3, "next": ` + page2 + `, "results": ` + two + `}`,
			`{"count": 3, "next": null, "results": [` + user("usr_3") + `, ` + user("usr_4") + `]}`,
		}, client.ErrInconsistentListing},
		"second page repeats a user": {[]string{
			firstOfFour,
			`{"count": 4, "next": null, "results": [` + user("usr_2") + `, ` + user("usr_3") + `]}`,
		}, client.ErrInconsistentListing},
		"second page without count": {[]string{
			firstOfFour,
			`{"next": null, "results": [` + user("usr_3") + `, ` + user("usr_4") + `]}`,
		}, client.ErrInvalidAnswer},
		"second page with another count": {[]string{
			firstOfFour,
			`{"count": 5, "next": null, "results": [` + user("usr_3") + `, ` + user("usr_4") + `]}`,
		}, client.ErrInconsistentListing},
		"second page gone": {[]string{firstOfFour}, client.ErrInconsistentListing},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newHostile(t, pages(tc.pages...))
			for i := range tc.pages {
				tc.pages[i] = strings.ReplaceAll(tc.pages[i], "$HOST", strings.TrimPrefix(srv.URL, "http://"))
			}
			_, err := listBoth(t, srv.client(t), client.ListUsersQuery{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			for _, uri := range srv.requests() {
				if !strings.HasPrefix(uri, "/v1/user") {
					t.Errorf("requested %s", uri)
				}
			}
		})
	}
}

// The count decides which pages exist: no page past it is requested, even
// when the server would serve one.
func TestListUsersNeverRequestsPagesPastTheCount(t *testing.T) {
	srv := newHostile(t, pages(
		`{"count": 3, "next": "$BASE/v1/user?page=2", "results": [`+user("usr_1")+`, `+user("usr_2")+`]}`,
		`{"count": 3, "next": null, "results": [`+user("usr_3")+`]}`,
		`{"count": 3, "next": null, "results": [`+user("usr_4")+`, `+user("usr_5")+`]}`,
	))
	ids, err := listBoth(t, srv.client(t, func(cfg *client.Config) { cfg.MaxConcurrentRequests = 8 }), client.ListUsersQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"usr_1", "usr_2", "usr_3"}; !slices.Equal(ids, want) {
		t.Errorf("listed %v, want %v", ids, want)
	}
	for _, uri := range srv.requests() {
		if strings.Contains(uri, "page=3") {
			t.Errorf("requested %s, a page past the count", uri)
		}
	}
}

// A count that would take more than one listing may read fails after the
// first page, and says how much it would have taken.
func TestListUsersRefusesHugeListings(t *testing.T) {
	for name, count := range map[string]int64{
		"more users than a listing reads": client.MaxListingUsers + 1,
		"more pages than a listing reads": client.MaxListingPages + 1,
		"count at the int64 maximum":      1<<63 - 1,
	} {
		t.Run(name, func(t *testing.T) {
			srv := newHostile(t, pages(fmt.Sprintf(`{"count": %d, "next": "$BASE/v1/user?page=2", "results": [`+user("usr_1")+`]}`, count)))
			c := srv.client(t, func(cfg *client.Config) { cfg.MaxConcurrentRequests = client.MaxMaxConcurrentRequests })
			_, err := listBoth(t, c, client.ListUsersQuery{})
			if !errors.Is(err, client.ErrListingTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("needs %d users", count)) {
				t.Fatalf("err = %v, want ErrListingTooLarge", err)
			}
			if n := len(srv.requests()); n != 2 {
				t.Errorf("%d requests, want the first page once per read", n)
			}
			// max_results brings the same listing within bounds.
			list, err := c.ListUsers(context.Background(), client.ListUsersQuery{MaxResults: 1})
			if err != nil || len(list.Users) != 1 || int64(list.Count) != count {
				t.Errorf("with MaxResults 1: %+v, %v", list, err)
			}
		})
	}
}

func TestGetUserRefusesAnotherUser(t *testing.T) {
	srv := newHostile(t, func(*http.Request) (int, string) { return http.StatusOK, user("usr_2") })
	c := srv.client(t)
	_, err := c.GetUser(context.Background(), "usr_1")
	if !errors.Is(err, client.ErrInvalidAnswer) || !strings.Contains(err.Error(), `it is the user "usr_2", not the one asked for`) {
		t.Errorf("GetUser: err = %v", err)
	}
	first := "Ada"
	_, err = c.UpdateUser(context.Background(), "usr_1", client.UserPatch{FirstName: &first})
	if !errors.Is(err, client.ErrInvalidAnswer) {
		t.Errorf("UpdateUser: err = %v", err)
	}
}

func TestGetUserRefusesAnswersThatAreNoUser(t *testing.T) {
	for _, body := range []string{`null`, `{}`, `[]`, `{"id": ""}`, `{"id": 7}`, `<html></html>`, user("usr_1") + `x`} {
		srv := newHostile(t, func(*http.Request) (int, string) { return http.StatusOK, body })
		_, err := srv.client(t).GetUser(context.Background(), "usr_1")
		if !errors.Is(err, client.ErrInvalidAnswer) {
			t.Errorf("answer %s: err = %v, want ErrInvalidAnswer", body, err)
		}
		if n := len(srv.requests()); n != 1 {
			t.Errorf("answer %s: sent %d times; an invalid answer is not retried", body, n)
		}
	}
}

// A PATCH answer must hold what was sent, after what Preo does to every
// value: strip surrounding whitespace, perhaps lower-case an email address,
// store a cleared phone number as null.
func TestUpdateUserChecksWhatPreoStored(t *testing.T) {
	cases := map[string]struct {
		patch  client.UserPatch
		answer string
		want   []client.StoredValue
	}{
		"as sent": {
			client.UserPatch{FirstName: ptr("Ada"), Email: ptr("Ada@Example.com"), PhoneNumber: ptr("")},
			user("usr_1", "first_name", `"Ada"`, "email", `"ada@example.com"`, "phone_number", "null"), nil,
		},
		"cleared phone as empty string": {
			client.UserPatch{PhoneNumber: ptr("")}, user("usr_1", "phone_number", `""`), nil,
		},
		"other values": {
			client.UserPatch{FirstName: ptr("Ada"), LastName: ptr("Lovelace"), PhoneNumber: ptr("+4512")},
			user("usr_1", "first_name", `"Augusta"`, "last_name", `"Lovelace"`, "phone_number", "null"),
			[]client.StoredValue{{Field: "phone_number", Sent: "+4512"}, {Field: "first_name", Sent: "Ada", Stored: ptr("Augusta")}},
		},
		"another email": {
			client.UserPatch{Email: ptr("ada@example.com")}, user("usr_1", "email", `"eve@example.com"`),
			[]client.StoredValue{{Field: "email", Sent: "ada@example.com", Stored: ptr("eve@example.com")}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newHostile(t, func(*http.Request) (int, string) { return http.StatusOK, tc.answer })
			user, err := srv.client(t).UpdateUser(context.Background(), "usr_1", tc.patch)
			if tc.want == nil {
				if err != nil || user == nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var stored *client.StoredValueError
			if !errors.As(err, &stored) {
				t.Fatalf("err = %v, want a *StoredValueError", err)
			}
			if len(stored.Differences) != len(tc.want) {
				t.Fatalf("differences %v, want %v", stored.Differences, tc.want)
			}
			for i, d := range stored.Differences {
				w := tc.want[i]
				if d.Field != w.Field || d.Sent != w.Sent || (d.Stored == nil) != (w.Stored == nil) || (d.Stored != nil && *d.Stored != *w.Stored) {
					t.Errorf("difference %d = %v, want %v", i, d, w)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// user is a user answer with every field the API reference requires, plus
// extra fields as name and JSON value pairs, which may replace them.
func user(id string, extra ...string) string {
	fields := map[string]string{
		"id": strconv.Quote(id), "email": strconv.Quote(id + "@example.com"), "locale": `"en"`,
		"msg_channel": "null", "date_joined": `"2024-08-25T15:00:00Z"`,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		fields[extra[i]] = extra[i+1]
	}
	parts := make([]string, 0, len(fields))
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, strconv.Quote(name)+": "+fields[name])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// Whatever the server sends back, the token is not in the error: in a next
// link, a user id, a redirect, an error body's keys.
func TestErrorsNeverQuoteTheToken(t *testing.T) {
	const token = "tok-hostile"
	answers := map[string]func(*http.Request) (int, string){
		"next link":         pages(`{"count": 4, "next": "$BASE/admin?key=tok-hostile", "results": [` + user("usr_1") + `, ` + user("usr_2") + `]}`),
		"user id in a page": pages(`{"count": 2, "next": null, "results": [` + user("tok-hostile") + `, ` + user("tok-hostile") + `]}`),
		"error key": func(*http.Request) (int, string) {
			return 400, `{"tok-hostile": ["is a key"], "x": {"tok-hostile": "nested"}}`
		},
		"error detail": func(*http.Request) (int, string) { return 403, `{"detail": "token tok-hostile is revoked"}` },
	}
	for name, answer := range answers {
		srv := newHostile(t, answer)
		_, err := srv.client(t).ListUsers(context.Background(), client.ListUsersQuery{})
		if err == nil || strings.Contains(err.Error(), token) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	srv := newHostile(t, func(*http.Request) (int, string) { return http.StatusOK, user("tok-hostile") })
	_, err := srv.client(t).GetUser(context.Background(), "usr_1")
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("user id: err = %v", err)
	}
}

func TestRedirectsAreNamedAndNotFollowed(t *testing.T) {
	target := newHostile(t, func(*http.Request) (int, string) { return http.StatusOK, user("usr_1") })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/v1/user/usr_1", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL, "tok").GetUser(context.Background(), "usr_1")
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusFound || apiErr.Location != target.URL+"/v1/user/usr_1" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "a redirect to "+target.URL+"/v1/user/usr_1 that was not followed") {
		t.Errorf("error text: %v", err)
	}
	if n := len(target.requests()); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
}

// An answer larger than any Preo sends fails as such, after reading little
// more than the limit, instead of being cut and reported as broken JSON.
func TestAnswerTooLarge(t *testing.T) {
	written := make(chan int, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		written <- writeHugeUser(w, 200)
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL, "tok").GetUser(context.Background(), "usr_1")
	if !errors.Is(err, client.ErrAnswerTooLarge) || !strings.Contains(err.Error(), "answer too large") {
		t.Fatalf("err = %v, want ErrAnswerTooLarge", err)
	}
	if mib := <-written; mib >= 100 {
		t.Errorf("the client took %d MiB of the answer before it stopped", mib)
	}

	// An answer that says its length up front is refused without reading it.
	declared := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(200<<20))
		written <- writeHugeUser(w, 200)
	}))
	t.Cleanup(declared.Close)
	_, err = newClient(t, declared.URL, "tok").GetUser(context.Background(), "usr_1")
	if !errors.Is(err, client.ErrAnswerTooLarge) {
		t.Fatalf("err = %v, want ErrAnswerTooLarge", err)
	}
	if mib := <-written; mib >= 100 {
		t.Errorf("the client took %d MiB of a declared 200 MiB answer before it stopped", mib)
	}
}

// writeHugeUser writes a user whose metadata takes mib MiB, and returns how
// many MiB the client took before it hung up.
func writeHugeUser(w io.Writer, mib int) int {
	_, _ = io.WriteString(w, `{"id": "usr_1", "email": "a@example.com", "locale": "en", "msg_channel": null, "date_joined": "2024-08-25T15:00:00Z", "metadata": "`)
	for i := range mib {
		if _, err := w.Write(mebibyte); err != nil {
			return i
		}
	}
	_, _ = io.WriteString(w, `"}`)
	return mib
}

var mebibyte = []byte(strings.Repeat("x", 1<<20))

// An answer that breaks off while it is read is retried like one that never
// came: the answer is read within its attempt.
func TestAnswerCutShortIsRetried(t *testing.T) {
	var mu sync.Mutex
	attempts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		attempts++
		first := attempts == 1
		mu.Unlock()
		body := user("usr_1", "first_name", `"Ada"`)
		if first {
			w.Header().Set("Content-Length", "1000")
			_, _ = io.WriteString(w, body[:10])
			return
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	user, err := newClient(t, srv.URL, "tok").GetUser(context.Background(), "usr_1")
	if err != nil || *user.FirstName != "Ada" {
		t.Fatalf("GetUser = %+v, %v", user, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if attempts != 2 {
		t.Errorf("%d attempts, want 2", attempts)
	}
}

// A 404 removes a user from state only with proof: Preo's own JSON answer,
// from an API whose listing answers. The listing is asked once per client.
func TestGetUserNeedsProofOfDeletion(t *testing.T) {
	listing := `{"count": 1, "next": null, "results": [` + user("usr_1") + `]}`
	cases := map[string]struct {
		userAnswer    func(w http.ResponseWriter)
		listingStatus int
		confirmed     bool
		listRequests  int
	}{
		"Preo's 404 from an API that answers": {
			userAnswer:    func(w http.ResponseWriter) { writeJSON(w, 404, `{"detail": "Not found."}`) },
			listingStatus: 200, confirmed: true, listRequests: 1,
		},
		"a proxy's HTML 404": {
			userAnswer: func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, "<h1>Not Found</h1>")
			},
			listingStatus: 200, confirmed: false, listRequests: 0,
		},
		"JSON 404 but without detail": {
			userAnswer:    func(w http.ResponseWriter) { writeJSON(w, 404, `{"error": "no route"}`) },
			listingStatus: 200, confirmed: false, listRequests: 0,
		},
		"JSON 404 from a path that is not the API": {
			userAnswer:    func(w http.ResponseWriter) { writeJSON(w, 404, `{"detail": "Not found."}`) },
			listingStatus: 404, confirmed: false, listRequests: 2,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			listRequests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v1/user" {
					mu.Lock()
					listRequests++
					mu.Unlock()
					writeJSON(w, tc.listingStatus, listing)
					return
				}
				tc.userAnswer(w)
			}))
			t.Cleanup(srv.Close)
			c := newClient(t, srv.URL, "tok")
			for range 2 {
				_, err := c.GetUser(context.Background(), "usr_gone")
				if client.IsNotFound(err) != tc.confirmed {
					t.Errorf("GetUser = %v, want a missing user: %v", err, tc.confirmed)
				}
				if !tc.confirmed && !errors.Is(err, client.ErrUnconfirmedNotFound) {
					t.Errorf("GetUser = %v, want ErrUnconfirmedNotFound", err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if listRequests != tc.listRequests {
				t.Errorf("the listing was asked %d times, want %d", listRequests, tc.listRequests)
			}
		})
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// FuzzListing feeds arbitrary page sequences to the listing: whatever they
// hold, it does not panic, and it either fails or returns exactly the users
// the pages hold, in order, as many as the count says, without reading a
// page past them. Pages are separated by NUL bytes; in a page, "$BASE"
// stands for the server's URL and "$QUERY" for the query of the listing.
func FuzzListing(f *testing.F) {
	for _, seed := range []string{
		`{"count": 0, "next": null, "results": []}`,
		`{"count": 3, "next": "$BASE/v1/user?$QUERY&page=2", "results": [` + user("a") + `, ` + user("b") + `]}` + "\x00" +
			`{"count": 3, "next": null, "results": [` + user("c") + `]}`,
		`{"count": 5, "next": "$BASE/v1/user?$QUERY&page=2", "results": [` + user("a") + `, ` + user("b") + `]}` + "\x00" +
			`{"count": 5, "next": "$BASE/v1/user?page=3&$QUERY", "results": [` + user("c") + `, ` + user("d") + `]}` + "\x00" +
			`{"count": 5, "next": null, "results": [` + user("e") + `]}`,
		`{"count": -1, "next": "$BASE/v1/user?$QUERY&page=2", "results": [` + user("a") + `]}`,
		`{"count": 9223372036854775807, "next": "$BASE/v1/user?$QUERY&page=2", "results": [` + user("a") + `]}`,
		`{"count": 2, "results": [` + user("a") + `, ` + user("a") + `]}`,
		`{"count": 2, "next": "$BASE/v1/user?$QUERY&page=2", "results": [` + user("a") + `]}` + "\x00" + `null`,
	} {
		f.Add(seed, 0)
		f.Add(seed, 2)
	}
	// One server and one client serve every input, so that the fuzzer does
	// not run out of ports. Each input gets its own edition_id filter: a
	// request that an earlier input left in flight gets a 404 and is not
	// counted.
	type input struct {
		bodies []string
		tag    string
	}
	var current atomic.Pointer[input]
	srv := newHostile(f, func(r *http.Request) (int, string) {
		in := current.Load()
		if r.URL.Query().Get("edition_id") != in.tag {
			return http.StatusNotFound, `{"detail": "Not found."}`
		}
		status, body := pages(in.bodies...)(r)
		return status, strings.ReplaceAll(body, "$QUERY", "edition_id="+in.tag)
	})
	c := srv.client(f, func(cfg *client.Config) { cfg.MaxConcurrentRequests = 3; cfg.MaxRetries = 0 })
	var runs atomic.Int64
	f.Fuzz(func(t *testing.T, data string, maxResults int) {
		in := &input{bodies: strings.Split(data, "\x00"), tag: fmt.Sprintf("i%d", runs.Add(1))}
		current.Store(in)
		q := client.ListUsersQuery{EditionID: in.tag, MaxResults: max(maxResults, 0) % 5}
		ids, err := listBoth(t, c, q)
		if err != nil {
			return
		}
		want, pagesRead := heldUsers(t, in.bodies, q.MaxResults)
		if !slices.Equal(ids, want) {
			t.Fatalf("listed %v, the pages hold %v", ids, want)
		}
		for _, uri := range srv.requests() {
			if !strings.Contains(uri, "edition_id="+in.tag+"&") && !strings.HasSuffix(uri, "edition_id="+in.tag) {
				continue
			}
			for n := pagesRead + 1; n <= len(in.bodies); n++ {
				if strings.HasSuffix(uri, fmt.Sprintf("page=%d", n)) {
					t.Fatalf("requested %s, past the %d pages needed", uri, pagesRead)
				}
			}
		}
	})
}

// heldUsers is the fuzz target's oracle: the ids the pages hold, read
// naively from page 1 on until the count (or maxResults) is reached, and how
// many pages that took.
func heldUsers(t *testing.T, bodies []string, maxResults int) ([]string, int) {
	t.Helper()
	var ids []string
	want := 0
	for i, body := range bodies {
		var p struct {
			Count   int
			Results []struct{ ID string }
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("a listing succeeded, but page %d is not JSON: %v", i+1, err)
		}
		if i == 0 {
			want = p.Count
			if maxResults > 0 {
				want = min(want, maxResults)
			}
		}
		for _, r := range p.Results {
			ids = append(ids, r.ID)
		}
		if len(ids) >= want {
			return ids[:want], i + 1
		}
	}
	t.Fatalf("a listing succeeded, but the pages hold %d users, not %d", len(ids), want)
	return nil, 0
}
