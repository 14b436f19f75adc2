package client

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// ReadStrategy is how GetUser answers: with a GET of its own, or from a
// listing of users fetched by the same client.
type ReadStrategy string

const (
	// ReadAdaptive sends a GET per read until the reads have cost as many
	// requests as listing every user would, then lists every user once and
	// answers the other reads from that listing. Listings fetched for other
	// reasons (data sources, email look-ups) answer reads from the start.
	ReadAdaptive ReadStrategy = "adaptive"
	// ReadList lists every user at the first read that needs a request,
	// and answers the reads from that listing.
	ReadList ReadStrategy = "list"
	// ReadGet sends one GET per read, whatever was listed.
	ReadGet ReadStrategy = "get"
)

// ReadStrategies are the strategies in the order the documentation names them.
var ReadStrategies = []ReadStrategy{ReadAdaptive, ReadList, ReadGet}

// ListingMaxAge is how long users from a listing may answer reads. Terraform
// starts a provider for every command, so a listing never answers the reads
// of another plan; within one, a listing older than this is read again.
const ListingMaxAge = 5 * time.Minute

// GetUser reads one user by id. Every single-user read of the provider
// comes here: refreshes, the plans of adoptions, imports and the preo_user
// data source. It answers from a listing this client fetched when one holds
// the user and may answer (see reads), and otherwise with a GET of its own.
// A user missing from a listing is read with a GET all the same: only a
// GET's proven 404 says that a user is gone.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	r := c.reads
	waited := false
	for {
		step := r.next(ctx, id, waited)
		switch step.action {
		case answerFromListing:
			return step.user, nil
		case waitForListing:
			if err := wait(ctx, step.done); err != nil {
				return nil, fmt.Errorf("read user %q: waiting for the listing of users: %w", id, err)
			}
			waited = waited || step.from != nil
			continue
		case probeListing:
			r.probe(ctx, c)
			continue
		case listEveryone:
			r.listEveryone(ctx, c, step.from)
			waited = true
			continue
		}
		user, err := c.fetchUser(ctx, id)
		r.fetched(ctx, id, user, step.action == proveListing)
		return user, err
	}
}

// fetchUser reads one user with its own GET.
func (c *Client) fetchUser(ctx context.Context, id string) (*User, error) {
	user, err := c.userAnswer(ctx, fmt.Sprintf("read user %q", id), http.MethodGet, id, nil)
	if IsNotFound(err) {
		err = c.confirmNotFound(ctx, err)
	}
	return user, c.redact(err)
}

// reads is what one client remembers of the users it listed, to answer
// single-user reads from listings instead of a GET each. Its rules keep
// every answer as true as a GET's:
//
//   - Only listings that were read whole and checked answer reads; a failed
//     listing leaves nothing behind, and reads waiting on it send their GET.
//   - A listing answers reads only once it has proven that it carries what
//     a GET carries: a user read with a GET is compared with its entry in a
//     listing, and if the GET returned a field that the listing leaves out,
//     no listing answers reads in this client.
//   - A user PATCHed through this client is never answered from a listing
//     that started before the PATCH returned.
//   - A listing answers reads for ListingMaxAge.
type reads struct {
	strategy ReadStrategy
	now      func() time.Time

	mu      sync.Mutex
	seq     uint64 // orders listings and PATCHes
	listed  map[string]listedUser
	patched map[string]uint64 // the seq after which a listing may answer for the user

	// The proof that listings carry what a GET carries.
	proof       proofState
	fetchedWith map[string]fieldSet // the fields of each GET answer, by user id
	getFields   fieldSet            // every field a GET answered with
	proving     chan struct{}       // closed when the read proving a listing ends

	// The adaptive strategy's count, and the listing of every user.
	gets      int // reads that needed a request
	pages     int // pages that list every user; 0 until known
	probing   chan struct{}
	everyone  *everyoneListing
	listedAll time.Time // when the last listing of every user that answered started
	noListing bool      // listing every user failed, or is too large: reads stay GETs
}

type proofState int

const (
	unproven proofState = iota
	proven
	disproven
)

// listedUser is a user as a listing gave it.
type listedUser struct {
	user   *User
	seq    uint64    // the seq when its listing started
	listed time.Time // when its listing started
}

// everyoneListing is the listing of every user, begun by a probe that read
// its first page, or in flight.
type everyoneListing struct {
	l        *listing
	first    []User
	seq      uint64
	started  time.Time
	done     chan struct{}
	complete bool
}

func newReads(strategy ReadStrategy) *reads {
	if strategy == "" {
		strategy = ReadAdaptive
	}
	return &reads{
		strategy:    strategy,
		now:         time.Now,
		listed:      map[string]listedUser{},
		patched:     map[string]uint64{},
		fetchedWith: map[string]fieldSet{},
	}
}

type action int

const (
	get action = iota
	proveListing
	answerFromListing
	waitForListing
	probeListing
	listEveryone
)

