package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// How the pacer reacts to Preo's rate limit. After a 429 it sends at a
// fraction of the rate that was throttled, then speeds up by a share of that
// new rate each second for as long as it is what holds requests back, until
// the next 429. Preo's limit refills while everyone waits out Retry-After, so
// probing above it costs little; staying far below it would cost the whole run.
const (
	paceDecrease      = 0.8
	paceIncreaseShare = 0.1
	// minPaceIncrease (requests per second, each second) lets a pace that
	// fell low after a stray 429 recover within seconds.
	minPaceIncrease = 1.0
	// minPace keeps a burst of 429s from stalling a run: quotas below it need
	// max_requests_per_second.
	minPace = 0.1
	// rateWindow is how far back the rate that Preo throttled is measured.
	rateWindow = time.Second
)

// throttle is the rate limiting that one client shares across all its
// requests. A 429 opens a throttle window: every request holds until the
// time Retry-After names, within maxRetryWait (without it, until a jittered
// exponential back-off for the instance ends). A request that was already on
// its way when the window opened and got a 429 too belongs to that window: it
// opens no new one, but it is sent again only as one of its own retries. The
// pacer, a token bucket, keeps requests below max_requests_per_second and
// below the rate Preo last throttled.
//
// A throttle also keeps the retry schedule of each request (see track), as
// the transport is where the back-off, the shared hold and the pacer meet.
type throttle struct {
	maxAttempts      int
	waitMin, waitMax time.Duration
	now              func() time.Time

	mu      sync.Mutex
	limiter *rate.Limiter // burst 1, limit min(fixed, pace)
	fixed   rate.Limit    // max_requests_per_second, or rate.Inf
	pace    rate.Limit    // adaptive, rate.Inf until the first 429
	// increase is how much the pace gains for each second it holds requests back.
	increase  float64
	raisedAt  time.Time
	holdUntil time.Time
	opened    time.Time // when the current throttle window opened
	// windows counts throttle windows in a row, without an accepted answer
	// in between: it drives the back-off when Retry-After is missing.
	windows int
	recent  []time.Time // send times within rateWindow
	// throttledRate is the rate, in requests per second, this client sent
	// at when Preo last opened a throttle window.
	throttledRate float64
}

func newThrottle(maxRequestsPerSecond float64, maxRetries int, waitMin, waitMax time.Duration) *throttle {
	fixed := rate.Inf
	if maxRequestsPerSecond > 0 {
		fixed = rate.Limit(maxRequestsPerSecond)
	}
	return &throttle{
		maxAttempts: maxRetries + 1,
		waitMin:     waitMin,
		waitMax:     waitMax,
		now:         time.Now,
		limiter:     rate.NewLimiter(fixed, 1),
		fixed:       fixed,
		pace:        rate.Inf,
	}
}

// turn is what a request that wants to be sent must do first.
type turn int

const (
	sendNow turn = iota
	holdBack
	keepPace
)

// next tells a request whether it may be sent now, and otherwise what it
// waits for and how long. alreadyPaced says it has waited out its pacer
// turn, which it keeps unless a throttle window opened in the meantime.
func (th *throttle) next(alreadyPaced bool) (turn, time.Duration, time.Time) {
	th.mu.Lock()
	defer th.mu.Unlock()
	now := th.now()
	if now.Before(th.holdUntil) {
		return holdBack, min(th.holdUntil.Sub(now), maxRetryWait), now
	}
	if !alreadyPaced {
		th.raise(now, th.limiter.TokensAt(now) < 1)
		if delay := th.limiter.ReserveN(now, 1).DelayFrom(now); delay > 0 {
			return keepPace, delay, now
		}
	}
	th.recent = append(th.sentSince(now.Add(-rateWindow)), now)
	return sendNow, 0, now
}

// raise speeds the pace up for the time it held requests back since the
// last call; time when requests did not have to wait does not count, so an
// idle client does not drift far above the rate it was throttled at.
func (th *throttle) raise(now time.Time, limited bool) {
	if th.pace == rate.Inf {
		return
	}
	if limited && now.After(th.raisedAt) {
		th.pace += rate.Limit(th.increase * now.Sub(th.raisedAt).Seconds())
		th.limiter.SetLimitAt(now, min(th.fixed, th.pace))
	}
	th.raisedAt = now
}

