// Package client is the only code that speaks HTTP to the Preo API. It knows
// nothing of Terraform: the caller hands it a Config and gets typed users and
// typed errors back, and words them for its own users.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Defaults for settings the caller leaves to the client.
const (
	DefaultBaseURL               = "https://api.preo.dev"
	DefaultRequestTimeout        = 30 * time.Second
	DefaultMaxRetries            = 4
	DefaultMaxConcurrentRequests = 8
)

// Upper bounds of the settings. They keep a mistyped or hostile setting from
// turning into unbounded work: a retry storm, a window of millions of pages,
// a request that holds a run for hours.
const (
	MaxRequestTimeout        = 10 * time.Minute
	MaxMaxRetries            = 20
	MaxMaxConcurrentRequests = 64
)

// maxRetryWait caps how long one Retry-After or backoff may hold a request, so
// a misbehaving server cannot park a run for hours.
const maxRetryWait = 60 * time.Second

// Config holds resolved settings. Zero values for the numeric settings mean
// the defaults above, except MaxRetries, where zero means "no retries".
type Config struct {
	BaseURL               string
	Token                 string
	RequestTimeout        time.Duration
	MaxRetries            int
	MaxConcurrentRequests int
	// MaxRequestsPerSecond caps the request rate; zero means no fixed cap,
	// only the pacing that follows a 429.
	MaxRequestsPerSecond float64
	// UserAgent is the User-Agent header of every request.
	UserAgent string
	// ReadStrategy is how GetUser answers; empty means ReadAdaptive.
	ReadStrategy ReadStrategy

	// RetryWaitMin and RetryWaitMax bound the jittered exponential backoff.
	// They default to 1s and 30s; tests shorten them.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
}

// ErrInvalidConfig is a Config that New refuses; the caller should have
// checked the setting first.
var ErrInvalidConfig = errors.New("invalid client configuration")

// Client talks to one Preo API with one token. It is safe for concurrent use;
// every request it makes shares one in-flight cap and one connection pool.
type Client struct {
	base          *url.URL
	token         string
	userAgent     string
	maxConcurrent int
	http          *retryablehttp.Client
	throttle      *throttle
	reads         *reads

	// listingAnswers records that the user listing gave a valid page once,
	// the proof GetUser needs before it trusts a 404; listingProbe
	// lets one caller at a time ask for that proof.
	listingAnswers atomic.Bool
	listingProbe   sync.Mutex
}

// BaseURLError is a base URL that ParseBaseURL refuses. URL never shows a
// password: the URL may have carried one.
type BaseURLError struct {
	URL    string
	Reason string
}

func (e *BaseURLError) Error() string { return fmt.Sprintf("%q %s", e.URL, e.Reason) }

