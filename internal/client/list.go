package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"golang.org/x/sync/errgroup"
)

// Errors a listing can end with besides an *APIError.
var (
	// ErrForeignNextLink: a "next" link pointed away from the base URL. It is
	// not followed, since the request would carry the token there.
	ErrForeignNextLink = errors.New("the API returned a next link to another origin")
	// ErrNextLinkLoop: a "next" link pointed at a page already read.
	ErrNextLinkLoop = errors.New("the API returned a next link to a page already read")
	// ErrInconsistentListing: the pages did not add up, typically because
	// users changed while they were being listed.
	ErrInconsistentListing = errors.New("the listing changed while it was read")
)

type page struct {
	Count   int     `json:"count"`
	Next    *string `json:"next"`
	Results []User  `json:"results"`
}

// ListUsers reads every user matching q, or the first q.MaxResults of them.
// The first page tells the count and the page size; the remaining pages the
// listing needs are then fetched in parallel and joined in order, and each
// page's own "next" link is checked against the page that follows it, so the
// result is exactly what following the links one by one would give.
func (c *Client) ListUsers(ctx context.Context, q ListUsersQuery) (*UserList, error) {
	const operation = "list users"
	firstURL := c.listURL(q)
	first, err := c.fetchPage(ctx, operation, firstURL)
	if err != nil {
		return nil, err
	}
	want := first.Count
	if q.MaxResults > 0 {
		want = min(want, q.MaxResults)
	}
	seen := map[string]bool{canonicalURL(firstURL): true}
	users := first.Results
	if len(users) >= want || first.Next == nil {
		return finishListing(operation, users, first.Count, want)
	}

	next, err := c.checkNextLink(operation, *first.Next, seen)
	if err != nil {
		return nil, err
	}
	rest, err := c.fetchRemainingPages(ctx, operation, next, len(first.Results), want-len(users), first.Count, seen)
	if err != nil {
		return nil, err
	}
	return finishListing(operation, append(users, rest...), first.Count, want)
}

// fetchRemainingPages reads the pages after the first until need more users
// are in hand. DRF's page-number links make every page URL known in advance,
// so pages are fetched in parallel, one window of max_concurrent_requests
// pages at a time; a count that is wrong, or shrinks during the listing, thus
// costs at most one window of requests. Each page's own "next" link must then
// name the page that follows it, exactly as following the links would.
func (c *Client) fetchRemainingPages(ctx context.Context, operation string, next *url.URL, pageSize, need, count int, seen map[string]bool) ([]User, error) {
	startPage, err := strconv.Atoi(next.Query().Get("page"))
	if err != nil || startPage < 2 || pageSize == 0 {
		return nil, fmt.Errorf("%s: %w: %s is not a link to a numbered page after a page of %d users", operation, ErrInconsistentListing, next.Redacted(), pageSize)
	}
	lastPage := startPage + (need+pageSize-1)/pageSize - 1

	var users []User
	for windowStart := startPage; windowStart <= lastPage; windowStart += c.maxConcurrent {
		windowEnd := min(windowStart+c.maxConcurrent-1, lastPage)
		pages, err := c.fetchPages(ctx, operation, next, windowStart, windowEnd)
		if err != nil {
			return nil, err
		}
		for i, p := range pages {
			number := windowStart + i
			seen[canonicalURL(withPage(next, number))] = true
			if p.Count != count {
				return nil, fmt.Errorf("%s: %w: the count went from %d to %d between pages; run again", operation, ErrInconsistentListing, count, p.Count)
			}
			users = append(users, p.Results...)
			if number == lastPage {
				break
			}
			if err := c.checkFollowingPage(operation, p, number, withPage(next, number+1), count, seen); err != nil {
				return nil, err
			}
		}
	}
	return users, nil
}

// fetchPages reads pages first to last of the listing that next belongs to,
// in parallel, and returns them in order.
func (c *Client) fetchPages(ctx context.Context, operation string, next *url.URL, first, last int) ([]*page, error) {
	pages := make([]*page, last-first+1)
	group, groupCtx := errgroup.WithContext(ctx)
	for i := range pages {
		group.Go(func() error {
			p, err := c.fetchPage(groupCtx, operation, withPage(next, first+i))
			if IsNotFound(err) {
				return fmt.Errorf("%s: %w: page %d no longer exists, so users were removed during the listing; run again: %w", operation, ErrInconsistentListing, first+i, err)
			}
			pages[i] = p
			return err
		})
	}
	return pages, group.Wait()
}

// checkFollowingPage checks that page number links to want, the page the
// listing fetched after it.
func (c *Client) checkFollowingPage(operation string, p *page, number int, want *url.URL, count int, seen map[string]bool) error {
	if p.Next == nil {
		return fmt.Errorf("%s: %w: page %d has no next link although the API counted %d users; run again", operation, ErrInconsistentListing, number, count)
	}
	link, err := c.checkNextLink(operation, *p.Next, seen)
	if err != nil {
		return err
	}
	if canonicalURL(link) != canonicalURL(want) {
		return fmt.Errorf("%s: %w: page %d links to %s instead of %s", operation, ErrInconsistentListing, number, link.Redacted(), want.Redacted())
	}
	return nil
}

// finishListing trims the users to want and checks that a complete listing
// holds as many users as the API counted.
func finishListing(operation string, users []User, count, want int) (*UserList, error) {
	if len(users) > want {
		users = users[:want]
	}
	if len(users) != want {
		return nil, fmt.Errorf("%s: %w: the API counted %d users but its pages held %d; run again", operation, ErrInconsistentListing, count, len(users))
	}
	return &UserList{Users: users, Count: count}, nil
}

func (c *Client) fetchPage(ctx context.Context, operation string, target *url.URL) (*page, error) {
	body, err := c.do(ctx, operation, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("%s: the answer from %s is not a page of users: %w", operation, target.Redacted(), err)
	}
	for _, user := range p.Results {
		if user.ID == "" {
			return nil, fmt.Errorf("%s: the answer from %s holds a user without an id", operation, target.Redacted())
		}
	}
	return &p, nil
}

// checkNextLink parses a "next" link and refuses one that leaves the base
// URL's origin or returns to a page already read.
func (c *Client) checkNextLink(operation, link string, seen map[string]bool) (*url.URL, error) {
	next, err := c.base.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("%s: the API returned a next link that is not a URL (%q): %w", operation, link, err)
	}
	if !sameOrigin(next, c.base) {
		return nil, fmt.Errorf("%s: %w: %s is not on %s, so it was not requested; check base_url, or the proxy in front of Preo", operation, ErrForeignNextLink, next.Redacted(), c.base.Redacted())
	}
	if seen[canonicalURL(next)] {
		return nil, fmt.Errorf("%s: %w: %s; the listing stopped instead of looping", operation, ErrNextLinkLoop, next.Redacted())
	}
	return next, nil
}

func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && a.Hostname() == b.Hostname() && effectivePort(a) == effectivePort(b)
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

// canonicalURL makes links that differ only in parameter order compare equal.
func canonicalURL(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.EscapedPath() + "?" + u.Query().Encode()
}

func withPage(u *url.URL, number int) *url.URL {
	out := *u
	query := u.Query()
	query.Set("page", strconv.Itoa(number))
	out.RawQuery = query.Encode()
	return &out
}
