package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/sync/errgroup"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// The tests of the read strategies count requests in the emulator's log: a
// tenant of 40 users on 8 pages of 5, unless a test says otherwise.
const (
	tenantUsers = 40
	tenantPage  = 5
	tenantPages = tenantUsers / tenantPage
)

func readsClient(t *testing.T, srv *emulator.TestServer, strategy client.ReadStrategy) *client.Client {
	t.Helper()
	return newClient(t, srv.URL, srv.Token, func(cfg *client.Config) { cfg.ReadStrategy = strategy })
}

// readUsers reads the users with ids, parallel at a time, and checks that
// each answer is the user as the emulator holds it.
func readUsers(t *testing.T, c *client.Client, srv *emulator.TestServer, ids []string, parallel int) {
	t.Helper()
	group, ctx := errgroup.WithContext(context.Background())
	group.SetLimit(parallel)
	for _, id := range ids {
		group.Go(func() error {
			got, err := c.GetUser(ctx, id)
			if err != nil {
				return err
			}
			want, _ := srv.User(id)
			if got.ID != id || got.Email != want.Email || got.FirstName == nil || *got.FirstName != want.FirstName {
				return fmt.Errorf("read %q: got %+v, want %s <%s>", id, got, want.FirstName, want.Email)
			}
			return nil
		})
	}
	if err := group.Wait(); err != nil {
		t.Fatal(err)
	}
}

// spread picks n ids of users, scattered over the pages.
func spread(users []emulator.User, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = users[(i*7)%len(users)].ID
	}
	return ids
}

// requestKinds counts the requests for single users and for pages, and
// fails when a page was requested twice.
func requestKinds(t *testing.T, srv *emulator.TestServer) (gets, pages int) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range srv.Requests() {
		if r.Path != "/v1/user" {
			gets++
			continue
		}
		pages++
		key := r.Query.Encode()
		if seen[key] && r.Query.Get("page") != "" {
			t.Errorf("the page %q was requested twice", key)
		}
		seen[key] = true
	}
	return gets, pages
}

// N adaptive reads cost at most N + 1 requests while N <= P, and at most
// 2 x P + 1 beyond, read one by one or ten at a time as Terraform does.
func TestAdaptiveReadsStayWithinTheirBound(t *testing.T) {
	users := emulator.GenerateUsers(tenantUsers)
	for _, n := range []int{1, 2, 5, tenantPages, tenantPages + 1, 12, 2 * tenantPages, 30, tenantUsers} {
		for _, parallel := range []int{1, 10} {
			t.Run(fmt.Sprintf("%d reads, %d at a time", n, parallel), func(t *testing.T) {
				t.Parallel()
				srv := emulator.NewTestServer(t, emulator.Options{PageSize: tenantPage}, users...)
				readUsers(t, readsClient(t, srv, client.ReadAdaptive), srv, spread(users, n), parallel)
				gets, pages := requestKinds(t, srv)
				bound := 2*tenantPages + 1
				switch {
				case n == 1:
					bound = 1
				case n <= tenantPages:
					bound = n + 1
				}
				if gets+pages > bound {
					t.Errorf("%d reads cost %d GETs and %d pages, more than %d", n, gets, pages, bound)
				}
			})
		}
	}
}

