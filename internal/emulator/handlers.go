package emulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/preo/terraform-provider-preo/internal/emulator/pycompat"
)

// maxBody bounds what the emulator reads of a request body. The real API has no such limit for
// JSON, but a test double should not buffer whatever it is sent.
const maxBody = 2_621_440

var (
	contentTypeJSON = []string{"application/json"}
	contentTypeHTML = []string{"text/html"}
	wwwAuthenticate = []string{`Bearer realm="api"`}
)

// What DRF's views allow; DRF sends this Allow header on every response of the view.
const (
	allowList   = "GET, HEAD, OPTIONS"
	allowDetail = "GET, PATCH, HEAD, OPTIONS"
)

// djangoServerError is the page Django serves when a view raises something DRF does not handle.
const djangoServerError = `
<!doctype html>
<html lang="en">
<head>
  <title>Server Error (500)</title>
</head>
<body>
  <h1>Server Error (500)</h1><p></p>
</body>
</html>
`

// call is one request being answered.
type call struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	api      bool // under /v1/: recorded, and subject to the rate limit and injected failures
	method   string
	q        url.Values
	body     []byte
	tooLarge bool // body holds only the first maxBody bytes
	allow    string
	indent   int
}

// ServeHTTP answers the test-only controls under /_emulator/ directly. Every other request is
// read and recorded, goes through the trouble layer (latency, rate limit, injected failures),
// and, if that lets it through, is answered by the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		s.serveControl(w, r)
		return
	}
	c, ok := s.receive(w, r)
	if !ok || c.trouble() {
		return
	}
	c.serveAPI()
}

// receive reads the request into a call and records it if it is an API request; ok is false
// if the body could not be read.
func (s *Server) receive(w http.ResponseWriter, r *http.Request) (c *call, ok bool) {
	// Django upper-cases the method before dispatching on it.
	c = &call{s: s, w: w, r: r, method: strings.ToUpper(r.Method), q: parseQuery(r.URL.RawQuery)}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, false
	}
	c.tooLarge = len(body) > maxBody
	c.body = body[:min(len(body), maxBody)]
	c.api = strings.HasPrefix(r.URL.Path, apiPrefix)
	if c.api {
		s.record(r, c.q, c.body)
	}
	return c, true
}

// serveAPI answers c as the API does.
func (c *call) serveAPI() {
	if c.tooLarge {
		c.detail(http.StatusRequestEntityTooLarge, "Request body too large.")
		return
	}
	id, detail, ok := route(c.r.URL)
	if !ok {
		c.detail(http.StatusNotFound, "Not found.")
		return
	}
	// From here on the request is in DRF's hands: content negotiation, authentication, then
	// the method's handler, each answered with the view's Allow header.
	c.allow = allowList
	if detail {
		c.allow = allowDetail
	}
	indent, ok := negotiate(c.r.Header)
	if !ok {
		c.detail(http.StatusNotAcceptable, "Could not satisfy the request Accept header.")
		return
	}
	c.indent = indent
	if msg, ok := c.s.authenticate(c.r.Header); !ok {
		c.w.Header()["Www-Authenticate"] = wwwAuthenticate
		c.detail(http.StatusUnauthorized, msg)
		return
	}
	switch {
	case c.method == http.MethodOptions:
		c.options(detail)
	case !detail && (c.method == http.MethodGet || c.method == http.MethodHead):
		c.list()
	case detail && (c.method == http.MethodGet || c.method == http.MethodHead):
		c.retrieve(id)
	case detail && c.method == http.MethodPatch:
		c.partialUpdate(id)
	default:
		c.detail(http.StatusMethodNotAllowed, `Method "`+c.method+`" not allowed.`)
	}
}

// route matches the API's URLs: /v1/user and /v1/user/{id}, without trailing slashes. The id
// is one escaped path segment, so a client that forgets to escape a "/" in an id gets a 404.
func route(u *url.URL) (id string, detail, ok bool) {
	p := u.EscapedPath()
	if p == "/v1/user" {
		return "", false, true
	}
	rest, found := strings.CutPrefix(p, "/v1/user/")
	if !found || rest == "" || strings.Contains(rest, "/") {
		return "", false, false
	}
	id, err := url.PathUnescape(rest)
	return id, true, err == nil
}

