package client

import (
	"math"
	"testing"
	"time"
)

// clock is a hand-driven time source, so the throttle's decisions can be
// checked without waiting for them.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestThrottle(maxRequestsPerSecond float64) (*throttle, *clock) {
	c := &clock{t: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	th := newThrottle(maxRequestsPerSecond, 4, time.Second, 30*time.Second)
	th.now = c.now
	return th, c
}

// send asks the throttle for a turn and takes it, following the pacer's
// delays as a waiting request would. It fails the test on a hold.
func send(t *testing.T, th *throttle, c *clock) time.Time {
	t.Helper()
	what, wait, _ := th.next(false)
	if what == holdBack {
		t.Fatalf("held back for %s", wait)
	}
	if what == keepPace {
		c.advance(wait)
		if what, wait, _ = th.next(true); what != sendNow {
			t.Fatalf("after its pacer turn a request got %d, %s", what, wait)
		}
	}
	return c.now()
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestThrottleHoldsEveryRequestUntilRetryAfter(t *testing.T) {
	th, c := newTestThrottle(0)
	sentAt := send(t, th, c)
	c.advance(10 * time.Millisecond)
	if w := th.throttled(sentAt, 2*time.Second, true); w.shared || w.wait != 2*time.Second {
		t.Fatalf("first 429: %+v, want a new window holding for 2s", w)
	}
	c.advance(500 * time.Millisecond)
	for range 3 {
		if what, wait, _ := th.next(false); what != holdBack || wait != 1500*time.Millisecond {
			t.Fatalf("during the hold: %d, %s; want held back for 1.5s", what, wait)
		}
	}
	c.advance(1500 * time.Millisecond)
	if what, wait, _ := th.next(false); what != sendNow {
		t.Errorf("when the hold ends: %d, %s; want the first request sent at once", what, wait)
	}
}

func TestThrottleSharesOneWindow(t *testing.T) {
	th, c := newTestThrottle(0)
	first := send(t, th, c)
	c.advance(time.Millisecond)
	second := send(t, th, c)
	c.advance(20 * time.Millisecond)
	if w := th.throttled(first, time.Second, true); w.shared {
		t.Fatal("the first 429 did not open a window")
	}
	c.advance(time.Millisecond)
	if w := th.throttled(second, time.Second, true); !w.shared {
		t.Error("a request sent before the window opened was not counted in it")
	}
	// A request sent after the window opened sees a new throttle when it gets
	// a 429, and pays for it.
	c.advance(time.Second)
	third := send(t, th, c)
	c.advance(time.Millisecond)
	if w := th.throttled(third, time.Second, true); w.shared {
		t.Error("a request sent after the hold shared a window that had ended")
	}
}

func TestThrottleBacksOffExponentiallyWithoutRetryAfter(t *testing.T) {
	th, c := newTestThrottle(0)
	for step := range 3 {
		sentAt := send(t, th, c)
		c.advance(time.Millisecond)
		w := th.throttled(sentAt, 0, false)
		ceiling := time.Second << step
		if w.shared || w.wait < ceiling/2 || w.wait > ceiling {
			t.Fatalf("window %d: %+v, want a hold within [%s, %s]", step+1, w, ceiling/2, ceiling)
		}
		c.advance(w.wait)
	}
	// An accepted answer starts the back-off again from its shortest step.
	th.accepted()
	sentAt := send(t, th, c)
	c.advance(time.Millisecond)
	if w := th.throttled(sentAt, 0, false); w.wait > time.Second {
		t.Errorf("after an accepted answer the hold is %s, want at most 1s", w.wait)
	}
}

func TestThrottlePacesBelowTheThrottledRate(t *testing.T) {
	th, c := newTestThrottle(0)
	// Twenty requests in half a second go out at once: there is no pace yet.
	var last time.Time
	for range 20 {
		if what, wait, _ := th.next(false); what != sendNow {
			t.Fatalf("an unthrottled client waited %s", wait)
		}
		last = c.now()
		c.advance(25 * time.Millisecond)
	}
	w := th.throttled(last, 0, true)
	if !near(w.throttledRate, 20) || !near(w.pace, 16) {
		t.Fatalf("after 20 requests per second: %+v, want pace 16", w)
	}
	if got := th.rateWhenThrottled(); !near(got, 20) {
		t.Errorf("rateWhenThrottled = %v, want 20", got)
	}
	// Requests that all want to go now leave one sixteenth of a second apart.
	want := []time.Duration{0, 62500 * time.Microsecond, 125 * time.Millisecond, 187500 * time.Microsecond}
	for i, delay := range want {
		_, wait, _ := th.next(false)
		if wait != delay {
			t.Errorf("request %d waits %s, want %s", i, wait, delay)
		}
	}
}

func TestThrottleProbesUpwardsOnlyWhilePacing(t *testing.T) {
	th, c := newTestThrottle(0)
	for range 10 {
		send(t, th, c)
	}
	w := th.throttled(c.now(), 0, true)
	if !near(w.pace, 8) {
		t.Fatalf("pace %v after 10 requests per second, want 8", w.pace)
	}
	// Idle time does not raise the pace.
	c.advance(time.Minute)
	send(t, th, c)
	if got := float64(th.limiter.Limit()); !near(got, 8) {
		t.Errorf("after an idle minute the pace is %v, want 8", got)
	}
	// Ten seconds of requests held back by the pacer raise it by one request
	// per second, each second (a tenth of 8 is below that minimum step).
	start := c.now()
	for c.now().Sub(start) < 10*time.Second {
		send(t, th, c)
	}
	if got := float64(th.limiter.Limit()); got < 17.5 || got > 18.5 {
		t.Errorf("after 10 s of pacing the pace is %v, want about 18", got)
	}
	// The next 429 lowers the pace to four fifths of where it got to.
	before := float64(th.limiter.Limit())
	if w := th.throttled(c.now(), 0, true); !near(w.pace, before*paceDecrease) {
		t.Errorf("pace %v after a 429 at %v, want %v", w.pace, before, before*paceDecrease)
	}
}

func TestThrottleKeepsToMaxRequestsPerSecond(t *testing.T) {
	th, c := newTestThrottle(5)
	for i := range 6 {
		what, wait, _ := th.next(false)
		want := time.Duration(i) * 200 * time.Millisecond
		if wait != want || (i > 0 && what != keepPace) {
			t.Errorf("request %d: %d, waits %s; want %s", i, what, wait, want)
		}
	}
	c.advance(2 * time.Second)
	// A 429 despite the setting paces below it, and the setting stays the ceiling.
	if w := th.throttled(c.now(), 0, true); !near(w.pace, 4) {
		t.Errorf("pace %v after a 429 at 5 per second, want 4", w.pace)
	}
	th.raise(c.now().Add(time.Hour), true)
	if got := float64(th.limiter.Limit()); !near(got, 5) {
		t.Errorf("the pace rose to %v, above max_requests_per_second 5", got)
	}
}

func TestThrottleNeverStalls(t *testing.T) {
	th, c := newTestThrottle(0)
	for range 40 {
		sentAt := send(t, th, c)
		c.advance(time.Millisecond)
		th.throttled(sentAt, 0, true)
	}
	if got := float64(th.limiter.Limit()); !near(got, minPace) {
		t.Errorf("after 40 throttles in a row the pace is %v, want the floor %v", got, minPace)
	}
}

func TestCountAttempts(t *testing.T) {
	for n, want := range map[int]string{1: "1 attempt", 2: "2 attempts", 5: "5 attempts"} {
		if got := countAttempts(n); got != want {
			t.Errorf("countAttempts(%d) = %q, want %q", n, got, want)
		}
	}
}

// The shared hold never exceeds maxRetryWait, whatever the 429 asked for and
// however long the back-off without Retry-After would grow.
func TestThrottleHoldNeverExceedsTheCap(t *testing.T) {
	th, c := newTestThrottle(0)
	th.waitMin, th.waitMax = time.Hour, 24*time.Hour
	for _, asked := range []time.Duration{time.Duration(math.MaxInt64), 1000 * time.Hour, 0} {
		sentAt := send(t, th, c)
		c.advance(time.Millisecond)
		if w := th.throttled(sentAt, asked, asked > 0); w.wait > maxRetryWait {
			t.Errorf("a 429 asking for %s holds for %s", asked, w.wait)
		}
		if what, wait, _ := th.next(false); what != holdBack || wait > maxRetryWait {
			t.Errorf("after a 429 asking for %s: %d, %s", asked, what, wait)
		}
		c.advance(maxRetryWait)
	}
}