// ParseBaseURL checks that raw is the API root: an absolute http(s) URL
// without credentials, query, fragment or API version path, on which plain
// http is only used towards this machine (anything else would send the token
// in clear text over a network).
func ParseBaseURL(raw string) (*url.URL, error) {
	refuse := func(reason string) (*url.URL, error) {
		return nil, &BaseURLError{URL: withoutPassword(raw), Reason: reason}
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return refuse("is not a valid URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return refuse("must start with https://")
	case u.User != nil:
		return refuse("must not contain credentials: the API token is the only one sent")
	case u.Host == "" || u.Hostname() == "":
		return refuse("has no host name")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return refuse("must not contain a query or a fragment")
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return refuse("uses http:// towards a host that is not this machine; use https:// (plain http is only accepted for localhost, 127.0.0.0/8 and [::1])")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if strings.HasSuffix(u.Path, "/v1") || strings.HasSuffix(u.Path, "/v1/user") {
		return refuse("ends in the API path " + u.Path[strings.LastIndex(u.Path, "/v1"):] + "; give the API root without it, since /v1/user is added to it")
	}
	return u, nil
}

// withoutPassword hides whatever may be credentials in a URL, including one
// that does not parse: everything between the scheme and the last "@".
func withoutPassword(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 && i < at {
		start = i + len("://")
	}
	return raw[:start] + "xxxxx" + raw[at:]
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Errors CheckToken returns. Neither quotes the token.
var (
	ErrEmptyToken       = errors.New("the API token is empty")
	ErrTokenControlChar = errors.New("the API token contains a control character, such as a line break, which an HTTP header cannot carry")
)

// CheckToken refuses a token that cannot travel in an Authorization header.
// Surrounding whitespace is the caller's to trim: tokens never contain any.
func CheckToken(token string) error {
	switch {
	case token == "":
		return ErrEmptyToken
	case strings.ContainsFunc(token, unicode.IsControl):
		return ErrTokenControlChar
	}
	return nil
}

// New builds a client from settings already checked by the caller; it still
// refuses anything ParseBaseURL, CheckToken or the upper bounds reject.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := CheckToken(cfg.Token); err != nil {
		return nil, err
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxConcurrentRequests <= 0 {
		cfg.MaxConcurrentRequests = DefaultMaxConcurrentRequests
	}
	cfg.MaxRetries = max(cfg.MaxRetries, 0)
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = time.Second
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 30 * time.Second
	}
	switch {
	case cfg.RequestTimeout > MaxRequestTimeout:
		return nil, fmt.Errorf("%w: RequestTimeout %s is above %s", ErrInvalidConfig, cfg.RequestTimeout, MaxRequestTimeout)
	case cfg.MaxRetries > MaxMaxRetries:
		return nil, fmt.Errorf("%w: MaxRetries %d is above %d", ErrInvalidConfig, cfg.MaxRetries, MaxMaxRetries)
	case cfg.MaxConcurrentRequests > MaxMaxConcurrentRequests:
		return nil, fmt.Errorf("%w: MaxConcurrentRequests %d is above %d", ErrInvalidConfig, cfg.MaxConcurrentRequests, MaxMaxConcurrentRequests)
	case cfg.ReadStrategy != "" && !slices.Contains(ReadStrategies, cfg.ReadStrategy):
		return nil, fmt.Errorf("%w: ReadStrategy %q is none of %q", ErrInvalidConfig, cfg.ReadStrategy, ReadStrategies)
	}

	th := newThrottle(cfg.MaxRequestsPerSecond, cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax)
	rc := &retryablehttp.Client{
		HTTPClient: &http.Client{
			// The transport bounds each attempt itself, once it holds a slot:
			// http.Client.Timeout would also count the wait for one.
			Transport: newTransport(cfg.Token, cfg.MaxConcurrentRequests, cfg.RequestTimeout, th),
			// Redirects would carry the Authorization header to wherever the
			// server points; Preo does not redirect API calls, so none is followed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   th.checkRetry,
		Backoff:      waitInTransport,
		ErrorHandler: keepLastResponse,
	}
	return &Client{base: base, token: cfg.Token, userAgent: cfg.UserAgent, maxConcurrent: cfg.MaxConcurrentRequests, http: rc, throttle: th,
		reads: newReads(cfg.ReadStrategy)}, nil
}

func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if isAnswerError(err) {
		return false, nil
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

// backoff waits what Retry-After asks for when the server says so, within
// maxRetryWait, and otherwise an exponentially growing, fully jittered
// interval so that many parallel resources do not retry in lockstep.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return ra.wait
		}
	}
	ceiling := maxWait
	if attempt < 30 {
		ceiling = min(maxWait, minWait<<attempt)
	}
	half := ceiling / 2
	return half + rand.N(half+1)
}

// retryAfter is a Retry-After header as read: the wait it asked for and the
// wait the client takes, which is never more than maxRetryWait.
type retryAfter struct {
	value string        // the header as sent, trimmed
	asked time.Duration // from now; saturated at the largest Duration
	wait  time.Duration // asked, within [0, maxRetryWait]
}

// capped reports whether the server asked for more than the client waits.
func (ra retryAfter) capped() bool { return ra.asked > ra.wait }

// String says what the server asked and what the client did about it.
func (ra retryAfter) String() string {
	value := ra.value
	if len(value) > 40 {
		// Only digits are this long.
		value = value[:40] + "..."
	}
	return fmt.Sprintf("Retry-After %q asked for a wait of %s; the provider waits at most %s before it sends a request again",
		value, longWait(ra.asked), maxRetryWait)
}

