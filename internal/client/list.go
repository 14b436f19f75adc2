package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"
)

// Upper bounds on one listing. The API's count decides how many pages a
// listing reads; these keep a wrong or hostile count from turning into
// endless requests and memory. A listing that needs more fails before it
// reads past its first page.
const (
	MaxListingUsers = 100_000
	MaxListingPages = 10_000
)

// Errors a listing can end with besides an *APIError and ErrInvalidAnswer.
var (
	// ErrForeignNextLink: a "next" link pointed outside the API under the
	// base URL. It is not followed, since the request would carry the token.
	ErrForeignNextLink = errors.New("the API returned a next link outside the API")
	// ErrNextLinkLoop: a "next" link pointed at a page already read.
	ErrNextLinkLoop = errors.New("the API returned a next link to a page already read")
	// ErrInconsistentListing: the pages did not add up, typically because
	// users changed while they were being listed.
	ErrInconsistentListing = errors.New("the listing changed while it was read")
	// ErrListingTooLarge: the listing needs more than MaxListingUsers users
	// or MaxListingPages pages.
	ErrListingTooLarge = errors.New("the listing is larger than one read may be")
)

// ListUsers reads every user matching q, or the first q.MaxResults of them.
// The first page tells the count and the page size, which make every later
// page's URL known in advance; the pages the listing still needs are then
// fetched in parallel, one window of MaxConcurrentRequests pages at a time,
// and checked and joined in order, so the result is exactly what following
// the "next" links one by one would give.
func (c *Client) ListUsers(ctx context.Context, q ListUsersQuery) (*UserList, error) {
	seq, started := c.reads.beginListing()
	l, users, err := c.startListing(ctx, q)
	if err == nil {
		users, err = l.rest(ctx, users)
	}
	if err != nil {
		return nil, c.redact(err)
	}
	c.reads.feed(ctx, users, seq, started)
	return &UserList{Users: users, Count: l.count}, nil
}

// rest fetches the pages after the first that the listing needs, one
// window of MaxConcurrentRequests pages at a time, and returns the users of
// every page, starting with first, those of page 1.
func (l *listing) rest(ctx context.Context, first []User) ([]User, error) {
	users := first
	for start := 2; start <= l.lastPage; start += l.c.maxConcurrent {
		end := min(start+l.c.maxConcurrent-1, l.lastPage)
		pages, err := l.fetchWindow(ctx, start, end)
		if err != nil {
			return nil, err
		}
		for i, p := range pages {
			if err := l.check(start+i, p); err != nil {
				return nil, err
			}
			users = append(users, p.Results...)
		}
	}
	return users[:l.need], nil
}

// Users reads the users matching q one page at a time, as the caller
// consumes them: page n+1 is requested only when the caller asks for a user
// past page n, and nothing more once the caller stops. Every page is checked
// as ListUsers checks it. An error ends the sequence.
func (c *Client) Users(ctx context.Context, q ListUsersQuery) iter.Seq2[User, error] {
	return func(yield func(User, error) bool) {
		seq, started := c.reads.beginListing()
		l, users, err := c.startListing(ctx, q)
		if err != nil {
			yield(User{}, c.redact(err))
			return
		}
		// The pages read answer single-user reads once the sequence ends
		// without an error: a page that fails fails them all.
		var read [][]User
		defer func() {
			for _, page := range read {
				c.reads.feed(ctx, page, seq, started)
			}
		}()
		given := 0
		for number := 1; ; number++ {
			if number > 1 {
				p, err := l.fetch(ctx, number)
				if err == nil {
					err = l.check(number, p)
				}
				if err != nil {
					read = nil
					yield(User{}, c.redact(err))
					return
				}
				users = p.Results
			}
			read = append(read, users[:min(len(users), l.need-given)])
			for _, user := range users {
				if given == l.need || !yield(user, nil) {
					return
				}
				given++
			}
			if number == l.lastPage {
				return
			}
		}
	}
}

