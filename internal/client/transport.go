package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maxLoggedBody bounds how much of one answer the TRACE log quotes, so that
// logging never costs memory in proportion to a huge answer.
const maxLoggedBody = 64 << 10

// transport caps requests in flight, logs every attempt through tflog and
// keeps the token out of those logs. It sits below the retry loop, so each
// retry is logged and counted on its own.
type transport struct {
	next    http.RoundTripper
	token   string
	slots   chan struct{}
	timeout time.Duration
}

func newTransport(token string, maxConcurrent int, timeout time.Duration) *transport {
	base := cleanhttp.DefaultPooledTransport()
	// Go keeps two idle connections per host by default; a parallel
	// run would then open and close connections all the time.
	base.MaxIdleConnsPerHost = maxConcurrent
	base.MaxConnsPerHost = maxConcurrent
	return &transport{next: base, token: token, slots: make(chan struct{}, maxConcurrent), timeout: timeout}
}

// TimeoutError is an attempt that got no complete answer within
// Config.RequestTimeout.
type TimeoutError struct {
	Timeout time.Duration
	Err     error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within %s: %v", e.Timeout, e.Err)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := tflog.MaskLogStrings(req.Context(), t.token)

	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	// The attempt's time starts now that it holds a slot. Slot and time are
	// both kept until the answer's body is closed, so the cap counts the
	// whole exchange and the timeout covers reading the answer, which is
	// decoded as it arrives instead of being copied in memory first.
	callerCtx := req.Context()
	attemptCtx, cancel := context.WithTimeout(callerCtx, t.timeout)
	var once sync.Once
	release := func() {
		once.Do(func() {
			cancel()
			<-t.slots
		})
	}
	req = req.WithContext(attemptCtx)

	fields := map[string]any{"method": req.Method, "url": req.URL.Redacted()}
	tflog.Debug(ctx, "Sending request to Preo", fields)
	if req.GetBody != nil && req.ContentLength > 0 {
		if body, err := req.GetBody(); err == nil {
			payload, _ := io.ReadAll(body)
			tflog.Trace(ctx, "Request body", map[string]any{"body": string(payload)})
		}
	}

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		release()
		fields["error"] = err.Error()
		tflog.Debug(ctx, "Request to Preo failed", fields)
		return nil, t.explainTimeout(callerCtx, attemptCtx, err)
	}
	fields["status"] = resp.StatusCode
	tflog.Debug(ctx, "Received response from Preo", fields)
	resp.Body = &answerBody{body: resp.Body, ctx: ctx, start: start, release: release,
		explain: func(err error) error { return t.explainTimeout(callerCtx, attemptCtx, err) }}
	return resp, nil
}

// explainTimeout says that an attempt ran out of time, rather than leaving
// a bare "context deadline exceeded".
func (t *transport) explainTimeout(callerCtx, attemptCtx context.Context, err error) error {
	if callerCtx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		return &TimeoutError{Timeout: t.timeout, Err: err}
	}
	return err
}

// answerBody is an answer being read within its attempt: it keeps the start
// of the body for the TRACE log and gives the slot back when closed.
type answerBody struct {
	body    io.ReadCloser
	ctx     context.Context
	start   time.Time
	release func()
	explain func(error) error
	logged  []byte
	total   int64
}

func (b *answerBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if room := maxLoggedBody - len(b.logged); room > 0 {
		b.logged = append(b.logged, p[:min(n, room)]...)
	}
	b.total += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		err = b.explain(err)
	}
	return n, err
}

func (b *answerBody) Close() error {
	err := b.body.Close()
	b.release()
	tflog.Trace(b.ctx, "Response body", map[string]any{
		"body":        string(b.logged),
		"bytes_read":  b.total,
		"duration_ms": time.Since(b.start).Milliseconds(),
	})
	return err
}