// parseRetryAfter reads every form RFC 9110 allows for Retry-After:
// delay-seconds and an HTTP date (IMF-fixdate, or the obsolete RFC 850 and
// asctime forms), and caps either at maxRetryWait: a server asking for days
// must not hold a run for days. Anything else is ignored, as RFC 9110 says.
func parseRetryAfter(value string, now time.Time) (retryAfter, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return retryAfter{}, false
	}
	ra := retryAfter{value: value}
	if strings.Trim(value, "0123456789") == "" {
		seconds, err := strconv.ParseUint(value, 10, 64)
		switch {
		case err != nil || seconds > uint64(math.MaxInt64/int64(time.Second)):
			// Too many digits for a Duration: it asks for centuries.
			ra.asked = math.MaxInt64
		default:
			ra.asked = time.Duration(seconds) * time.Second
		}
	} else {
		when, ok := parseHTTPDate(value, now)
		if !ok {
			return retryAfter{}, false
		}
		ra.asked = max(when.Sub(now), 0)
	}
	ra.wait = min(ra.asked, maxRetryWait)
	return ra, true
}

// parseHTTPDate reads the three date forms of RFC 9110, in GMT. An RFC 850
// date has a two-digit year, which RFC 9110 places in the century that puts
// it no more than 50 years after now; Go's parser would put "70" in 1970.
func parseHTTPDate(value string, now time.Time) (time.Time, bool) {
	if when, err := time.Parse(http.TimeFormat, value); err == nil {
		return when, true
	}
	if when, err := time.Parse(time.ANSIC, value); err == nil {
		return when, true
	}
	when, err := time.Parse("Monday, 02-Jan-06 15:04:05 GMT", value)
	if err != nil {
		return time.Time{}, false
	}
	now = now.UTC()
	year := now.Year() - now.Year()%100 + when.Year()%100
	if year > now.Year()+50 {
		year -= 100
	}
	return when.AddDate(year-when.Year(), 0, 0), true
}

// longWait writes a wait that may be years long in the unit that reads best.
func longWait(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d == math.MaxInt64:
		return "more than 292 years"
	case d >= 365*day:
		return fmt.Sprintf("about %d years", d/(365*day))
	case d >= 2*day:
		return fmt.Sprintf("about %d days", d/day)
	}
	return roundWait(d).String()
}

// retriesExhausted travels with the last response when every attempt failed,
// so the caller can still report what the server said.
type retriesExhausted struct{ attempts int }

func (e *retriesExhausted) Error() string {
	return "gave up after " + countAttempts(e.attempts)
}

// When reading an answer failed, or the caller gave up, the answer is
// closed here and only the error goes on.
func keepLastResponse(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err == nil && resp != nil {
		return resp, &retriesExhausted{attempts: attempts}
	}
	if resp != nil {
		_ = resp.Body.Close()
	}
	if isAnswerError(err) {
		return nil, err
	}
	return nil, fmt.Errorf("gave up after %s: %w", countAttempts(attempts), err)
}

// Bounds on what is read of one answer. A page of users is a few tens of
// kilobytes and an error a few hundred bytes, so anything near these is not
// a Preo answer, and reading stops there instead of filling memory.
const (
	maxAnswerBytes = 16 << 20
	maxErrorBytes  = 64 << 10
)