// listing is one read of GET /v1/user. The first page fixes the count and
// the page size; every later page must agree with them, so that the users
// read are exactly those the API counted, in its order.
type listing struct {
	c        *Client
	first    *url.URL // page 1; page n is the same URL with page=n
	count    int      // the API's count of all matching users
	pageSize int      // users on every page but the last
	need     int      // users the caller wants: the count, or fewer
	lastPage int      // the last page the caller needs
	ids      map[string]bool
}

const listOperation = "list users"

// page is one page of the listing as the API sends it. Pointers and a nil
// slice tell a missing or null field from a zero one.
type page struct {
	Count   *int         `json:"count"`
	Next    *string      `json:"next"`
	Fields  []userFields `json:"results"`
	Results []User       `json:"-"` // Fields as users, once fetch decoded them
}

// startListing reads and checks the first page and returns the listing and
// the page's users.
func (c *Client) startListing(ctx context.Context, q ListUsersQuery) (*listing, []User, error) {
	l := &listing{c: c, first: c.listURL(q), ids: map[string]bool{}}
	p, err := l.fetch(ctx, 1)
	if err != nil {
		return nil, nil, err
	}
	if err := l.begin(p, q.MaxResults); err != nil {
		return nil, nil, err
	}
	c.listingAnswers.Store(true)
	return l, p.Results, nil
}

// begin takes the count and the page size from the first page, and works
// out how many pages the caller needs.
func (l *listing) begin(p *page, maxResults int) error {
	if err := l.checkShape(1, p); err != nil {
		return err
	}
	count, held := *p.Count, len(p.Results)
	switch {
	case held > count:
		return l.fail(ErrInvalidAnswer, 1, "it holds %d users but counts only %d", held, count)
	case held == 0 && count > 0:
		return l.fail(ErrInvalidAnswer, 1, "it holds no users but counts %d", count)
	}
	l.count, l.pageSize, l.need = count, held, count
	if maxResults > 0 {
		l.need = min(count, maxResults)
	}
	l.lastPage = max(1, ceilDiv(l.need, held))
	if l.need > MaxListingUsers || l.lastPage > MaxListingPages {
		return l.fail(ErrListingTooLarge, 1, "it needs %d users on %d pages of %d, more than the %d users or %d pages one listing reads",
			l.need, l.lastPage, held, MaxListingUsers, MaxListingPages)
	}
	return l.checkNext(1, p)
}

// check compares a later page with what the first page established.
func (l *listing) check(number int, p *page) error {
	if err := l.checkShape(number, p); err != nil {
		return err
	}
	if *p.Count != l.count {
		return l.fail(ErrInconsistentListing, number, "the count went from %d to %d between pages; run again", l.count, *p.Count)
	}
	if want := min(l.pageSize, l.count-(number-1)*l.pageSize); len(p.Results) != want {
		return l.fail(ErrInconsistentListing, number, "it holds %d users where %d were due; run again", len(p.Results), want)
	}
	return l.checkNext(number, p)
}

// checkShape checks what every page must hold: a count that is not
// negative, a list of results, and users with ids not seen before.
func (l *listing) checkShape(number int, p *page) error {
	switch {
	case p.Count == nil:
		return l.fail(ErrInvalidAnswer, number, "it has no count")
	case *p.Count < 0:
		return l.fail(ErrInvalidAnswer, number, "its count is %d", *p.Count)
	case p.Results == nil:
		return l.fail(ErrInvalidAnswer, number, "it has no results")
	}
	for i, user := range p.Results {
		if user.invalid != "" {
			which := ""
			if user.ID != "" {
				which = fmt.Sprintf(" (%q)", user.ID)
			}
			return l.fail(ErrInvalidAnswer, number, "its user %d%s %s", i+1, which, user.invalid)
		}
		if l.ids[user.ID] {
			return l.fail(ErrInconsistentListing, number, "the user %q is listed twice; run again", user.ID)
		}
		l.ids[user.ID] = true
	}
	return nil
}