// step is what a read does next: its action, the user that answers it, the
// channel it waits on, and the listing of every user that it fetches or
// waits for.
type step struct {
	action action
	user   *User
	done   chan struct{}
	from   *everyoneListing
}

// next decides how the read of id goes on. waited says that it already
// waited for the listing of every user (or fetched it), which it does once
// at most: a user that listing lacks needs a GET.
func (r *reads) next(ctx context.Context, id string, waited bool) step {
	if r.strategy == ReadGet {
		return step{action: get}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if entry, ok := r.entry(id); ok && !r.everyoneWillProve() {
		switch r.proof {
		case proven:
			if r.compare(ctx, r.getFields, entry.user); r.proof == proven {
				answer := *entry.user
				return step{action: answerFromListing, user: &answer}
			}
		case unproven:
			if r.proving != nil {
				return step{action: waitForListing, done: r.proving}
			}
			r.proving = make(chan struct{})
			r.gets++
			return step{action: proveListing}
		}
		r.gets++
		return step{action: get}
	}
	if waited || r.proof == disproven || r.noListing {
		r.gets++
		return step{action: get}
	}
	if r.probing != nil {
		return step{action: waitForListing, done: r.probing}
	}
	if e := r.everyoneInFlight(); e != nil {
		return step{action: waitForListing, done: e.done, from: e}
	}
	if r.listedEveryoneRecently() {
		// Listed, and not there: the user needs a GET, which may prove it gone.
		r.gets++
		return step{action: get}
	}
	if r.strategy == ReadList || r.pages > 0 && r.gets >= r.pages {
		r.everyone = r.startEveryone()
		return step{action: listEveryone, from: r.everyone}
	}
	if r.pages == 0 && r.gets == 1 {
		// The second read learns what listing everyone costs; a single
		// read never pays for it.
		r.probing = make(chan struct{})
		return step{action: probeListing}
	}
	r.gets++
	return step{action: get}
}

// everyoneWillProve reports whether the adaptive reads are about to list
// every user, a listing that holds the users already read with a GET and so
// proves itself: a read that would otherwise prove a listing with a GET of
// its own waits for it instead.
func (r *reads) everyoneWillProve() bool {
	return r.strategy == ReadAdaptive && r.proof == unproven && r.pages > 0 && r.gets >= r.pages &&
		len(r.fetchedWith) > 0 && !r.noListing && !r.listedEveryoneRecently()
}

// entry is the listed user id, if a listing may answer for it.
func (r *reads) entry(id string) (listedUser, bool) {
	entry, ok := r.listed[id]
	if !ok {
		return listedUser{}, false
	}
	if r.now().Sub(entry.listed) > ListingMaxAge {
		delete(r.listed, id)
		return listedUser{}, false
	}
	return entry, true
}

func (r *reads) everyoneInFlight() *everyoneListing {
	if e := r.everyone; e != nil && !e.complete && e.done != nil {
		return e
	}
	return nil
}

func (r *reads) listedEveryoneRecently() bool {
	return !r.listedAll.IsZero() && r.now().Sub(r.listedAll) <= ListingMaxAge
}

// startEveryone begins the listing of every user, from the probe's first
// page while that is recent enough to answer reads.
func (r *reads) startEveryone() *everyoneListing {
	if e := r.everyone; e != nil && e.l != nil && r.now().Sub(e.started) <= ListingMaxAge {
		e.done = make(chan struct{})
		return e
	}
	return &everyoneListing{seq: r.tick(), started: r.now(), done: make(chan struct{})}
}

func (r *reads) tick() uint64 {
	r.seq++
	return r.seq
}

// probe reads the first page of every user's listing: it tells how many
// pages listing everyone takes, and its users may answer reads.
func (r *reads) probe(ctx context.Context, c *Client) {
	err := c.probeListing(ctx)

	r.mu.Lock()
	defer r.mu.Unlock()
	close(r.probing)
	r.probing = nil
	if err != nil {
		// A probe that failed is not worth a second try: the reads go on
		// with their GETs and report their own errors.
		r.noListing = true
		tflog.Debug(ctx, "Reads of single users stay GETs: the first page of the user listing failed", map[string]any{"error": err.Error()})
	}
}

// probeListing reads the first page of every user's listing, which proves
// that the API answers (see confirmNotFound) and tells the reads what
// listing everyone takes.
func (c *Client) probeListing(ctx context.Context) error {
	seq, started := c.reads.beginListing()
	l, users, err := c.startListing(ctx, ListUsersQuery{MaxResults: 1})
	if err != nil {
		return c.redact(err)
	}
	c.reads.learn(ctx, l, users, seq, started)
	return nil
}

// learn takes what the first page of every user's listing tells: the pages
// listing everyone takes, and users that may answer reads.
func (r *reads) learn(ctx context.Context, l *listing, users []User, seq uint64, started time.Time) {
	if r.strategy == ReadGet {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pages = ceilDiv(l.count, l.pageSize)
	if r.pages > MaxListingPages || l.count > MaxListingUsers {
		r.noListing = true
		tflog.Debug(ctx, fmt.Sprintf("Reads of single users stay GETs: listing all %d users would take %d pages", l.count, r.pages))
		return
	}
	r.feedLocked(ctx, users, seq, started)
	if r.everyoneInFlight() != nil {
		return
	}
	r.everyone = &everyoneListing{l: l, first: users, seq: seq, started: started, complete: r.pages <= 1}
	if r.everyone.complete {
		r.listedAll = started
	}
}

// listEveryone lists every user, going on from the probe's first page when
// there is one, and lets the listing answer reads once it is whole.
func (r *reads) listEveryone(ctx context.Context, c *Client, e *everyoneListing) {
	var (
		users []User
		err   error
	)
	if e.l == nil {
		e.l, e.first, err = c.startListing(ctx, ListUsersQuery{})
	}
	if err == nil {
		// The probe asked for one user; the listing goes on to every one.
		e.l.need, e.l.lastPage = e.l.count, max(1, ceilDiv(e.l.count, e.l.pageSize))
		users, err = e.l.rest(ctx, e.first)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	defer close(e.done)
	e.complete = true
	if err != nil {
		// Never cached: the reads waiting on it send their GETs, and no
		// later read lists again.
		r.noListing = true
		tflog.Warn(ctx, "Reads of single users stay GETs: listing every user failed", map[string]any{"error": c.redact(err).Error()})
		return
	}
	r.pages = e.l.lastPage
	r.listedAll = e.started
	r.feedLocked(ctx, users, e.seq, e.started)
}

// feed lets users from a listing that started at seq, and was read whole
// and checked, answer reads.
func (r *reads) feed(ctx context.Context, users []User, seq uint64, started time.Time) {
	if r.strategy == ReadGet {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.feedLocked(ctx, users, seq, started)
}

func (r *reads) feedLocked(ctx context.Context, users []User, seq uint64, started time.Time) {
	if r.proof == disproven {
		return
	}
	for i := range users {
		user := &users[i]
		if seq <= r.patched[user.ID] {
			continue
		}
		if fields, ok := r.fetchedWith[user.ID]; ok {
			r.compare(ctx, fields, user)
		}
		if old, ok := r.listed[user.ID]; ok && old.seq > seq {
			continue
		}
		r.listed[user.ID] = listedUser{user: user, seq: seq, listed: started}
	}
}

// beginListing is the seq and the time a listing starts at.
func (r *reads) beginListing() (uint64, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tick(), r.now()
}

// fetched records a GET's answer: the fields it carries, compared with the
// user's entry in a listing, which proves or disproves that listings carry
// what a GET carries.
func (r *reads) fetched(ctx context.Context, id string, user *User, proving bool) {
	if r.strategy == ReadGet {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if proving {
		defer func() { close(r.proving); r.proving = nil }()
	}
	if user == nil {
		return
	}
	r.getFields |= fieldsOf(user)
	if len(r.fetchedWith) < maxRemembered {
		r.fetchedWith[id] = fieldsOf(user)
	}
	if entry, ok := r.listed[id]; ok {
		r.compare(ctx, fieldsOf(user), entry.user)
	}
}

// maxRemembered bounds how many GET answers the proof remembers.
const maxRemembered = MaxListingUsers

// compare proves listings right when the listed user carries every field
// that a GET answered with, and wrong otherwise.
func (r *reads) compare(ctx context.Context, fetched fieldSet, listed *User) {
	if r.proof == disproven {
		return
	}
	if missing := fetched &^ fieldsOf(listed); missing != 0 {
		r.proof = disproven
		r.listed = map[string]listedUser{}
		tflog.Warn(ctx, fmt.Sprintf("Preo's user listing leaves out %s, which a GET returns (user %q): "+
			"every user is read with a GET of its own from now on", missing, listed.ID))
		return
	}
	r.proof = proven
}

// patching keeps listings from answering for the user id while a PATCH to
// it is in flight, and returns what marks the PATCH's end.
func (r *reads) patching(id string) func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.patched[id] = math.MaxUint64
	delete(r.listed, id)
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.patched[id] = r.tick()
		delete(r.listed, id)
	}
}

// wait waits for done, or for ctx to end.
func wait(ctx context.Context, done chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fieldSet is a set of the user fields an answer carried.
type fieldSet uint16

// userFieldNames are the fields of a user, in the API reference's order.
var userFieldNames = [...]string{"id", "email", "phone_number", "first_name", "last_name", "is_verified", "is_active",
	"locale", "msg_channel", "date_joined", "last_seen", "metadata"}

// fieldsOf is the set of fields the answer carried: all but the optional
// ones it left out, since an answer without a required field is refused
// before anything reads it.
func fieldsOf(u *User) fieldSet {
	carried := fieldSet(1)<<len(userFieldNames) - 1
	for _, name := range u.Missing {
		if i := slices.Index(userFieldNames[:], name); i >= 0 {
			carried &^= 1 << i
		}
	}
	return carried
}

func (s fieldSet) String() string {
	var names []string
	for i, name := range userFieldNames {
		if s&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}
