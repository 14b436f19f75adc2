// Package emulator is an in-memory stand-in for the Preo API's user endpoints. It answers as
// the real Django REST framework application does, down to error bodies, pagination links and
// validation messages, so that the provider's tests, the demo and users' own Terraform code
// can run without a Preo account. It also lets tests shape the API's behaviour: latency,
// errors, rate limits, injected failures and out-of-band changes.
package emulator

import (
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	defaultToken    = "dev-token"
	defaultPageSize = 20
	apiPrefix       = "/v1/"
)

// Options shape an emulator's behaviour. The zero value is a well-behaved API.
type Options struct {
	Token     string        // accepted bearer token; "" means "dev-token"
	PageSize  int           // 0 means 20
	Latency   time.Duration // added to every request (respecting the request context)
	ErrorRate float64       // fraction of /v1/ requests answered 503
	RateLimit float64       // requests per second on /v1/ before 429 + Retry-After; 0 = unlimited
	// Quirks, so provider tests can prove they tolerate what a real API may echo:
	ClearedPhoneAsNull bool   // a phone_number PATCHed with "" is stored/echoed as null; DRF keeps ""
	LowercaseEmails    bool   // PATCHed emails are stored lower-cased
	LinkBaseURL        string // if set, next/previous links use this scheme+host instead of the request's
	LoopingNext        bool   // every page's "next" points at the page itself (a broken server)
	// ListOmits names a user field that list entries leave out while single-user answers carry
	// it, as an API would whose listing uses a slimmer serializer.
	ListOmits string
	// RequestLogLimit, if positive, bounds the log behind Requests(): once it holds twice this
	// many requests, all but the latest RequestLogLimit are dropped, so that a long-running
	// emulator does not grow without bound. 0 keeps every request.
	RequestLogLimit int
}

// Request is one request received on /v1/.
type Request struct {
	Method string      `json:"method"`
	Path   string      `json:"path"` // unescaped path, e.g. /v1/user/usr_1
	Query  url.Values  `json:"query"`
	Body   string      `json:"body"`
	Header http.Header `json:"header"` // so tests can check Authorization/User-Agent
}

// record is a stored user with what serving it needs, computed once. Records are never
// changed after creation; an update replaces the record.
type record struct {
	u                                             User
	json                                          []byte
	upperFirst, upperLast, upperEmail, upperPhone string
}

func newRecord(u User) *record {
	u = u.stored()
	rec := &record{
		u:          u,
		upperFirst: strings.ToUpper(u.FirstName),
		upperLast:  strings.ToUpper(u.LastName),
		upperEmail: strings.ToUpper(u.Email),
	}
	if u.PhoneNumber != nil {
		rec.upperPhone = strings.ToUpper(*u.PhoneNumber)
	}
	rec.json = appendUser(nil, &rec.u)
	return rec
}

// Server is the emulator: an http.Handler over an in-memory store of users, safe for
// concurrent use. Its methods are the test-only controls.
type Server struct {
	opts     Options
	token    string
	pageSize int
	linkBase string

	mu   sync.RWMutex
	byID map[string]*record
	// ordered holds every record in the default order. It is replaced, never modified, so a
	// reader may keep using the slice it saw after unlocking.
	ordered []*record
	// seedByID and seedOrdered are the store KeepSeed saw, for Reset. Records are never
	// changed, so keeping them costs no copies.
	seedByID    map[string]*record
	seedOrdered []*record

	ctl      sync.Mutex
	requests []Request
	faults   []*fault
	tokens   float64
	refilled time.Time

	conns       atomic.Int64
	rateLimited atomic.Int64
}

// New returns an emulator with an empty store. It panics if LinkBaseURL is set but is not an
// absolute URL.
func New(opts Options) *Server {
	s := &Server{opts: opts, token: opts.Token, pageSize: opts.PageSize, byID: map[string]*record{}}
	if s.token == "" {
		s.token = defaultToken
	}
	if s.pageSize <= 0 {
		s.pageSize = defaultPageSize
	}
	if opts.LinkBaseURL != "" {
		u, err := url.Parse(opts.LinkBaseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			panic("emulator: Options.LinkBaseURL must be an absolute URL, got " + opts.LinkBaseURL)
		}
		s.linkBase = u.Scheme + "://" + u.Host
	}
	return s
}

