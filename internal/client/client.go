// Package client is the only code that speaks HTTP to the Preo API. It knows
// nothing of Terraform: the provider hands it settings and gets typed users
// and typed errors back.
package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Environment variables that stand in for unset provider settings.
const (
	EnvAPIToken              = "PREO_API_TOKEN"
	EnvBaseURL               = "PREO_BASE_URL"
	EnvRequestTimeout        = "PREO_REQUEST_TIMEOUT"
	EnvMaxRetries            = "PREO_MAX_RETRIES"
	EnvMaxConcurrentRequests = "PREO_MAX_CONCURRENT_REQUESTS"
	EnvMaxRequestsPerSecond  = "PREO_MAX_REQUESTS_PER_SECOND"
)

// Defaults for settings that neither the configuration nor the environment set.
const (
	DefaultBaseURL               = "https://api.preo.dev"
	DefaultRequestTimeout        = 30 * time.Second
	DefaultMaxRetries            = 4
	DefaultMaxConcurrentRequests = 8
)

// maxRetryWait caps how long one Retry-After or backoff may hold a request, so
// a misbehaving server cannot park a Terraform run for hours.
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
	UserAgent            string

	// RetryWaitMin and RetryWaitMax bound the jittered exponential backoff.
	// They default to 1s and 30s; tests shorten them.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
}

// Client talks to one Preo API with one token. It is safe for concurrent use;
// every request it makes shares one in-flight cap and one connection pool.
type Client struct {
	base          *url.URL
	token         string
	userAgent     string
	maxConcurrent int
	http          *retryablehttp.Client
	throttle      *throttle
}

// UserAgent is the User-Agent header value every request carries.
func UserAgent(providerVersion, terraformVersion string) string {
	return fmt.Sprintf("terraform-provider-preo/%s (+https://registry.terraform.io/providers/preo/preo) Terraform/%s",
		providerVersion, terraformVersion)
}

// ParseBaseURL checks that raw is an absolute http(s) URL without query or
// fragment, and that plain http is only used towards this machine: anything
// else would send the token in clear text over a network.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid URL: %w", raw, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("%q must start with https://", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%q has no host name", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not contain credentials, a query or a fragment", raw)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%q uses http:// towards a host that is not this machine; use https:// (plain http is only accepted for localhost, 127.0.0.0/8 and [::1])", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// New builds a client from settings already checked by the caller; it still
// refuses a base URL that ParseBaseURL rejects.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		return nil, errors.New("an API token is required")
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxConcurrentRequests <= 0 {
		cfg.MaxConcurrentRequests = DefaultMaxConcurrentRequests
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = time.Second
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 30 * time.Second
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
	return &Client{base: base, token: cfg.Token, userAgent: cfg.UserAgent, maxConcurrent: cfg.MaxConcurrentRequests, http: rc, throttle: th}, nil
}

func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
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

// backoff waits what Retry-After asks for when the server says so, and
// otherwise an exponentially growing, fully jittered interval so that many
// parallel resources do not retry in lockstep.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(wait, maxRetryWait)
		}
	}
	ceiling := maxWait
	if attempt < 30 {
		ceiling = min(maxWait, minWait<<attempt)
	}
	half := ceiling / 2
	return half + rand.N(half+1)
}

// parseRetryAfter reads both forms RFC 9110 allows: delay seconds and an HTTP date.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return time.Duration(min(seconds, int64(maxRetryWait/time.Second))) * time.Second, true
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(when.Sub(now), 0), true
}

// retriesExhausted travels with the last response when every attempt failed,
// so the caller can still report what the server said.
type retriesExhausted struct{ attempts int }

func (e *retriesExhausted) Error() string {
	return "gave up after " + countAttempts(e.attempts)
}

func keepLastResponse(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if resp != nil {
		return resp, &retriesExhausted{attempts: attempts}
	}
	return nil, fmt.Errorf("gave up after %s: %w", countAttempts(attempts), err)
}

// do sends one API request (with retries) and returns the response body of a
// 2xx answer, or an *APIError for anything else.
func (c *Client) do(ctx context.Context, operation, method string, target *url.URL, body []byte) ([]byte, error) {
	ctx = c.throttle.track(tflog.MaskLogStrings(ctx, c.token), method, target.Redacted())
	var rawBody any
	if body != nil {
		rawBody = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target.String(), rawBody)
	if err != nil {
		return nil, fmt.Errorf("%s: building the request: %w", operation, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.http.Do(req)
	if resp != nil {
		defer func() { _ = resp.Body.Close() }()
	}
	// A cancelled caller gets a cancellation, even when an answer had already
	// come back: the retry loop may hand that answer on as its last one.
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("%s: %s %s was cancelled: %w", operation, method, target.Redacted(), ctxErr)
	}
	attempts := 1
	var exhausted *retriesExhausted
	if errors.As(err, &exhausted) {
		attempts, err = exhausted.attempts, nil
	}
	if err != nil {
		return nil, &APIError{Operation: operation, Method: method, URL: target.Redacted(), Err: c.redact(err)}
	}

	payload, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return nil, &APIError{Operation: operation, Method: method, URL: target.Redacted(), StatusCode: resp.StatusCode, Err: c.redact(err)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return payload, nil
	}
	apiErr := parseAPIError(resp.StatusCode, payload)
	apiErr.Operation, apiErr.Method, apiErr.URL, apiErr.Attempts = operation, method, target.Redacted(), attempts
	if apiErr.StatusCode == http.StatusTooManyRequests {
		apiErr.ThrottledRate = c.throttle.rateWhenThrottled()
	}
	apiErr.redact(c.token)
	return nil, apiErr
}

// redact keeps the token out of transport errors, which can quote request data.
func (c *Client) redact(err error) error {
	if !strings.Contains(err.Error(), c.token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), c.token, "[redacted]"))
}

// maxBodyBytes bounds how much of one response is read: a user list page is
// a few tens of kilobytes, so anything near this is not a Preo answer.
const maxBodyBytes = 16 << 20