// A listing fetched for another reason answers the reads, once one GET has
// proven that it carries what a GET carries; so does a filtered listing,
// for the users it holds.
func TestListingsAnswerReads(t *testing.T) {
	users := emulator.GenerateUsers(tenantUsers)
	for name, tc := range map[string]struct {
		query client.ListUsersQuery
		ids   []string
	}{
		"every user":          {client.ListUsersQuery{}, spread(users, tenantUsers)},
		"one organization":    {client.ListUsersQuery{OrganizationID: users[0].OrganizationID}, idsOf(users, users[0].OrganizationID)},
		"an email's matches":  {client.ListUsersQuery{Search: users[3].Email}, []string{users[3].ID}},
		"the listing's first": {client.ListUsersQuery{MaxResults: 3}, nil},
		"a stream":            {client.ListUsersQuery{Ordering: []string{"-email"}}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewTestServer(t, emulator.Options{PageSize: tenantPage}, users...)
			c := readsClient(t, srv, client.ReadAdaptive)
			var list client.UserList
			if name == "a stream" {
				for user, err := range c.Users(context.Background(), tc.query) {
					if err != nil {
						t.Fatal(err)
					}
					list.Users = append(list.Users, user)
				}
			} else {
				listed, err := c.ListUsers(context.Background(), tc.query)
				if err != nil {
					t.Fatal(err)
				}
				list = *listed
			}
			_, listed := requestKinds(t, srv)
			srv.ResetRequests()
			if tc.ids == nil {
				for _, u := range list.Users {
					tc.ids = append(tc.ids, u.ID)
				}
			}
			readUsers(t, c, srv, tc.ids, 10)
			if gets, pages := requestKinds(t, srv); gets != 1 || pages != 0 {
				t.Errorf("%d reads after a listing of %d users on %d pages cost %d GETs and %d pages, want the one GET that proves the listing",
					len(tc.ids), len(list.Users), listed, gets, pages)
			}
		})
	}
}

