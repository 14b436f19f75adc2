package client_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/preo/terraform-provider-preo/internal/client"
)

func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = io.WriteString(zw, s)
	_ = zw.Close()
	return b.String()
}

// encodedServer answers every request with status, the Content-Encoding
// header and body as given, and counts the requests.
func encodedServer(t *testing.T, status int, encoding, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if encoding != "" {
			w.Header().Set("Content-Encoding", encoding)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

// A body that is not what its Content-Encoding declares is a bad answer
// from Preo, on a success and on an error status: said so, and not retried
// as if Preo could not be reached.
func TestContentEncodingThatDoesNotMatchTheBody(t *testing.T) {
	answer := user("usr_1")
	bodies := map[string]struct{ encoding, body, want string }{
		"gzip declared, plain sent":         {"gzip", answer, "declares Content-Encoding gzip but its body is not gzip"},
		"x-gzip declared, plain sent":       {"x-gzip", answer, "declares Content-Encoding x-gzip but its body is not x-gzip"},
		"gzip declared, gzip cut short":     {"gzip", gzipped(answer)[:30], "declares Content-Encoding gzip but its body is not gzip"},
		"gzip declared, corrupt checksum":   {"gzip", gzipped(answer)[:len(gzipped(answer))-8] + "\x00\x00\x00\x00\x00\x00\x00\x00", "its body is not gzip"},
		"br declared":                       {"br", answer, "declares Content-Encoding br, which the provider does not read"},
		"deflate declared":                  {"deflate", answer, "declares Content-Encoding deflate, which the provider does not read"},
		"an unknown coding":                 {"x-preo", answer, "declares Content-Encoding x-preo, which the provider does not read"},
		"two codings":                       {"gzip, br", gzipped(answer), "declares Content-Encoding gzip, br, which the provider does not read"},
		"gzip declared, empty error answer": {"gzip", "x", "its body is not gzip"},
	}
	for name, tc := range bodies {
		for _, status := range []int{http.StatusOK, http.StatusBadRequest, http.StatusNotFound} {
			t.Run(name+"/"+strconv.Itoa(status), func(t *testing.T) {
				srv, requests := encodedServer(t, status, tc.encoding, tc.body)
				_, err := newClient(t, srv.URL, "tok").GetUser(context.Background(), "usr_1")
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want it to say %q", err, tc.want)
				}
				if !errors.Is(err, client.ErrInvalidAnswer) {
					t.Errorf("err = %v, want ErrInvalidAnswer", err)
				}
				var apiErr *client.APIError
				if status != http.StatusOK && (!errors.As(err, &apiErr) || apiErr.StatusCode != status) {
					t.Errorf("err = %v, want the status %d", err, status)
				}
				if status == http.StatusOK && errors.As(err, &apiErr) {
					t.Errorf("err = %v is reported as a request that got no answer", err)
				}
				if n := requests.Load(); n != 1 {
					t.Errorf("sent %d times; a bad answer is not retried", n)
				}
			})
		}
	}
}

// What Preo sends compressed as it says, and what it sends plain, both read.
func TestContentEncodingThatMatches(t *testing.T) {
	for name, tc := range map[string]struct{ encoding, body string }{
		"gzip":     {"gzip", gzipped(user("usr_1"))},
		"GZIP":     {"GZIP", gzipped(user("usr_1"))},
		"identity": {"identity", user("usr_1")},
		"none":     {"", user("usr_1")},
	} {
		srv, _ := encodedServer(t, http.StatusOK, tc.encoding, tc.body)
		if u, err := newClient(t, srv.URL, "tok").GetUser(context.Background(), "usr_1"); err != nil || u.ID != "usr_1" {
			t.Errorf("%s: %v, %v", name, u, err)
		}
	}
	srv, _ := encodedServer(t, http.StatusNotFound, "gzip", gzipped(`{"detail": "Not found."}`))
	_, err := newClient(t, srv.URL, "tok").UpdateUser(context.Background(), "usr_1", client.UserPatch{FirstName: ptr("Ada")})
	if !client.IsNotFound(err) || !strings.Contains(err.Error(), "Not found.") {
		t.Errorf("a gzipped error answer: %v", err)
	}
}

// A gzipped answer whose connection breaks off is retried like any answer
// that breaks off: the connection failed, not the encoding.
func TestGzippedAnswerCutShortIsRetried(t *testing.T) {
	var requests atomic.Int32
	full := gzipped(user("usr_1"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		if requests.Add(1) == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(full)))
			_, _ = io.WriteString(w, full[:len(full)/2])
			return
		}
		_, _ = io.WriteString(w, full)
	}))
	t.Cleanup(srv.Close)
	if _, err := newClient(t, srv.URL, "tok").GetUser(context.Background(), "usr_1"); err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// A huge error page costs a bounded read and gives a short message of its
// text.
func TestHugeErrorPageGivesAShortMessage(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "<html><head><style>p { margin: 0 }</style><script>boot()</script></head><body><h1>Internal   Server\n\nError</h1>")
		line := []byte(strings.Repeat("<p>stack frame &lt;at&gt; line</p>\n", 1000))
		for written.Load() < 50<<20 {
			n, err := w.Write(line)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL, "tok").GetUser(context.Background(), "usr_1")
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
		t.Fatalf("err = %v", err)
	}
	msg := apiErr.Message()
	if !strings.HasPrefix(msg, "Internal Server Error stack frame <at> line stack frame") || len(msg) > 400 || strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
	if strings.Contains(msg, "boot()") || strings.Contains(msg, "margin") {
		t.Errorf("the message quotes a script or a style: %q", msg)
	}
	if n := written.Load(); n >= 40<<20 {
		t.Errorf("the client took %d MiB of a 50 MiB error page", n>>20)
	}
}
