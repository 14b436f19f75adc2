package emulator

import (
	"context"
	"net"
	"net/http/httptest"
	"testing"
)

// TestServer is a started emulator on loopback for tests (httptest), closed by tb.Cleanup.
type TestServer struct {
	*Server
	URL   string // base URL, e.g. http://127.0.0.1:PORT (no trailing slash)
	Token string
}

// NewTestServer starts an emulator seeded with users, which Reset brings back. Connections()
// counts its connections, and requests still waiting out injected latency are cancelled when
// the test ends.
func NewTestServer(tb testing.TB, opts Options, users ...User) *TestServer {
	tb.Helper()
	s := New(opts)
	s.Seed(users...)
	s.KeepSeed()
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnState = s.ConnState
	ctx, cancel := context.WithCancel(context.Background())
	ts.Config.BaseContext = func(net.Listener) context.Context { return ctx }
	ts.Start()
	tb.Cleanup(func() {
		cancel()
		ts.Close()
	})
	return &TestServer{Server: s, URL: ts.URL, Token: s.token}
}
