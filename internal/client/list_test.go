package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

func userIDs(users []client.User) []string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids
}

func emulatorIDs(users []emulator.User) []string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids
}

func listPages(srv *emulator.TestServer) []string {
	var pages []string
	for _, r := range srv.Requests() {
		pages = append(pages, r.Query.Get("page"))
	}
	slices.Sort(pages)
	return pages
}

func TestListUsersPagination(t *testing.T) {
	cases := map[string]struct {
		users, max, wantUsers int
		wantPages             []string
	}{
		"empty":                {0, 0, 0, []string{""}},
		"one page":             {7, 0, 7, []string{""}},
		"many pages":           {53, 0, 53, []string{"", "2", "3", "4", "5", "6", "7", "8"}},
		"max within page one":  {53, 5, 5, []string{""}},
		"max at a page border": {53, 14, 14, []string{"", "2"}},
		"max past page border": {53, 15, 15, []string{"", "2", "3"}},
		"max above count":      {20, 100, 20, []string{"", "2", "3"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			users := emulator.GenerateUsers(tc.users)
			srv, c := start(t, emulator.Options{PageSize: 7}, users...)
			list, err := c.ListUsers(context.Background(), client.ListUsersQuery{MaxResults: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			if list.Count != tc.users {
				t.Errorf("Count = %d, want %d", list.Count, tc.users)
			}
			if got, want := userIDs(list.Users), emulatorIDs(srv.Users())[:tc.wantUsers]; !slices.Equal(got, want) {
				t.Errorf("ids = %v, want %v", got, want)
			}
			if got := listPages(srv); !slices.Equal(got, tc.wantPages) {
				t.Errorf("fetched pages %q, want %q", got, tc.wantPages)
			}
		})
	}
}

func TestListUsersQuery(t *testing.T) {
	users := emulator.GenerateUsers(40)
	edition := users[0].EditionID
	srv, c := start(t, emulator.Options{PageSize: 4}, users...)
	query := client.ListUsersQuery{EditionID: edition, Ordering: []string{"-last_seen", "email"}}
	list, err := c.ListUsers(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range srv.Ordered("-last_seen", "email") {
		if u.EditionID == edition {
			want = append(want, u.ID)
		}
	}
	if len(want) < 5 || len(want) == len(users) {
		t.Fatalf("%d of %d generated users are in %s; the test needs a filter that spans pages and drops users", len(want), len(users), edition)
	}
	if got := userIDs(list.Users); !slices.Equal(got, want) {
		t.Errorf("ids = %v, want %v", got, want)
	}
	for _, r := range srv.Requests() {
		if got := r.Query["ordering"]; !slices.Equal(got, []string{"-last_seen,email"}) {
			t.Errorf("ordering sent as %q", got)
		}
		if r.Query.Has("search") || r.Query.Has("organization_id") {
			t.Errorf("empty filters were sent: %v", r.Query)
		}
		if got := r.Query.Get("edition_id"); got != edition {
			t.Errorf("edition_id = %q", got)
		}
	}
}

func TestListUsersRefusesForeignNextLink(t *testing.T) {
	other := emulator.NewTestServer(t, emulator.Options{}, emulator.GenerateUsers(10)...)
	srv, c := start(t, emulator.Options{PageSize: 3, LinkBaseURL: other.URL}, emulator.GenerateUsers(10)...)
	_, err := c.ListUsers(context.Background(), client.ListUsersQuery{})
	if !errors.Is(err, client.ErrForeignNextLink) {
		t.Fatalf("err = %v, want ErrForeignNextLink", err)
	}
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want only the first page", n)
	}
}

func TestListUsersRefusesLoop(t *testing.T) {
	_, c := start(t, emulator.Options{PageSize: 3, LoopingNext: true}, emulator.GenerateUsers(10)...)
	_, err := c.ListUsers(context.Background(), client.ListUsersQuery{})
	if !errors.Is(err, client.ErrNextLinkLoop) {
		t.Fatalf("err = %v, want ErrNextLinkLoop", err)
	}
}

func TestListUsersFailedPage(t *testing.T) {
	srv, c := start(t, emulator.Options{PageSize: 3}, emulator.GenerateUsers(10)...)
	srv.Fail("GET", "/v1/user", 403, `{"detail": "You do not have permission to perform this action."}`, "", 100)
	_, err := c.ListUsers(context.Background(), client.ListUsersQuery{})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.Detail != "You do not have permission to perform this action." {
		t.Fatalf("err = %v", err)
	}
}

func TestListUsersReportsChangesBetweenPages(t *testing.T) {
	// Someone deletes users right after the first page is served: with one
	// gone the counts differ, with three gone the last page no longer exists.
	for _, deleted := range []int{1, 3} {
		emu := emulator.New(emulator.Options{PageSize: 5})
		users := emulator.GenerateUsers(12)
		emu.Seed(users...)
		var once sync.Once
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			emu.ServeHTTP(w, r)
			once.Do(func() {
				for _, u := range users[:deleted] {
					emu.DeleteUser(u.ID)
				}
			})
		}))
		t.Cleanup(srv.Close)

		_, err := newClient(t, srv.URL, "dev-token").ListUsers(context.Background(), client.ListUsersQuery{})
		if !errors.Is(err, client.ErrInconsistentListing) {
			t.Errorf("%d deleted: err = %v, want ErrInconsistentListing", deleted, err)
		}
	}
}