// negotiate is DRF's content negotiation with JSONRenderer as the only renderer. It returns
// the indent a client may ask for ("Accept: application/json; indent=4"), or false when the
// Accept header rules JSON out.
func negotiate(h http.Header) (indent int, ok bool) {
	accept, present := h["Accept"]
	if !present {
		return 0, true
	}
	best := -1
	for item := range strings.SplitSeq(strings.Join(accept, ","), ",") {
		mt := parseMediaType(strings.TrimFunc(item, pycompat.IsSpace))
		if !mt.matches("application", "json") {
			continue
		}
		if p := mt.precedence(); p > best {
			best = p
			indent = 0
			if n, ok := pycompat.ParseInt(mt.params["indent"]); ok {
				indent = int(max(min(n, 8), 0))
			}
		}
	}
	return indent, best >= 0
}

// mediaType is DRF's _MediaType: a lower-cased type and its parameters.
type mediaType struct {
	main, sub string
	params    map[string]string
}

func parseMediaType(s string) mediaType {
	parts := strings.Split(s, ";")
	full := strings.ToLower(strings.TrimSpace(parts[0]))
	main, sub, _ := strings.Cut(full, "/")
	mt := mediaType{main: main, sub: sub, params: map[string]string{}}
	for _, p := range parts[1:] {
		k, v, found := strings.Cut(p, "=")
		if !found {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		mt.params[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return mt
}

// matches reports whether this (requested) type admits main/sub, wildcards included.
func (m mediaType) matches(main, sub string) bool {
	return (m.sub == "*" || m.sub == sub) && (m.main == "*" || m.main == main)
}

func (m mediaType) precedence() int {
	switch {
	case m.main == "*":
		return 0
	case m.sub == "*":
		return 1
	case len(m.params) == 0 || len(m.params) == 1 && m.params["q"] != "":
		return 2
	}
	return 3
}

// authenticate is DRF's TokenAuthentication with the keyword "Bearer".
func (s *Server) authenticate(h http.Header) (string, bool) {
	// DRF splits the header as bytes.
	auth := pycompat.BytesFields(h.Get("Authorization"))
	switch {
	case len(auth) == 0 || !strings.EqualFold(auth[0], "bearer"):
		return "Authentication credentials were not provided.", false
	case len(auth) == 1:
		return "Invalid token header. No credentials provided.", false
	case len(auth) > 2:
		return "Invalid token header. Token string should not contain spaces.", false
	case !utf8.ValidString(auth[1]):
		return "Invalid token header. Token string should not contain invalid characters.", false
	case subtle.ConstantTimeCompare([]byte(auth[1]), []byte(s.token)) != 1:
		return "Invalid token.", false
	}
	return "", true
}

// send writes a JSON response, indented if the client asked for it.
func (c *call) send(status int, body []byte) {
	h := c.w.Header()
	h["Content-Type"] = contentTypeJSON
	if c.allow != "" {
		h["Allow"] = []string{c.allow}
	}
	if c.indent > 0 {
		var buf bytes.Buffer
		if json.Indent(&buf, body, "", strings.Repeat(" ", c.indent)) == nil {
			body = buf.Bytes()
		}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	c.w.WriteHeader(status)
	if c.method != http.MethodHead {
		_, _ = c.w.Write(body)
	}
}

func (c *call) detail(status int, msg string) {
	c.send(status, appendDetail(nil, msg))
}

func (c *call) sendHTML(status int, body []byte) {
	h := c.w.Header()
	h["Content-Type"] = contentTypeHTML
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	c.w.WriteHeader(status)
	if c.method != http.MethodHead {
		_, _ = c.w.Write(body)
	}
}

// options is DRF's SimpleMetadata for the view. Neither view accepts PUT or POST, so there are
// no "actions" to describe.
func (c *call) options(detail bool) {
	name := "User List"
	if detail {
		name = "User Instance"
	}
	c.send(http.StatusOK, []byte(`{"name":"`+name+`","description":"API endpoints for managing users.","renders":["application/json"],"parses":["application/json"]}`))
}

func (c *call) list() {
	s := c.s
	f := parseFilter(c.q)
	keys := parseOrdering(c.q)
	s.mu.RLock()
	recs := s.ordered
	s.mu.RUnlock()
	if !f.none() {
		matched := make([]*record, 0, len(recs))
		for _, rec := range recs {
			if f.match(rec) {
				matched = append(matched, rec)
			}
		}
		recs = matched
	} else if keys != nil {
		recs = slices.Clone(recs)
	}
	if keys != nil {
		// Ties fall back to the default order, which makes every ordering total and repeatable.
		slices.SortFunc(recs, func(a, b *record) int {
			if c := compareBy(keys, a, b); c != 0 {
				return c
			}
			return compareDefault(a, b)
		})
	}
	count := len(recs)
	numPages := max(1, (count+s.pageSize-1)/s.pageSize)
	page, ok := pageNumber(c.q, numPages)
	if !ok {
		c.detail(http.StatusNotFound, "Invalid page.")
		return
	}
	recs = recs[min((page-1)*s.pageSize, count):min(page*s.pageSize, count)]

	base := c.linkBase()
	size := 64 + 2*len(base) + 2*len(c.r.URL.RawQuery)
	for _, rec := range recs {
		size += len(rec.json) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, `{"count":`...)
	b = strconv.AppendInt(b, int64(count), 10)
	b = append(b, `,"next":`...)
	switch {
	case s.opts.LoopingNext:
		b = appendString(b, pageLink(base, c.q, page))
	case page < numPages:
		b = appendString(b, pageLink(base, c.q, page+1))
	default:
		b = append(b, "null"...)
	}
	b = append(b, `,"previous":`...)
	if page > 1 {
		b = appendString(b, pageLink(base, c.q, page-1))
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"results":[`...)
	for i, rec := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, s.listEntry(rec)...)
	}
	b = append(b, "]}"...)
	c.send(http.StatusOK, b)
}

// listEntry is a user as the listing shows it: as a single-user answer, less ListOmits.
func (s *Server) listEntry(rec *record) []byte {
	if s.opts.ListOmits == "" {
		return rec.json
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(rec.json, &fields) != nil {
		return rec.json
	}
	delete(fields, s.opts.ListOmits)
	slim, err := json.Marshal(fields)
	if err != nil {
		return rec.json
	}
	return slim
}

// linkBase is the scheme, host and path of the request's absolute URI, as Django's
// build_absolute_uri makes it.
func (c *call) linkBase() string {
	base := c.s.linkBase
	if base == "" {
		scheme := "http"
		if c.r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + c.r.Host
	}
	return base + c.r.URL.EscapedPath()
}

// lookup is DRF's get_object: the user must exist and pass the same filters as a list.
func (c *call) lookup(id string) *record {
	c.s.mu.RLock()
	rec := c.s.byID[id]
	c.s.mu.RUnlock()
	if rec == nil {
		return nil
	}
	if f := parseFilter(c.q); !f.match(rec) {
		return nil
	}
	return rec
}

func (c *call) retrieve(id string) {
	rec := c.lookup(id)
	if rec == nil {
		c.detail(http.StatusNotFound, "Not found.")
		return
	}
	c.send(http.StatusOK, rec.json)
}

// requestData is DRF's request.data for a body that only JSONParser may read. ok is false when
// a response has been sent instead.
func (c *call) requestData() (data any, ok bool) {
	// Django sees no body without a Content-Length, whatever was sent (chunked uploads included).
	if c.r.ContentLength <= 0 || len(c.body) == 0 {
		return pycompat.Dict{}, true
	}
	ct := c.r.Header.Get("Content-Type")
	if !parseMediaType(ct).matches("application", "json") {
		c.detail(http.StatusUnsupportedMediaType, `Unsupported media type "`+ct+`" in request.`)
		return nil, false
	}
	v, err := pycompat.ParseJSON(c.body)
	if errors.Is(err, pycompat.ErrRecursion) {
		c.sendHTML(http.StatusInternalServerError, []byte(djangoServerError))
		return nil, false
	}
	if err != nil {
		c.detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
		return nil, false
	}
	return v, true
}

func (c *call) partialUpdate(id string) {
	if c.lookup(id) == nil {
		c.detail(http.StatusNotFound, "Not found.")
		return
	}
	data, ok := c.requestData()
	if !ok {
		return
	}
	s := c.s
	s.mu.Lock()
	// Looked up again under the write lock: the user may have changed or gone meanwhile.
	old := s.byID[id]
	if old == nil {
		s.mu.Unlock()
		c.detail(http.StatusNotFound, "Not found.")
		return
	}
	u, errs := s.validate(old, data)
	if errs != nil {
		s.mu.Unlock()
		c.send(http.StatusBadRequest, errs)
		return
	}
	rec := newRecord(u)
	s.replace(old, rec)
	s.mu.Unlock()
	c.send(http.StatusOK, rec.json)
}
