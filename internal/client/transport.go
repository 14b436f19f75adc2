package client

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
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
	next     http.RoundTripper
	token    string
	slots    chan struct{}
	timeout  time.Duration
	throttle *throttle
}

func newTransport(token string, maxConcurrent int, timeout time.Duration, th *throttle) *transport {
	base := cleanhttp.DefaultPooledTransport()
	// Go keeps two idle connections per host by default; a parallel
	// run would then open and close connections all the time.
	base.MaxIdleConnsPerHost = maxConcurrent
	base.MaxConnsPerHost = maxConcurrent
	return &transport{next: base, token: token, slots: make(chan struct{}, maxConcurrent), timeout: timeout, throttle: th}
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
	// A retry waits out its back-off before it queues for a slot.
	if err := t.throttle.beginAttempt(ctx); err != nil {
		return nil, err
	}

	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	releaseSlot := sync.OnceFunc(func() { <-t.slots })

	// The throttle decides when the request goes, and learns of its 429s.
	resp, err := t.throttle.roundTrip(ctx, req, func(req *http.Request) (*http.Response, error) { return t.send(ctx, req) })
	if err != nil {
		releaseSlot()
		return nil, err
	}
	// The slot is kept until the answer's body is closed, so that the cap
	// counts the whole exchange, reading the answer included.
	resp.Body = &onClose{ReadCloser: resp.Body, release: releaseSlot}
	return resp, nil
}

// send makes one exchange with the API. Its time starts once the request
// holds a slot and the throttle let it go, and lasts until the answer's body
// is closed: the answer is decoded as it arrives instead of being copied in
// memory first, and the timeout covers reading it.
func (t *transport) send(ctx context.Context, req *http.Request) (*http.Response, error) {
	callerCtx := req.Context()
	attemptCtx, cancel := context.WithTimeout(callerCtx, t.timeout)
	req = req.WithContext(attemptCtx)

	fields := map[string]any{"method": req.Method, "url": req.URL.Redacted()}
	tflog.Debug(ctx, "Sending request to Preo", fields)
	// Bodies are logged only at TRACE, and copying and masking one costs
	// more than sending it, so nothing is built unless TRACE is on.
	trace := tflog.IsTrace(ctx)
	if trace && req.GetBody != nil && req.ContentLength > 0 {
		if body, err := req.GetBody(); err == nil {
			payload, _ := io.ReadAll(body)
			tflog.Trace(ctx, "Request body", map[string]any{"body": string(payload)})
		}
	}

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		cancel()
		fields["error"] = err.Error()
		tflog.Debug(ctx, "Request to Preo failed", fields)
		return nil, t.explainTimeout(callerCtx, attemptCtx, err)
	}
	fields["status"] = resp.StatusCode
	tflog.Debug(ctx, "Received response from Preo", fields)
	resp.Body = &answerBody{body: decodedBody(resp), ctx: ctx, trace: trace, start: start, release: cancel,
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
// of the body for the TRACE log, when TRACE is on, and ends the attempt when
// closed.
type answerBody struct {
	body    io.ReadCloser
	ctx     context.Context
	trace   bool
	start   time.Time
	release func()
	explain func(error) error
	logged  []byte
	total   int64
}

func (b *answerBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if room := maxLoggedBody - len(b.logged); b.trace && room > 0 {
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
	if b.trace {
		tflog.Trace(b.ctx, "Response body", map[string]any{
			"body":        string(b.logged),
			"bytes_read":  b.total,
			"duration_ms": time.Since(b.start).Milliseconds(),
		})
	}
	return err
}

// onClose calls release once the body is closed.
type onClose struct {
	io.ReadCloser
	release func()
}

func (b *onClose) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

// decodedBody undoes the answer's Content-Encoding. The client asks for gzip
// itself (see do), so the transport leaves the body as sent and the client
// can tell a body that is not what its header declares, a bad answer that a
// retry would not mend, from a connection that broke, which a retry may.
func decodedBody(resp *http.Response) io.ReadCloser {
	var codings []string
	for _, value := range resp.Header.Values("Content-Encoding") {
		for coding := range strings.SplitSeq(value, ",") {
			if coding = strings.ToLower(strings.TrimSpace(coding)); coding != "" && coding != "identity" {
				codings = append(codings, coding)
			}
		}
	}
	switch {
	case len(codings) == 0:
		return resp.Body
	case len(codings) == 1 && (codings[0] == "gzip" || codings[0] == "x-gzip"):
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		return &gunzipBody{raw: resp.Body, coding: codings[0]}
	}
	return &refusedBody{ReadCloser: resp.Body, err: fmt.Errorf("%w: it declares Content-Encoding %s, which the provider does not read: it asks for gzip only",
		ErrInvalidAnswer, strings.Join(codings, ", "))}
}

// gunzipBody decompresses a gzip body. Bytes that are not gzip are a bad
// answer; an error of the connection underneath stays what it is.
type gunzipBody struct {
	raw    io.ReadCloser
	coding string
	rawErr error // the last error reading raw returned, other than io.EOF
	zr     *gzip.Reader
}

func (b *gunzipBody) Read(p []byte) (int, error) {
	if b.zr == nil {
		zr, err := gzip.NewReader(readerFunc(b.readRaw))
		if errors.Is(err, io.EOF) && b.rawErr == nil {
			return 0, io.EOF // an empty body has nothing to decompress
		}
		if err != nil {
			return 0, b.explain(err)
		}
		b.zr = zr
	}
	n, err := b.zr.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = b.explain(err)
	}
	return n, err
}

func (b *gunzipBody) readRaw(p []byte) (int, error) {
	n, err := b.raw.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.rawErr = err
	}
	return n, err
}

// explain tells a broken connection, returned as it is, from bytes that
// are not gzip.
func (b *gunzipBody) explain(err error) error {
	if b.rawErr != nil {
		return b.rawErr
	}
	return fmt.Errorf("%w: it declares Content-Encoding %s but its body is not %s (%w)", ErrInvalidAnswer, b.coding, b.coding, err)
}

func (b *gunzipBody) Close() error { return b.raw.Close() }

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// refusedBody is a body the client cannot read: reading it fails with err.
type refusedBody struct {
	io.ReadCloser
	err error
}

func (b *refusedBody) Read([]byte) (int, error) { return 0, b.err }