// sentSince drops the send times before since and returns the rest.
func (th *throttle) sentSince(since time.Time) []time.Time {
	kept := 0
	for kept < len(th.recent) && th.recent[kept].Before(since) {
		kept++
	}
	return th.recent[kept:]
}

// window describes what a 429 did to the throttle.
type window struct {
	// shared: the 429 came back for a request sent before the current window
	// opened, so the window already accounts for it.
	shared bool
	wait   time.Duration // until the hold ends
	// throttledRate and pace are the rate that was throttled and the pace
	// that follows, for a 429 that opened a window.
	throttledRate, pace float64
}

// throttled records a 429 answer to a request sent at sentAt. A 429 for a
// request sent before the current window opened belongs to that window;
// any other opens a new one, holding every request and lowering the pace.
func (th *throttle) throttled(sentAt time.Time, retryAfter time.Duration, hasRetryAfter bool) window {
	th.mu.Lock()
	defer th.mu.Unlock()
	now := th.now()
	// Every hold ends within maxRetryWait of the 429 that set it, so the
	// shared wait is never longer than the one a request may take alone.
	if hasRetryAfter {
		th.holdUntil = later(th.holdUntil, now.Add(min(retryAfter, maxRetryWait)))
	}
	if sentAt.Before(th.opened) {
		return window{shared: true, wait: max(th.holdUntil.Sub(now), 0)}
	}

	th.opened = now
	th.windows++
	if !hasRetryAfter {
		th.holdUntil = later(th.holdUntil, now.Add(min(backoff(th.waitMin, th.waitMax, th.windows-1, nil), maxRetryWait)))
	}
	th.recent = th.sentSince(now.Add(-rateWindow))
	th.throttledRate = float64(len(th.recent)) / rateWindow.Seconds()
	current := min(th.fixed, th.pace)
	if current == rate.Inf {
		current = rate.Limit(max(th.throttledRate, 1))
	}
	th.pace = max(minPace, current*paceDecrease)
	th.increase = max(minPaceIncrease, paceIncreaseShare*float64(th.pace))
	th.raisedAt = now
	th.limiter.SetLimitAt(now, min(th.fixed, th.pace))
	return window{wait: max(th.holdUntil.Sub(now), 0), throttledRate: th.throttledRate, pace: float64(min(th.fixed, th.pace))}
}

// accepted records an answer other than 429: the instance back-off for a
// 429 without Retry-After starts again from its shortest step.
func (th *throttle) accepted() {
	th.mu.Lock()
	th.windows = 0
	th.mu.Unlock()
}