// A server that claims thousands of users but stops after two pages costs
// one window of requests, not thousands.
func TestListUsersBogusCount(t *testing.T) {
	var requests atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		next := "null"
		if r.URL.Query().Get("page") == "" {
			next = `"` + srv.URL + `/v1/user?page=2"`
		}
		_, _ = fmt.Fprintf(w, `{"count": 5000, "next": %s, "results": [%s]}`, next, user("usr_"+r.URL.Query().Get("page")))
	}))
	t.Cleanup(srv.Close)

	c := newClient(t, srv.URL, "dev-token", func(cfg *client.Config) { cfg.MaxConcurrentRequests = 4 })
	_, err := c.ListUsers(context.Background(), client.ListUsersQuery{})
	if !errors.Is(err, client.ErrInconsistentListing) {
		t.Fatalf("err = %v, want ErrInconsistentListing", err)
	}
	if n := requests.Load(); n > 1+4 {
		t.Errorf("sent %d requests, want at most the first page and one window of 4", n)
	}
}

// Users reads page n+1 only when the caller asks for a user past page n,
// and nothing more once the caller stops.
func TestUsersFetchesPagesOnDemand(t *testing.T) {
	cases := map[string]struct {
		take, max int
		wantPages []string
	}{
		"stop within page one":        {take: 3, wantPages: []string{""}},
		"stop at the end of page one": {take: 7, wantPages: []string{""}},
		"one past page one":           {take: 8, wantPages: []string{"", "2"}},
		"everything":                  {take: -1, wantPages: []string{"", "2", "3", "4", "5", "6", "7", "8"}},
		"max results":                 {take: -1, max: 15, wantPages: []string{"", "2", "3"}},
		"max results at a border":     {take: -1, max: 14, wantPages: []string{"", "2"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv, c := start(t, emulator.Options{PageSize: 7}, emulator.GenerateUsers(53)...)
			var got []string
			for user, err := range c.Users(context.Background(), client.ListUsersQuery{MaxResults: tc.max}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, user.ID)
				// Page k holds users 7(k-1)+1 to 7k: none after it is read yet.
				if pagesRead, due := len(srv.Requests()), (len(got)+6)/7; pagesRead != due {
					t.Fatalf("with %d users taken, %d pages were read, want %d", len(got), pagesRead, due)
				}
				if len(got) == tc.take {
					break
				}
			}
			want := emulatorIDs(srv.Users())
			if tc.take >= 0 {
				want = want[:tc.take]
			} else if tc.max > 0 {
				want = want[:tc.max]
			}
			if !slices.Equal(got, want) {
				t.Errorf("ids = %v, want %v", got, want)
			}
			var pages []string
			for _, r := range srv.Requests() {
				pages = append(pages, r.Query.Get("page"))
			}
			if !slices.Equal(pages, tc.wantPages) {
				t.Errorf("fetched pages %q in this order, want %q", pages, tc.wantPages)
			}
		})
	}
}

// An error ends the sequence: the users before it, then the error, once.
func TestUsersEndsWithTheError(t *testing.T) {
	srv := newHostile(t, pages(
		`{"count": 4, "next": "$BASE/v1/user?page=2", "results": [`+user("usr_1")+`, `+user("usr_2")+`]}`,
		`{"count": 3, "next": null, "results": [`+user("usr_3")+`]}`,
	))
	var got []string
	var errs []error
	for user, err := range srv.client(t).Users(context.Background(), client.ListUsersQuery{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, user.ID)
	}
	if !slices.Equal(got, []string{"usr_1", "usr_2"}) || len(errs) != 1 || !errors.Is(errs[0], client.ErrInconsistentListing) {
		t.Errorf("users %v, errors %v; want two users, then the changed count", got, errs)
	}
}