// checkNext checks a page's "next" link: the last page of the count has
// none, and every other page links to exactly the page that follows it.
func (l *listing) checkNext(number int, p *page) error {
	last := number >= ceilDiv(l.count, l.pageSize)
	switch {
	case last && p.Next == nil:
		return nil
	case last:
		return l.fail(ErrInconsistentListing, number, "it holds the last of the %d users counted but links to a next page", l.count)
	case p.Next == nil:
		return l.fail(ErrInconsistentListing, number, "it has no next link although the API counted %d users; run again", l.count)
	}
	link, err := l.first.Parse(*p.Next)
	if err != nil {
		return l.fail(ErrInvalidAnswer, number, "its next link %q is not a URL", *p.Next)
	}
	want := l.pageURL(number + 1)
	switch {
	case link.User != nil || !sameOrigin(link, want) || link.Path != want.Path:
		return l.fail(ErrForeignNextLink, number, "%s is not under %s, so it was not requested", link.Redacted(), l.first.Redacted())
	case l.isPageUpTo(link, number):
		return l.fail(ErrNextLinkLoop, number, "%s; the listing stopped instead of looping", link.Redacted())
	case link.Fragment != "" || link.Query().Encode() != want.Query().Encode():
		return l.fail(ErrInconsistentListing, number, "it links to %s instead of %s", link.Redacted(), want.Redacted())
	}
	return nil
}

// isPageUpTo reports whether link is one of pages 1 to number of this listing.
func (l *listing) isPageUpTo(link *url.URL, number int) bool {
	query := link.Query()
	pageNumber := 1
	if query.Has("page") {
		n, err := strconv.Atoi(query.Get("page"))
		if err != nil {
			return false
		}
		pageNumber = n
	}
	query.Del("page")
	return pageNumber >= 1 && pageNumber <= number && query.Encode() == l.first.Query().Encode()
}

// fetch reads one page. A later page that is gone means users were removed
// while the listing was read.
func (l *listing) fetch(ctx context.Context, number int) (*page, error) {
	var p page
	err := l.c.do(ctx, listOperation, http.MethodGet, l.pageURL(number), nil, &p)
	if number > 1 && IsNotFound(err) {
		return nil, l.fail(ErrInconsistentListing, number, "the page no longer exists, so users were removed during the listing; run again: %w", err)
	}
	if err != nil {
		return nil, err
	}
	if p.Fields != nil {
		p.Results = make([]User, len(p.Fields))
		for i := range p.Fields {
			p.Results[i] = p.Fields[i].user()
		}
	}
	return &p, nil
}

// fetchWindow reads pages first to last in parallel and returns them in
// order, unchecked.
func (l *listing) fetchWindow(ctx context.Context, first, last int) ([]*page, error) {
	pages := make([]*page, last-first+1)
	group, groupCtx := errgroup.WithContext(ctx)
	for i := range pages {
		group.Go(func() error {
			p, err := l.fetch(groupCtx, first+i)
			pages[i] = p
			return err
		})
	}
	return pages, group.Wait()
}

// fail is the listing's one error constructor: which page, what kind of
// failure, and what was wrong with it.
func (l *listing) fail(kind error, number int, format string, args ...any) error {
	return fmt.Errorf("%s: page %d (%s): %w: "+format,
		append([]any{listOperation, number, l.pageURL(number).Redacted(), kind}, args...)...)
}

func (l *listing) pageURL(number int) *url.URL {
	if number == 1 {
		return l.first
	}
	out := *l.first
	query := l.first.Query()
	query.Set("page", strconv.Itoa(number))
	out.RawQuery = query.Encode()
	return &out
}

// ceilDiv divides without the overflow of (a+b-1)/b; a is not negative and
// b is positive, or a is 0.
func ceilDiv(a, b int) int {
	if a == 0 {
		return 0
	}
	quotient := a / b
	if a%b != 0 {
		quotient++
	}
	return quotient
}

func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && strings.EqualFold(a.Hostname(), b.Hostname()) && effectivePort(a) == effectivePort(b)
}

func effectivePort(u *url.URL) string {
	if port := u.Port(); port != "" {
		return port
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}
