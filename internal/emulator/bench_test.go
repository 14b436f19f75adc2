package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// benchServe measures the handler alone, as the provider's benchmarks see it: one request,
// one full response. The request log is capped so that a long run does not measure its growth.
func benchServe(b *testing.B, s *Server, method, target, body string) {
	b.Helper()
	r := httptest.NewRequest(method, target, nil)
	r.Header.Set("Authorization", "Bearer dev-token")
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
		r.ContentLength = int64(len(body))
	}
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		if body != "" {
			r.Body = readCloser{strings.NewReader(body)}
		}
		w.Body.Reset()
		s.ServeHTTP(w, r)
	}
	if w.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body)
	}
	b.SetBytes(int64(w.Body.Len()))
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func benchServer() *Server {
	s := New(Options{PageSize: 100, RequestLogLimit: 1000})
	s.Seed(GenerateUsers(1000)...)
	return s
}

func BenchmarkListPage(b *testing.B) {
	benchServe(b, benchServer(), "GET", "/v1/user?page=3", "")
}

func BenchmarkListPageOrderedFiltered(b *testing.B) {
	benchServe(b, benchServer(), "GET", "/v1/user?organization_id=org_4hd8s2&ordering=-last_seen,email&page=2", "")
}

func BenchmarkListPageSearch(b *testing.B) {
	benchServe(b, benchServer(), "GET", "/v1/user?search=a+e&page=2", "")
}

func BenchmarkRetrieve(b *testing.B) {
	benchServe(b, benchServer(), "GET", "/v1/user/usr_0500", "")
}

func BenchmarkPatch(b *testing.B) {
	benchServe(b, benchServer(), "PATCH", "/v1/user/usr_0500", `{"first_name":"Benchmark","phone_number":"+45 12 34 56 78"}`)
}

// BenchmarkListPageHTTP includes a real loopback round trip, for scale.
func BenchmarkListPageHTTP(b *testing.B) {
	ts := NewTestServer(b, Options{PageSize: 100, RequestLogLimit: 1000}, GenerateUsers(1000)...)
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/v1/user?page=3", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer dev-token")
	b.ReportAllocs()
	for b.Loop() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var buf [32 << 10]byte
		for {
			if _, err := res.Body.Read(buf[:]); err != nil {
				break
			}
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatal(res.Status)
		}
	}
}
