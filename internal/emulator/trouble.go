package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The trouble layer stands in front of the API and simulates what goes wrong between a client
// and a real server: latency, on every request but the controls; then, for /v1/ only, the rate
// limit, random 503s and the failures a test injected. A request that gets through it is
// answered by the API as if nothing had happened.

type fault struct {
	method, prefix   string
	status           int
	body, retryAfter string
	remaining        int
}

// trouble applies the simulated trouble to c and reports whether that ended the request: the
// client gave up waiting, or the request was answered with an error.
func (c *call) trouble() (ended bool) {
	s := c.s
	if s.opts.Latency > 0 && !sleep(c.r.Context(), s.opts.Latency) {
		return true
	}
	if !c.api {
		return false
	}
	if s.opts.RateLimit > 0 {
		if wait, ok := s.throttle(time.Now()); !ok {
			c.throttled(int(math.Ceil(wait.Seconds())))
			return true
		}
	}
	if s.failRandomly() {
		c.detail(http.StatusServiceUnavailable, "Service temporarily unavailable, try again later.")
		return true
	}
	if f := s.takeFault(c.method, c.r.URL.Path); f != nil {
		c.fault(f)
		return true
	}
	return false
}

// sleep waits d, or less if ctx ends first; it reports whether the full wait elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// throttle is a token bucket holding up to max(1, RateLimit) requests. When empty it returns
// how long until the next request would be let through.
func (s *Server) throttle(now time.Time) (wait time.Duration, ok bool) {
	rate := s.opts.RateLimit
	capacity := math.Max(1, rate)
	s.ctl.Lock()
	defer s.ctl.Unlock()
	if s.refilled.IsZero() {
		s.tokens = capacity
	} else {
		s.tokens = math.Min(capacity, s.tokens+now.Sub(s.refilled).Seconds()*rate)
	}
	s.refilled = now
	if s.tokens >= 1 {
		s.tokens--
		return 0, true
	}
	s.rateLimited.Add(1)
	return time.Duration((1 - s.tokens) / rate * float64(time.Second)), false
}

// throttled is DRF's Throttled exception for a wait of n seconds.
func (c *call) throttled(n int) {
	c.w.Header()["Retry-After"] = []string{strconv.Itoa(n)}
	c.detail(http.StatusTooManyRequests, throttledMessage(n))
}

func throttledMessage(n int) string {
	if n == 1 {
		return "Request was throttled. Expected available in 1 second."
	}
	return fmt.Sprintf("Request was throttled. Expected available in %d seconds.", n)
}

func (s *Server) failRandomly() bool {
	return s.opts.ErrorRate > 0 && rand.Float64() < s.opts.ErrorRate
}

// Fail makes the next `times` requests whose method and path match (method "" = any; path matched as prefix, e.g. "/v1/user")
// get `status` with `body` (a JSON string; "" means DRF's default body for that status) and, if retryAfter != "", a Retry-After header.
// Injected failures are recorded in Requests() like any other request. A body that is not JSON
// (a proxy's HTML error page, say) is sent as text/html.
func (s *Server) Fail(method, pathPrefix string, status int, body, retryAfter string, times int) {
	if times <= 0 {
		return
	}
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.faults = append(s.faults, &fault{method: strings.ToUpper(method), prefix: pathPrefix, status: status, body: body, retryAfter: retryAfter, remaining: times})
}

// takeFault returns the first pending failure that matches r, using it up.
func (s *Server) takeFault(method, path string) *fault {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	for i, f := range s.faults {
		if (f.method == "" || f.method == method) && strings.HasPrefix(path, f.prefix) {
			if f.remaining--; f.remaining == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
			return f
		}
	}
	return nil
}

func (c *call) fault(f *fault) {
	if f.retryAfter != "" {
		c.w.Header()["Retry-After"] = []string{f.retryAfter}
	}
	if f.status == http.StatusUnauthorized {
		c.w.Header()["Www-Authenticate"] = wwwAuthenticate
	}
	if f.body == "" {
		c.detail(f.status, c.defaultDetail(f))
		return
	}
	body := []byte(f.body)
	if !json.Valid(body) {
		c.sendHTML(f.status, body)
		return
	}
	c.send(f.status, body)
}

// defaultDetail is the message of the DRF exception that answers with this status.
func (c *call) defaultDetail(f *fault) string {
	switch f.status {
	case http.StatusBadRequest:
		return "Malformed request."
	case http.StatusUnauthorized:
		return "Incorrect authentication credentials."
	case http.StatusForbidden:
		return "You do not have permission to perform this action."
	case http.StatusNotFound:
		return "Not found."
	case http.StatusMethodNotAllowed:
		return `Method "` + c.method + `" not allowed.`
	case http.StatusNotAcceptable:
		return "Could not satisfy the request Accept header."
	case http.StatusUnsupportedMediaType:
		return `Unsupported media type "` + c.r.Header.Get("Content-Type") + `" in request.`
	case http.StatusTooManyRequests:
		if n, err := strconv.Atoi(f.retryAfter); err == nil && n > 0 {
			return throttledMessage(n)
		}
		return "Request was throttled."
	case http.StatusInternalServerError:
		return "A server error occurred."
	case http.StatusServiceUnavailable:
		return "Service temporarily unavailable, try again later."
	}
	return http.StatusText(f.status) + "."
}