func idsOf(users []emulator.User, organization string) []string {
	var ids []string
	for _, u := range users {
		if u.OrganizationID == organization {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

// Each strategy: "list" lists everyone at the first read, "get" never
// answers from a listing.
func TestReadStrategies(t *testing.T) {
	users := emulator.GenerateUsers(tenantUsers)
	ids := spread(users, 12)
	for _, tc := range []struct {
		strategy    client.ReadStrategy
		listFirst   bool
		gets, pages int
	}{
		{client.ReadList, false, 1, tenantPages},
		{client.ReadGet, false, len(ids), 0},
		{client.ReadGet, true, len(ids), tenantPages},
		{client.ReadAdaptive, true, 1, tenantPages},
	} {
		t.Run(fmt.Sprintf("%s, listed first: %v", tc.strategy, tc.listFirst), func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewTestServer(t, emulator.Options{PageSize: tenantPage}, users...)
			c := readsClient(t, srv, tc.strategy)
			if tc.listFirst {
				if _, err := c.ListUsers(context.Background(), client.ListUsersQuery{}); err != nil {
					t.Fatal(err)
				}
			}
			readUsers(t, c, srv, ids, 10)
			if gets, pages := requestKinds(t, srv); gets != tc.gets || pages != tc.pages {
				t.Errorf("%d reads cost %d GETs and %d pages, want %d and %d", len(ids), gets, pages, tc.gets, tc.pages)
			}
		})
	}
}

// A user missing from a listing is not gone: its own GET decides, and only
// that GET's proven 404 says it is.
func TestUserMissingFromTheListingIsReadWithAGET(t *testing.T) {
	users := emulator.GenerateUsers(tenantUsers)
	srv := emulator.NewTestServer(t, emulator.Options{PageSize: tenantPage}, users...)
	c := readsClient(t, srv, client.ReadList)
	readUsers(t, c, srv, spread(users, 3), 1)
	gone := users[5].ID
	srv.DeleteUser(gone)
	// The listing was taken before the deletion, and still answers for it:
	// Terraform reads a user once in a plan, and the next plan lists again.
	if _, err := c.GetUser(context.Background(), gone); err != nil {
		t.Fatalf("read from the listing: %v", err)
	}
	srv.ResetRequests()
	_, err := c.GetUser(context.Background(), "usr_nobody")
	if !client.IsNotFound(err) {
		t.Fatalf("GetUser of a user nobody has = %v, want a proven 404", err)
	}
	if gets, pages := requestKinds(t, srv); gets != 1 || pages != 0 {
		t.Errorf("a user missing from the listing cost %d GETs and %d pages, want one GET", gets, pages)
	}
}

// A user PATCHed through the client is read with a GET afterwards, also
// when a listing was in flight while the PATCH went through.
func TestPatchedUsersAreNotAnsweredFromEarlierListings(t *testing.T) {
	users := emulator.GenerateUsers(tenantUsers)
	emu := emulator.New(emulator.Options{PageSize: tenantPage})
	emu.Seed(users...)
	listingArrived, releaseListing := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/user" {
			emu.ServeHTTP(w, r)
			return
		}
		// The page is answered now, before the PATCH, and delivered after it.
		answer := httptest.NewRecorder()
		emu.ServeHTTP(answer, r)
		once.Do(func() { close(listingArrived) })
		<-releaseListing
		for name, values := range answer.Header() {
			w.Header()[name] = values
		}
		w.WriteHeader(answer.Code)
		_, _ = w.Write(answer.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, "dev-token", func(cfg *client.Config) { cfg.ReadStrategy = client.ReadAdaptive })
	ctx := context.Background()

	// One GET of a user of the same organization first, so that the
	// listing is proven when it lands.
	if _, err := c.GetUser(ctx, idsOf(users, users[0].OrganizationID)[1]); err != nil {
		t.Fatal(err)
	}
	listed := make(chan error)
	go func() {
		_, err := c.ListUsers(ctx, client.ListUsersQuery{OrganizationID: users[0].OrganizationID})
		listed <- err
	}()
	<-listingArrived
	renamed := "Renamed"
	if _, err := c.UpdateUser(ctx, users[0].ID, client.UserPatch{FirstName: &renamed}); err != nil {
		t.Fatal(err)
	}
	close(releaseListing)
	if err := <-listed; err != nil {
		t.Fatal(err)
	}
	emu.ResetRequests()
	got, err := c.GetUser(ctx, users[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	gets := 0
	for _, r := range emu.Requests() {
		if r.Path == "/v1/user/"+users[0].ID {
			gets++
		}
	}
	if got.FirstName == nil || *got.FirstName != renamed || gets != 1 {
		t.Errorf("after the PATCH, the read answered %+v with %d GETs, want %q from its own GET", got, gets, renamed)
	}
}

// A listing that fails, on a request or on a check, answers nothing: the
// reads waiting on it send their own GETs, and report their errors.
func TestFailedListingsAnswerNothing(t *testing.T) {
	users := emulator.GenerateUsers(tenantUsers)
	for name, page2 := range map[string]func(w http.ResponseWriter){
		"a server error": func(w http.ResponseWriter) {
			writeJSON(w, http.StatusInternalServerError, `{"detail": "A server error occurred."}`)
		},
		"a user listed twice": func(w http.ResponseWriter) {
			writeJSON(w, http.StatusOK, fmt.Sprintf(`{"count": %d, "next": null, "results": [%s]}`, tenantUsers, strings.Repeat(`{"id": "usr_0001"},`, tenantPage-1)+`{"id": "usr_0001"}`))
		},
		"a count that changed": func(w http.ResponseWriter) {
			writeJSON(w, http.StatusOK, `{"count": 3, "next": null, "results": [{"id": "usr_x"}]}`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu := emulator.New(emulator.Options{PageSize: tenantPage})
			emu.Seed(users...)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v1/user" && r.URL.Query().Get("page") == "2" {
					page2(w)
					return
				}
				emu.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			c := newClient(t, srv.URL, "dev-token", func(cfg *client.Config) { cfg.ReadStrategy = client.ReadList })
			if _, err := c.ListUsers(context.Background(), client.ListUsersQuery{}); err == nil {
				t.Fatal("the listing succeeded")
			}
			var streamErr error
			for _, err := range c.Users(context.Background(), client.ListUsersQuery{}) {
				streamErr = err
			}
			if streamErr == nil {
				t.Fatal("the streamed listing succeeded")
			}
			emu.ResetRequests()
			// Page 1 of the listings, whole and checked, belongs to listings
			// that failed: every read is a GET.
			var ids []string
			for _, u := range emu.Users()[:tenantPage] {
				ids = append(ids, u.ID)
			}
			group, ctx := errgroup.WithContext(context.Background())
			for _, id := range ids {
				group.Go(func() error {
					_, err := c.GetUser(ctx, id)
					return err
				})
			}
			if err := group.Wait(); err != nil {
				t.Fatal(err)
			}
			gets := 0
			for _, r := range emu.Requests() {
				if r.Path != "/v1/user" {
					gets++
				}
			}
			if gets != len(ids) {
				t.Errorf("%d reads after failed listings sent %d GETs, want one each", len(ids), gets)
			}
		})
	}
}

// A listing that leaves out a field a GET returns answers no read: every
// read stays a GET, and the log says why. Without a required field, the
// listing is refused outright.
func TestListingWithoutAFieldOfGETAnswersNothing(t *testing.T) {
	users := emulator.GenerateUsers(tenantUsers)
	for field, required := range map[string]bool{
		"email": true, "locale": true, "msg_channel": true, "date_joined": true,
		"phone_number": false, "first_name": false, "last_name": false, "is_verified": false, "is_active": false, "last_seen": false, "metadata": false,
	} {
		t.Run(field, func(t *testing.T) {
			t.Parallel()
			srv := emulator.NewTestServer(t, emulator.Options{PageSize: tenantPage, ListOmits: field}, users...)
			c := readsClient(t, srv, client.ReadAdaptive)
			var logs bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &logs)
			_, err := c.ListUsers(ctx, client.ListUsersQuery{})
			switch {
			case required && !errors.Is(err, client.ErrInvalidAnswer):
				t.Fatalf("a listing without %s: %v, want an invalid answer", field, err)
			case !required && err != nil:
				t.Fatal(err)
			}
			srv.ResetRequests()
			ids := spread(users, 12)
			for _, id := range ids {
				if _, err := c.GetUser(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			// Without a required field, the second read's look at the first
			// page of every user fails as well.
			wantPages := 0
			if required {
				wantPages = 1
			}
			if gets, pages := requestKinds(t, srv); gets != len(ids) || pages != wantPages {
				t.Errorf("%d reads cost %d GETs and %d pages, want a GET each and %d pages", len(ids), gets, pages, wantPages)
			}
			if want := "listing leaves out " + field; !required && !strings.Contains(logs.String(), want) {
				t.Errorf("the log does not say %q:\n%s", want, logs.String())
			}
		})
	}
}

// Reads, PATCHes and listings at once, under the race detector: a read
// that follows a PATCH of the same user always sees what the PATCH stored.
func TestReadsAndPatchesRace(t *testing.T) {
	users := emulator.GenerateUsers(tenantUsers)
	srv := emulator.NewTestServer(t, emulator.Options{PageSize: tenantPage}, users...)
	c := readsClient(t, srv, client.ReadAdaptive)
	group, ctx := errgroup.WithContext(context.Background())
	group.SetLimit(16)
	for range 3 {
		group.Go(func() error {
			_, err := c.ListUsers(ctx, client.ListUsersQuery{})
			return err
		})
	}
	for i, u := range users {
		group.Go(func() error {
			for round := range 3 {
				if i%2 == 0 {
					if _, err := c.GetUser(ctx, u.ID); err != nil {
						return err
					}
					continue
				}
				name := fmt.Sprintf("Round %d", round)
				if _, err := c.UpdateUser(ctx, u.ID, client.UserPatch{FirstName: &name}); err != nil {
					return err
				}
				got, err := c.GetUser(ctx, u.ID)
				if err != nil {
					return err
				}
				if got.FirstName == nil || *got.FirstName != name {
					return fmt.Errorf("read %q after its PATCH: %+v, want the first name %q", u.ID, got, name)
				}
			}
			return nil
		})
	}
	if err := group.Wait(); err != nil {
		t.Fatal(err)
	}
}
