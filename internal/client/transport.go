package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

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
	// Terraform run would then open and close connections all the time.
	base.MaxIdleConnsPerHost = maxConcurrent
	base.MaxConnsPerHost = maxConcurrent
	return &transport{next: base, token: token, slots: make(chan struct{}, maxConcurrent), timeout: timeout}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := tflog.MaskLogStrings(req.Context(), t.token)

	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-t.slots }()

	// The attempt's time starts now that it holds a slot, and covers reading
	// the whole answer.
	callerCtx := req.Context()
	attemptCtx, cancel := context.WithTimeout(callerCtx, t.timeout)
	defer cancel()
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
		fields["error"] = err.Error()
		tflog.Debug(ctx, "Request to Preo failed", fields)
		return nil, t.explainTimeout(callerCtx, attemptCtx, err)
	}

	// The body is read here, inside the slot, so that the cap counts the whole
	// exchange and the connection goes back to the pool before the slot does.
	payload, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	closeErr := resp.Body.Close()
	fields["duration_ms"] = time.Since(start).Milliseconds()
	fields["status"] = resp.StatusCode
	tflog.Debug(ctx, "Received response from Preo", fields)
	if trace {
		tflog.Trace(ctx, "Response body", map[string]any{"body": string(payload)})
	}
	if readErr == nil {
		readErr = closeErr
	}
	resp.Body = io.NopCloser(bytes.NewReader(payload))
	if readErr != nil {
		return nil, t.explainTimeout(callerCtx, attemptCtx, readErr)
	}
	return resp, nil
}

// explainTimeout names the setting when an attempt ran out of time, rather
// than leaving a bare "context deadline exceeded".
func (t *transport) explainTimeout(callerCtx, attemptCtx context.Context, err error) error {
	if callerCtx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no complete answer within request_timeout (%s): %w", t.timeout, err)
	}
	return err
}
