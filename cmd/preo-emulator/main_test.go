package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// start runs the command until the test ends and returns the base URL it printed.
func start(t *testing.T, args ...string) (baseURL string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, w)
		w.CloseWithError(io.EOF)
		done <- err
	}()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("still running 10s after cancel")
		}
	}
	t.Cleanup(func() { _ = stop() })

	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatalf("no output: %v", stop())
	}
	line := lines.Text()
	if !regexp.MustCompile(`^PREO_BASE_URL=http://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(line) {
		t.Fatalf("first line %q", line)
	}
	go func() {
		for lines.Scan() {
			t.Errorf("unexpected output: %q", lines.Text())
		}
	}()
	return strings.TrimPrefix(line, "PREO_BASE_URL="), stop
}

type page struct {
	Count   int              `json:"count"`
	Next    *string          `json:"next"`
	Results []map[string]any `json:"results"`
}

func get(t *testing.T, url, token string) (int, page) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	var p page
	if res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode, p
}

// send makes a request with the demo token and a JSON body, and returns the
// status and the body of the answer.
func send(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer dev-token")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(answer)
}

func TestRunServesAndStops(t *testing.T) {
	base, stop := start(t, "-addr", "127.0.0.1:0", "-users", "25", "-page-size", "10")
	code, p := get(t, base+"/v1/user?page=2", "dev-token")
	if code != 200 || p.Count != 25 || len(p.Results) != 10 || p.Next == nil || *p.Next != base+"/v1/user?page=3" {
		t.Fatalf("page 2: %d %+v", code, p)
	}
	if code, _ := get(t, base+"/v1/user", "wrong"); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if res, err := http.Get(base + "/v1/user"); err == nil {
		_ = res.Body.Close()
		t.Error("still serving after stop")
	}
}

func TestRunDefaultsToDemoUsers(t *testing.T) {
	base, _ := start(t, "-addr", "127.0.0.1:0", "-token", "t0k3n")
	if code, p := get(t, base+"/v1/user?search=alice", "t0k3n"); code != 200 || p.Count != 1 || p.Results[0]["first_name"] != "Alice" {
		t.Fatalf("%d %+v", code, p)
	}
	if code, p := get(t, base+"/v1/user", "t0k3n"); code != 200 || p.Count != 12 || len(p.Results) != 12 {
		t.Fatalf("%d %+v", code, p)
	}
}

func TestRunSeedFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "users.json")
	seed := `[
		{"id":"usr_a","email":"a@example.com","first_name":"A","date_joined":"2024-01-01T00:00:00Z","edition_id":"edt_1","organization_id":"org_1"},
		{"id":"usr_b","email":"b@example.com","first_name":"B","date_joined":"2024-01-02T00:00:00Z","edition_id":"edt_2","organization_id":"org_1"}
	]`
	if err := os.WriteFile(file, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := start(t, "-addr", "127.0.0.1:0", "-seed-file", file)
	if code, p := get(t, base+"/v1/user?edition_id=edt_2", "dev-token"); code != 200 || p.Count != 1 || p.Results[0]["id"] != "usr_b" {
		t.Fatalf("%d %+v", code, p)
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{
		"-addr", "[::1]:9000", "-token", "t", "-users", "0", "-page-size", "5", "-latency", "150ms",
		"-error-rate", "0.25", "-rate-limit", "2.5", "-cleared-phone-as-null",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := config{addr: "[::1]:9000", generate: true, opts: emulator.Options{
		Token: "t", PageSize: 5, Latency: 150 * time.Millisecond, ErrorRate: 0.25, RateLimit: 2.5,
		ClearedPhoneAsNull: true, RequestLogLimit: requestLogLimit,
	}}
	if cfg != want {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
	cfg, err = parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	want = config{addr: "127.0.0.1:8089", opts: emulator.Options{Token: "dev-token", PageSize: 20, RequestLogLimit: requestLogLimit}}
	if cfg != want {
		t.Errorf("defaults: got  %+v\nwant %+v", cfg, want)
	}
}

func TestRunClearedPhone(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, `"phone_number":""`},
		{[]string{"-cleared-phone-as-null"}, `"phone_number":null`},
	} {
		base, _ := start(t, append([]string{"-addr", "127.0.0.1:0"}, tt.args...)...)
		code, body := send(t, http.MethodPatch, base+"/v1/user/usr_0001", `{"phone_number":""}`)
		if code != http.StatusOK || !strings.Contains(body, tt.want) {
			t.Errorf("%v: %d %s, want %s", tt.args, code, body, tt.want)
		}
	}
}

func TestRunStopsDespiteLatency(t *testing.T) {
	base, stop := start(t, "-addr", "127.0.0.1:0", "-latency", "1h")
	go func() {
		if res, err := http.Get(base + "/v1/user"); err == nil {
			_ = res.Body.Close()
		}
	}()
	time.Sleep(50 * time.Millisecond)
	begin := time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(begin); waited > 3*time.Second {
		t.Errorf("stopping took %v", waited)
	}
}

func TestRunRefuses(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(seed, []byte(`[{"id":"x","nickname":"typo"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-addr", "0.0.0.0:8089"}, `-addr "0.0.0.0:8089": the emulator only listens on loopback`},
		{[]string{"-addr", ":8089"}, `-addr ":8089": the emulator only listens on loopback`},
		{[]string{"-addr", "preo.internal:8089"}, `-addr "preo.internal:8089": the emulator only listens on loopback`},
		{[]string{"-addr", "0.0.0.0:0"}, "loopback"},
		{[]string{"-addr", ":0"}, "loopback"},
		{[]string{"-addr", "[::]:0"}, "loopback"},
		{[]string{"-addr", "192.0.2.1:0"}, "loopback"},
		{[]string{"-addr", "api.example.com:0"}, "loopback"},
		{[]string{"-addr", "127.0.0.1"}, "missing port"},
		{[]string{"-users", "5", "-seed-file", seed}, "cannot be used together"},
		{[]string{"-users", "-1"}, "-users"},
		{[]string{"-page-size", "0"}, "-page-size"},
		{[]string{"-latency", "-1s"}, "-latency"},
		{[]string{"-error-rate", "1.5"}, "-error-rate"},
		{[]string{"-rate-limit", "-2"}, "-rate-limit"},
		{[]string{"-token", ""}, "-token"},
		{[]string{"-seed-file", ""}, "-seed-file"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"-addr", "127.0.0.1:0", "-seed-file", seed}, seed + `:1: user 1 ("x"): unknown field "nickname"`},
		{[]string{"-addr", "127.0.0.1:0", "-seed-file", filepath.Join(t.TempDir(), "missing.json")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			err := run(context.Background(), tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
	if err := run(context.Background(), []string{"-no-such-flag"}, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("unknown flag: %v", err)
	}
	if err := run(context.Background(), []string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// writeSeed writes a seed file into a temporary directory and returns its path.
func writeSeed(t *testing.T, content string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// A bad seed file is refused before anything listens, with the file, the line and the field.
func TestRunRefusesBadSeedFiles(t *testing.T) {
	for _, tt := range []struct {
		name, seed, want string
	}{
		{"wrong type", `[
  {"id": "usr_1", "is_active": true},
  {"id": "usr_2",
   "is_active": "yes"}
]`, `:4: user 2 ("usr_2"): field "is_active": expected true or false, got "yes"`},
		{"unknown field", "[\n  {\"id\": \"usr_1\",\n   \"emial\": \"ada@example.com\"}\n]", `:3: user 1 ("usr_1"): unknown field "emial"; the fields are id, email,`},
		{"bad JSON", "[\n  {\"id\": \"usr_1\"}\n  {\"id\": \"usr_2\"}\n]", `:3: not valid JSON: invalid character '{' after array element`},
		{"duplicate id", "[\n  {\"id\": \"usr_1\"},\n  {\"id\": \"usr_1\"}\n]", `:3: user 2 ("usr_1"): duplicate id: user 1 on line 2 has it already`},
		{"timestamp", "[{\"id\": \"usr_1\", \"date_joined\": 1724598000}]", `:1: user 1 ("usr_1"): field "date_joined": expected an RFC 3339 timestamp such as "2024-08-25T15:00:00Z", got 1724598000`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := writeSeed(t, tt.seed)
			err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-seed-file", file}, io.Discard)
			if err == nil || !strings.HasPrefix(err.Error(), file+tt.want) {
				t.Errorf("got  %v\nwant %s%s", err, file, tt.want)
			}
		})
	}
}

func TestRunRefusesAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	addr := ln.Addr().String()
	err = run(context.Background(), []string{"-addr", addr}, io.Discard)
	want := fmt.Sprintf(`-addr %q: the address is already in use`, addr)
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "-addr 127.0.0.1:0") {
		t.Errorf("got  %v\nwant %s ..., suggesting -addr 127.0.0.1:0", err, want)
	}
}

// POST /_emulator/reset brings back the users of the seed file the command started with.
func TestRunResetsToTheSeedFile(t *testing.T) {
	file := writeSeed(t, `[
  {"id": "usr_1", "email": "ada@example.com", "first_name": "Ada", "is_active": true, "organization_id": "org_1"},
  {"id": "usr_2", "email": "bob@example.com", "first_name": "Bob", "is_active": true, "organization_id": "org_1"}
]`)
	base, _ := start(t, "-addr", "127.0.0.1:0", "-seed-file", file)
	call := func(method, path, body string) string {
		t.Helper()
		_, answer := send(t, method, base+path, body)
		return answer
	}
	seeded := call("GET", "/_emulator/users", "")
	call("PATCH", "/v1/user/usr_1", `{"first_name":"Augusta"}`)
	call("DELETE", "/_emulator/users/usr_2", "")
	call("POST", "/_emulator/failures", `{"path":"/v1/user","status":500,"times":9}`)
	if changed := call("GET", "/_emulator/users", ""); changed == seeded {
		t.Fatal("the changes did not change the users")
	}
	if got := call("POST", "/_emulator/reset", ""); got != "{\"users\":2}\n" {
		t.Errorf("reset answered %s", got)
	}
	if got := call("GET", "/_emulator/users", ""); got != seeded {
		t.Errorf("after reset:\n%s\nwant the seed file's users:\n%s", got, seeded)
	}
	if got := call("GET", "/_emulator/requests", ""); got != "[]\n" {
		t.Errorf("request log after reset: %s", got)
	}
	if code, p := get(t, base+"/v1/user?organization_id=org_1", "dev-token"); code != 200 || p.Count != 2 {
		t.Errorf("after reset: %d %+v", code, p)
	}
}

// TestMain runs the command itself when asked to, so that a test can see its exit status.
func TestMain(m *testing.M) {
	if os.Getenv("PREO_EMULATOR_TEST_MAIN") == "1" {
		os.Args = append([]string{"preo-emulator"}, strings.Fields(os.Getenv("PREO_EMULATOR_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The command exits non-zero with the message on standard error and nothing on standard output.
func TestMainExitStatus(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	seed := writeSeed(t, "[\n  {\"id\": \"usr_1\",\n   \"is_active\": \"yes\"}\n]")
	for _, tt := range []struct {
		args   string
		status int
		stderr string
	}{
		{"-addr 127.0.0.1:0 -seed-file " + seed, 1, "preo-emulator: " + seed + `:3: user 1 ("usr_1"): field "is_active": expected true or false, got "yes"`},
		{"-addr " + ln.Addr().String(), 1, fmt.Sprintf("preo-emulator: -addr %q: the address is already in use", ln.Addr())},
		{"-addr 0.0.0.0:8089", 1, `preo-emulator: -addr "0.0.0.0:8089": the emulator only listens on loopback`},
		{"-no-such-flag", 2, "flag provided but not defined: -no-such-flag"},
	} {
		t.Run(tt.args, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "PREO_EMULATOR_TEST_MAIN=1", "PREO_EMULATOR_TEST_ARGS="+tt.args)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tt.status {
				t.Fatalf("exit: %v, want status %d; stderr: %s", err, tt.status, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) || stdout.Len() != 0 {
				t.Errorf("stdout %q, stderr %q; want %q on stderr only", stdout.String(), stderr.String(), tt.stderr)
			}
		})
	}
}
