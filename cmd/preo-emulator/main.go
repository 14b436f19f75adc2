// Command preo-emulator serves an in-memory Preo API on loopback, for trying the provider and
// testing Terraform code without a Preo account.
//
// Once listening it prints one line, PREO_BASE_URL=http://HOST:PORT, on standard output; any
// logs go to standard error. It stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// requestLogLimit bounds the requests kept for /_emulator/requests in a long-running process.
const requestLogLimit = 10000

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "preo-emulator:", err)
		os.Exit(1)
	}
}

// errUsage marks a command line the flag package has already complained about.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("preo-emulator", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	addr := fs.String("addr", "127.0.0.1:8089", "loopback `host:port` to listen on; port 0 picks a free one")
	token := fs.String("token", "dev-token", "bearer `token` the API accepts")
	seedFile := fs.String("seed-file", "", "JSON `file` holding an array of users (API fields plus edition_id and organization_id)")
	users := fs.Int("users", 0, "generate `N` realistic users instead of the demo set")
	pageSize := fs.Int("page-size", 20, "users per page of GET /v1/user")
	latency := fs.Duration("latency", 0, "`duration` added to every request, e.g. 150ms")
	errorRate := fs.Float64("error-rate", 0, "`fraction` of API requests answered 503, 0 to 1")
	rateLimit := fs.Float64("rate-limit", 0, "API requests per `second` before 429 with Retry-After; 0 is unlimited")
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "Usage: preo-emulator [flags]\n\nServes an in-memory Preo API for tests and demos.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case set["users"] && set["seed-file"]:
		return errors.New("-users and -seed-file cannot be used together")
	case *users < 0:
		return errors.New("-users must not be negative")
	case *pageSize < 1:
		return errors.New("-page-size must be at least 1")
	case *latency < 0:
		return errors.New("-latency must not be negative")
	case *errorRate < 0 || *errorRate > 1:
		return errors.New("-error-rate must be between 0 and 1")
	case *rateLimit < 0:
		return errors.New("-rate-limit must not be negative")
	case *token == "":
		return errors.New("-token must not be empty")
	}
	if err := checkLoopback(*addr); err != nil {
		return err
	}

	var seed []emulator.User
	switch {
	case set["seed-file"]:
		f, err := os.Open(*seedFile)
		if err != nil {
			return err
		}
		seed, err = emulator.ReadUsers(f)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *seedFile, err)
		}
	case set["users"]:
		seed = emulator.GenerateUsers(*users)
	default:
		seed = emulator.DemoUsers()
	}

	emu := emulator.New(emulator.Options{
		Token:           *token,
		PageSize:        *pageSize,
		Latency:         *latency,
		ErrorRate:       *errorRate,
		RateLimit:       *rateLimit,
		RequestLogLimit: requestLogLimit,
	})
	emu.Seed(seed...)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           emu,
		ConnState:         emu.ConnState,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(os.Stderr, "preo-emulator: ", 0),
		// Requests waiting out -latency end with the process instead of holding up shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	if _, err := fmt.Fprintf(stdout, "PREO_BASE_URL=http://%s\n", ln.Addr()); err != nil {
		_ = ln.Close()
		return err
	}
	fmt.Fprintf(os.Stderr, "preo-emulator: serving %d users; send Authorization: Bearer <token>; test controls under /_emulator/\n", len(seed))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// checkLoopback refuses to listen beyond this machine: the emulator accepts a well-known token.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q: the emulator only listens on loopback (127.0.0.1, [::1] or localhost), as anyone reaching it could use its well-known token", addr)
}
