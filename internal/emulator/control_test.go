package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// httpDo sends one request to a started emulator, with the token, and returns the status and
// the body.
func httpDo(t *testing.T, ts *TestServer, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ts.Token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// POST /_emulator/reset undoes everything a test run did, over HTTP, as a script between two
// runs of `tofu test` does it.
func TestResetOverHTTP(t *testing.T) {
	ts := NewTestServer(t, Options{RateLimit: 0.001}, DemoUsers()[:3]...)
	_, seeded := httpDo(t, ts, "GET", "/_emulator/users", "")

	if code, body := httpDo(t, ts, "PATCH", "/v1/user/usr_0001", `{"first_name":"Alicia"}`); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	if code, _ := httpDo(t, ts, "GET", "/v1/user", ""); code != 429 {
		t.Fatalf("second request within the rate limit: %d, want 429", code)
	}
	httpDo(t, ts, "DELETE", "/_emulator/users/usr_0002", "")
	httpDo(t, ts, "PATCH", "/_emulator/users/usr_0003", `{"is_active":false}`)
	httpDo(t, ts, "POST", "/_emulator/users", `[{"id":"usr_new"}]`)
	httpDo(t, ts, "POST", "/_emulator/failures", `{"path":"/v1/user","status":503,"times":5}`)
	if _, users := httpDo(t, ts, "GET", "/_emulator/users", ""); users == seeded {
		t.Fatal("the changes did not change the users")
	}

	if code, body := httpDo(t, ts, "POST", "/_emulator/reset", ""); code != 200 || body != "{\"users\":3}\n" {
		t.Fatalf("reset: %d %s", code, body)
	}
	if _, users := httpDo(t, ts, "GET", "/_emulator/users", ""); users != seeded {
		t.Errorf("users after reset:\n%s\nwant the seed:\n%s", users, seeded)
	}
	if _, requests := httpDo(t, ts, "GET", "/_emulator/requests", ""); requests != "[]\n" {
		t.Errorf("requests after reset: %s", requests)
	}
	// The rate limit's bucket is full again and the injected failures are gone.
	if code, body := httpDo(t, ts, "GET", "/v1/user/usr_0001", ""); code != 200 || !strings.Contains(body, `"first_name":"Alice"`) {
		t.Errorf("first request after reset: %d %s", code, body)
	}
	if code, body := httpDo(t, ts, "GET", "/_emulator/reset", ""); code != 405 || !strings.Contains(body, "not allowed") {
		t.Errorf("GET /_emulator/reset: %d %s", code, body)
	}
}

// An emulator whose seed was never kept resets to no users; one kept later resets to that.
func TestResetKeepsLatestSeed(t *testing.T) {
	s := New(Options{})
	s.Seed(DemoUsers()...)
	s.Reset()
	if n := len(s.Users()); n != 0 {
		t.Errorf("Reset without KeepSeed: %d users", n)
	}
	if res := serve(s, "GET", "/v1/user/usr_0001", ""); res.code != 404 {
		t.Errorf("reset user still served: %d", res.code)
	}
	s.Seed(DemoUsers()[:2]...)
	s.KeepSeed()
	s.Seed(DemoUsers()[2:5]...)
	s.UpdateUser("usr_0001", func(u *User) { u.FirstName = "Changed" })
	s.Reset()
	if got := userIDs(s.Users()); !slices.Equal(got, []string{"usr_0001", "usr_0002"}) {
		t.Errorf("after Reset: %v", got)
	}
	if u, _ := s.User("usr_0001"); u.FirstName != "Alice" {
		t.Errorf("usr_0001 after Reset: %+v", u)
	}
}

// GET /_emulator/requests answers over HTTP with what the manual shows.
func TestRequestLogOverHTTP(t *testing.T) {
	ts := NewTestServer(t, Options{}, DemoUsers()...)
	httpDo(t, ts, "GET", "/v1/user?organization_id=org_nordlys&ordering=-last_seen", "")
	httpDo(t, ts, "PATCH", "/v1/user/usr_0001", `{"first_name":"Alicia"}`)
	httpDo(t, ts, "GET", "/_emulator/users/usr_0001", "")

	code, body := httpDo(t, ts, "GET", "/_emulator/requests", "")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var log []struct {
		Method string              `json:"method"`
		Path   string              `json:"path"`
		Query  map[string][]string `json:"query"`
		Body   string              `json:"body"`
		Header map[string][]string `json:"header"`
	}
	if err := json.Unmarshal([]byte(body), &log); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if len(log) != 2 {
		t.Fatalf("%d requests logged, want the 2 API requests: %s", len(log), body)
	}
	list, update := log[0], log[1]
	if list.Method != http.MethodGet || list.Path != "/v1/user" || !slices.Equal(list.Query["organization_id"], []string{"org_nordlys"}) ||
		!slices.Equal(list.Query["ordering"], []string{"-last_seen"}) || list.Body != "" ||
		!slices.Equal(list.Header["Authorization"], []string{"Bearer dev-token"}) {
		t.Errorf("first request: %+v", list)
	}
	if update.Method != http.MethodPatch || update.Path != "/v1/user/usr_0001" || update.Body != `{"first_name":"Alicia"}` ||
		!slices.Equal(update.Header["Content-Type"], []string{"application/json"}) {
		t.Errorf("second request: %+v", update)
	}
}
