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

// run parses the command line and serves until ctx ends.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, stdout)
}

// config is what the command line asks for.
type config struct {
	addr     string
	seedFile string // read users from this file, if set
	users    int    // otherwise generate this many, if generate is set
	generate bool   // otherwise serve the demo users
	opts     emulator.Options
}

// parseFlags reads and checks the command line. Errors name the flag at fault; a command line
// the flag package has already complained about is errUsage, and -h is flag.ErrHelp.
func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("preo-emulator", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	cfg := config{opts: emulator.Options{RequestLogLimit: requestLogLimit}}
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8089", "loopback `host:port` to listen on; port 0 picks a free one")
	fs.StringVar(&cfg.opts.Token, "token", "dev-token", "bearer `token` the API accepts")
	fs.StringVar(&cfg.seedFile, "seed-file", "", "JSON `file` holding an array of users (API fields plus edition_id and organization_id)")
	fs.IntVar(&cfg.users, "users", 0, "generate `N` realistic users instead of the demo set")
	fs.IntVar(&cfg.opts.PageSize, "page-size", 20, "users per page of GET /v1/user")
	fs.DurationVar(&cfg.opts.Latency, "latency", 0, "`duration` added to every request, e.g. 150ms")
	fs.Float64Var(&cfg.opts.ErrorRate, "error-rate", 0, "`fraction` of API requests answered 503, 0 to 1")
	fs.Float64Var(&cfg.opts.RateLimit, "rate-limit", 0, "API requests per `second` before 429 with Retry-After; 0 is unlimited")
	fs.BoolVar(&cfg.opts.ClearedPhoneAsNull, "cleared-phone-as-null", false, "store and echo a phone_number PATCHed with \"\" as null, not as \"\"")
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "Usage: preo-emulator [flags]\n\nServes an in-memory Preo API for tests and demos.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, errUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg.generate = set["users"]
	switch {
	case fs.NArg() > 0:
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case set["seed-file"] && cfg.seedFile == "":
		return config{}, errors.New("-seed-file must name a file")
	case set["users"] && set["seed-file"]:
		return config{}, errors.New("-users and -seed-file cannot be used together")
	case cfg.users < 0:
		return config{}, errors.New("-users must not be negative")
	case cfg.opts.PageSize < 1:
		return config{}, errors.New("-page-size must be at least 1")
	case cfg.opts.Latency < 0:
		return config{}, errors.New("-latency must not be negative")
	case cfg.opts.ErrorRate < 0 || cfg.opts.ErrorRate > 1:
		return config{}, errors.New("-error-rate must be between 0 and 1")
	case cfg.opts.RateLimit < 0:
		return config{}, errors.New("-rate-limit must not be negative")
	case cfg.opts.Token == "":
		return config{}, errors.New("-token must not be empty")
	}
	if err := checkLoopback(cfg.addr); err != nil {
		return config{}, err
	}
	return cfg, nil
}

// seed returns the users to serve: those of the seed file, generated ones, or the demo set.
func (cfg config) seed() ([]emulator.User, error) {
	switch {
	case cfg.seedFile != "":
		f, err := os.Open(cfg.seedFile)
		if err != nil {
			return nil, err
		}
		users, err := emulator.ReadUsers(f)
		_ = f.Close()
		var se *emulator.SeedError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s:%d: %s", cfg.seedFile, se.Line, se.Msg)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.seedFile, err)
		}
		return users, nil
	case cfg.generate:
		return emulator.GenerateUsers(cfg.users), nil
	}
	return emulator.DemoUsers(), nil
}

// serve seeds an emulator as cfg says, prints its URL on stdout once it listens, and serves
// until ctx ends.
func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	seed, err := cfg.seed()
	if err != nil {
		return err
	}
	emu := emulator.New(cfg.opts)
	emu.Seed(seed...)
	emu.KeepSeed()

	ln, err := net.Listen("tcp", cfg.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("-addr %q: the address is already in use, perhaps by another preo-emulator: stop that one, or use -addr 127.0.0.1:0 to listen on a free port and read the URL from the first line of output", cfg.addr)
	}
	if err != nil {
		return fmt.Errorf("-addr %q: cannot listen: %w", cfg.addr, err)
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