// do sends one API request (with retries) and decodes a 2xx JSON answer into
// into, or returns an *APIError for anything else. The answer is decoded as
// it arrives, within its attempt, so an attempt that breaks off while the
// answer is read is retried like one that got no answer.
func (c *Client) do(ctx context.Context, operation, method string, target *url.URL, body []byte, into any) error {
	ctx = c.throttle.track(tflog.MaskLogStrings(ctx, c.token), method, target.Redacted())
	var rawBody any
	if body != nil {
		rawBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target.String(), rawBody)
	if err != nil {
		return fmt.Errorf("%s: building the request: %w", operation, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	// Asked for here rather than by Go's transport, which would decompress
	// on its own and turn a body that is not gzip into a read error that
	// looks like a broken connection.
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.SetResponseHandler(func(resp *http.Response) error {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil
		}
		return decodeAnswer(resp, into)
	})

	resp, err := c.http.Do(req)
	if resp != nil {
		defer func() { _ = resp.Body.Close() }()
	}
	// A cancelled caller gets a cancellation, even when an answer had already
	// come back: the retry loop may hand that answer on as its last one.
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %s %s was cancelled: %w", operation, method, target.Redacted(), ctxErr)
	}
	attempts := 1
	var exhausted *retriesExhausted
	if errors.As(err, &exhausted) {
		attempts, err = exhausted.attempts, nil
	}
	if isAnswerError(err) {
		return fmt.Errorf("%s: %s %s: %w", operation, method, target.Redacted(), err)
	}
	if err != nil {
		return &APIError{Operation: operation, Method: method, URL: target.Redacted(), Err: c.redact(err)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}

	payload, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	if err != nil {
		return &APIError{Operation: operation, Method: method, URL: target.Redacted(), StatusCode: resp.StatusCode, Err: c.redact(err)}
	}
	apiErr := parseAPIError(resp.StatusCode, resp.Header, payload, c.token)
	apiErr.Operation, apiErr.Method, apiErr.URL, apiErr.Attempts = operation, method, target.Redacted(), attempts
	if ra, _ := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ra.capped() {
		apiErr.RetryAfter = redact(ra.String(), c.token)
	}
	if apiErr.StatusCode == http.StatusTooManyRequests {
		apiErr.ThrottledRate = c.throttle.rateWhenThrottled()
	}
	return apiErr
}

// isAnswerError reports whether err is an answer that came back whole but
// cannot be used, which a retry would not change.
func isAnswerError(err error) bool {
	return errors.Is(err, ErrInvalidAnswer) || errors.Is(err, ErrAnswerTooLarge)
}

// decodeAnswer decodes one JSON value from the answer's body, reading at
// most maxAnswerBytes. A failure to read is returned as it is, to be
// retried; an answer that is too large or not one JSON value is not. The
// decoder reads the whole value before it fills in anything, so an attempt
// that broke off leaves into as it was for the next one.
func decodeAnswer(resp *http.Response, into any) error {
	tooLarge := fmt.Errorf("%w: it is longer than %d MiB", ErrAnswerTooLarge, maxAnswerBytes>>20)
	if resp.ContentLength > maxAnswerBytes {
		return tooLarge
	}
	answer := &answerReader{r: resp.Body, remaining: maxAnswerBytes}
	decoder := json.NewDecoder(answer)
	err := decoder.Decode(into)
	if err == nil {
		if _, err = decoder.Token(); errors.Is(err, io.EOF) {
			return nil
		}
		if err == nil {
			err = errors.New("more than one JSON value")
		}
	}
	switch {
	case answer.tooLarge:
		return tooLarge
	case answer.readErr != nil:
		return answer.readErr
	}
	return fmt.Errorf("%w: it is not valid JSON of the expected shape: %w", ErrInvalidAnswer, err)
}

// answerReader reads at most remaining bytes and remembers why reading
// stopped, so that a decoding error can be told apart from a broken
// connection or an answer that is too large.
type answerReader struct {
	r         io.Reader
	remaining int64
	tooLarge  bool
	readErr   error
}

func (a *answerReader) Read(p []byte) (int, error) {
	if a.remaining <= 0 {
		// The limit is reached: one more byte means the answer is too large.
		var probe [1]byte
		n, err := a.r.Read(probe[:])
		if n > 0 {
			a.tooLarge = true
			return 0, ErrAnswerTooLarge
		}
		return 0, a.note(err)
	}
	if int64(len(p)) > a.remaining {
		p = p[:a.remaining]
	}
	n, err := a.r.Read(p)
	a.remaining -= int64(n)
	return n, a.note(err)
}

func (a *answerReader) note(err error) error {
	if err != nil && !errors.Is(err, io.EOF) {
		a.readErr = err
	}
	return err
}

// redact keeps the token out of an error's text: transport errors can quote
// request data, and every error that quotes an answer quotes the server.
func (c *Client) redact(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{err: err, token: c.token}
}

// redactedError hides the token in an error's text and keeps the error
// itself for errors.Is and errors.As.
type redactedError struct {
	err   error
	token string
}

func (e *redactedError) Error() string { return redact(e.err.Error(), e.token) }

func (e *redactedError) Unwrap() error { return e.err }
