package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
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
		req, err := http.NewRequest(http.MethodPatch, base+"/v1/user/usr_0001", strings.NewReader(`{"phone_number":""}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer dev-token")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(string(body), tt.want) {
			t.Errorf("%v: %d %s %v, want %s", tt.args, res.StatusCode, body, err, tt.want)
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
		{[]string{"-addr", "127.0.0.1:0", "-seed-file", seed}, "unknown field"},
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