// rateWhenThrottled is the rate, in requests per second, that this client
// sent at when Preo last throttled it.
func (th *throttle) rateWhenThrottled() float64 {
	th.mu.Lock()
	defer th.mu.Unlock()
	return th.throttledRate
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// admit waits until the request may be sent and returns when it was.
func (th *throttle) admit(ctx context.Context, st *attempts) (time.Time, error) {
	alreadyPaced := false
	for {
		what, wait, now := th.next(alreadyPaced)
		switch what {
		case sendNow:
			return now, nil
		case holdBack:
			tflog.Warn(ctx, fmt.Sprintf("%s waits %s: Preo rate limited this provider, and all its requests wait together", st, roundWait(wait)))
			alreadyPaced = false
		case keepPace:
			tflog.Debug(ctx, fmt.Sprintf("%s waits %s to keep to the request rate", st, roundWait(wait)))
			alreadyPaced = true
		}
		if err := sleep(ctx, wait); err != nil {
			return time.Time{}, err
		}
	}
}

// roundTrip sends req through send once the throttle lets it go, and records
// a 429 with the throttle. The answer always goes up to the retry loop: a
// request that got a 429 is sent again only as one of its own retries,
// whichever request's 429 set the wait.
func (th *throttle) roundTrip(ctx context.Context, req *http.Request, send func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	st := attemptsFrom(ctx, req)
	sentAt, err := th.admit(ctx, st)
	if err != nil {
		return nil, err
	}
	resp, err := send(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		th.accepted()
		return resp, nil
	}
	ra, hasRetryAfter := parseRetryAfter(resp.Header.Get("Retry-After"), th.now())
	w := th.throttled(sentAt, ra.wait, hasRetryAfter)
	if w.shared {
		tflog.Warn(ctx, fmt.Sprintf("Preo rate limited %s, which was already on its way when the provider began to wait: a retry, if one is left, waits with the others for %s",
			st, roundWait(w.wait)))
		return resp, nil
	}
	hold := ""
	if w.wait > 0 {
		hold = fmt.Sprintf("all requests of this provider wait %s, then ", roundWait(w.wait))
	}
	tflog.Warn(ctx, fmt.Sprintf("Preo rate limited %s at about %.1f requests per second: %sthe provider sends at most %.1f requests per second, rising slowly",
		st, w.throttledRate, hold, w.pace))
	return resp, nil
}

// attempts is one request's place in its retry schedule. Only the goroutine
// running the request touches it: the retry loop calls the transport and
// the retry policy in turn.
type attempts struct {
	request string // method and redacted URL
	made    int    // attempts started, the current one included
	max     int
	retryAt time.Time
}

func (st *attempts) String() string {
	return fmt.Sprintf("%s (attempt %d of %d)", st.request, st.made, st.max)
}

type attemptsKey struct{}

// track gives ctx a retry schedule for one request.
func (th *throttle) track(ctx context.Context, method, redactedURL string) context.Context {
	return context.WithValue(ctx, attemptsKey{}, &attempts{request: method + " " + redactedURL, max: th.maxAttempts})
}

// attemptsFrom returns the request's schedule, or a fresh one for a request
// that was sent without track.
func attemptsFrom(ctx context.Context, req *http.Request) *attempts {
	if st, ok := ctx.Value(attemptsKey{}).(*attempts); ok {
		return st
	}
	return &attempts{request: req.Method + " " + req.URL.Redacted(), made: 1, max: 1}
}

// beginAttempt counts an attempt and waits until its retry is due.
func (th *throttle) beginAttempt(ctx context.Context) error {
	st, ok := ctx.Value(attemptsKey{}).(*attempts)
	if !ok {
		return nil
	}
	st.made++
	return sleep(ctx, st.retryAt.Sub(th.now()))
}

// checkRetry is the retry policy of the retry loop. Besides deciding, it
// schedules the next attempt (the transport waits for it, where it also
// honours the shared hold and the pacer) and says so in the log. A 429 needs
// no schedule of its own: the throttle window it opened holds the retry.
func (th *throttle) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, checkErr := retryPolicy(ctx, resp, err)
	st, ok := ctx.Value(attemptsKey{}).(*attempts)
	if resp != nil {
		if ra, _ := parseRetryAfter(resp.Header.Get("Retry-After"), th.now()); ra.capped() {
			request := "a request"
			if ok {
				request = st.String()
			}
			tflog.Warn(ctx, fmt.Sprintf("Preo answered %d %s to %s: %s", resp.StatusCode, http.StatusText(resp.StatusCode), request, ra))
		}
	}
	if !retry || !ok || st.made >= st.max || (resp != nil && resp.StatusCode == http.StatusTooManyRequests) {
		return retry, checkErr
	}
	wait := backoff(th.waitMin, th.waitMax, st.made-1, resp)
	st.retryAt = th.now().Add(wait)
	if resp != nil {
		tflog.Warn(ctx, fmt.Sprintf("Preo answered %d %s to %s: retrying in %s", resp.StatusCode, http.StatusText(resp.StatusCode), st, roundWait(wait)))
	} else {
		tflog.Warn(ctx, fmt.Sprintf("%s got no answer: retrying in %s", st, roundWait(wait)), map[string]any{"error": err.Error()})
	}
	return retry, checkErr
}

// waitInTransport is the retry loop's backoff: the transport does the
// waiting, since only there the request's own back-off, the shared hold and
// the pacer meet.
func waitInTransport(time.Duration, time.Duration, int, *http.Response) time.Duration {
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// roundWait keeps a logged wait readable: "1.25s", "80ms".
func roundWait(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}

// countAttempts says "1 attempt", "2 attempts".
func countAttempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}