// ConnState is a hook for http.Server.ConnState; it counts new connections.
func (s *Server) ConnState(_ net.Conn, st http.ConnState) {
	if st == http.StateNew {
		s.conns.Add(1)
	}
}

// Connections returns how many connections have been opened so far.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// RateLimited returns how many requests the rate limit (Options.RateLimit) has answered with 429
// so far. Failures injected with Fail are not counted.
func (s *Server) RateLimited() int { return int(s.rateLimited.Load()) }

// Seed adds users, replacing any with the same ID. Timestamps are kept as the API's database
// keeps them: in UTC, to the microsecond.
func (s *Server) Seed(users ...User) {
	if len(users) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		s.byID[u.ID] = newRecord(u)
	}
	s.reorder()
}

// KeepSeed records the users held now as those Reset brings back.
func (s *Server) KeepSeed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedByID = maps.Clone(s.byID)
	s.seedOrdered = s.ordered
}

// Reset starts over without a restart, for the next test run: the users become those
// KeepSeed recorded (none, if it was never called), as they were then, and the requests
// received, the failures injected and the rate limit's spent requests are forgotten. It
// returns how many users there are now.
func (s *Server) Reset() int {
	s.mu.Lock()
	s.byID = maps.Clone(s.seedByID)
	if s.byID == nil {
		s.byID = map[string]*record{}
	}
	s.ordered = s.seedOrdered
	users := len(s.byID)
	s.mu.Unlock()

	s.ctl.Lock()
	s.requests = nil
	s.faults = nil
	s.refilled = time.Time{}
	s.ctl.Unlock()
	return users
}

// reorder rebuilds the ordered view from byID; callers hold mu.
func (s *Server) reorder() {
	ordered := make([]*record, 0, len(s.byID))
	for _, rec := range s.byID {
		ordered = append(ordered, rec)
	}
	slices.SortFunc(ordered, compareDefault)
	s.ordered = ordered
}

// replace swaps old for rec in place; the default order is unchanged when neither the date
// joined nor the id changed. Callers hold mu.
func (s *Server) replace(old, rec *record) {
	s.byID[rec.u.ID] = rec
	if compareDefault(old, rec) != 0 {
		s.reorder()
		return
	}
	ordered := slices.Clone(s.ordered)
	if i, ok := slices.BinarySearchFunc(ordered, old, compareDefault); ok {
		ordered[i] = rec
	}
	s.ordered = ordered
}

// User returns a copy of the user with this id.
func (s *Server) User(id string) (User, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.byID[id]
	if !ok {
		return User{}, false
	}
	return rec.u.clone(), true
}

// Users returns copies of all users in the API's default order (date joined, then id).
func (s *Server) Users() []User {
	s.mu.RLock()
	ordered := s.ordered
	s.mu.RUnlock()
	users := make([]User, len(ordered))
	for i, rec := range ordered {
		users[i] = rec.u.clone()
	}
	return users
}

// UpdateUser changes a user out of band, as another client of the API or Preo itself might.
// change gets a copy; changing its ID has no effect. It returns false if the user is unknown.
func (s *Server) UpdateUser(id string, change func(*User)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.byID[id]
	if !ok {
		return false
	}
	u := old.u.clone()
	change(&u)
	u.ID = id
	s.replace(old, newRecord(u))
	return true
}

// DeleteUser removes a user; it returns false if the user is unknown.
func (s *Server) DeleteUser(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[id]; !ok {
		return false
	}
	delete(s.byID, id)
	s.reorder()
	return true
}

// Requests returns copies of the requests received on /v1/, in arrival order.
func (s *Server) Requests() []Request {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: cloneValues(r.Query), Body: r.Body, Header: r.Header.Clone()}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.ctl.Lock()
	s.requests = nil
	s.ctl.Unlock()
}

func (s *Server) record(r *http.Request, q url.Values, body []byte) {
	req := Request{Method: r.Method, Path: r.URL.Path, Query: cloneValues(q), Body: string(body), Header: r.Header.Clone()}
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.requests = append(s.requests, req)
	if limit := s.opts.RequestLogLimit; limit > 0 && len(s.requests) >= 2*limit {
		s.requests = slices.Clone(s.requests[len(s.requests)-limit:])
	}
}
