package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/preo/terraform-provider-preo/internal/client"
	"github.com/preo/terraform-provider-preo/internal/emulator"
)

func BenchmarkGetUser(b *testing.B) {
	users := emulator.GenerateUsers(100)
	srv := emulator.NewTestServer(b, emulator.Options{}, users...)
	c, err := client.New(client.Config{BaseURL: srv.URL, Token: srv.Token})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := c.GetUser(ctx, users[i%len(users)].ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListUsers lists 1,000 users in pages of 20, with and without
// 5 ms of server latency, to show what fetching pages in parallel buys.
func BenchmarkListUsers(b *testing.B) {
	for _, bc := range []struct {
		name     string
		users    int
		pageSize int
		latency  time.Duration
	}{
		{"no-latency", 1000, 20, 0},
		{"5ms-latency", 1000, 20, 5 * time.Millisecond},
		// The listing of the provider's BenchmarkReadDataSourceUsers: what
		// that read spends on the network and on decoding, which the
		// provider's own time excludes.
		{"20000-users", 20000, 100, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			users := emulator.GenerateUsers(bc.users)
			srv := emulator.NewTestServer(b, emulator.Options{PageSize: bc.pageSize, Latency: bc.latency, RequestLogLimit: 1000}, users...)
			c, err := client.New(client.Config{BaseURL: srv.URL, Token: srv.Token})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				list, err := c.ListUsers(ctx, client.ListUsersQuery{})
				if err != nil {
					b.Fatal(err)
				}
				if len(list.Users) != len(users) {
					b.Fatalf("listed %d users", len(list.Users))
				}
			}
		})
	}
}

// BenchmarkPeakMemory reports the peak heap a client needs (peak-heap-MiB,
// above what was live before) for a 200 MB answer, which it refuses once it
// has read the limit, and for a listing of 20,000 users in pages of 20.
func BenchmarkPeakMemory(b *testing.B) {
	b.Run("200MB-answer", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeHugeUser(w, 200)
		}))
		b.Cleanup(srv.Close)
		c := newClient(b, srv.URL, "tok")
		measurePeak(b, func() {
			if _, err := c.GetUser(context.Background(), "usr_1"); !errors.Is(err, client.ErrAnswerTooLarge) {
				b.Fatalf("err = %v", err)
			}
		})
	})
	b.Run("20000-user-listing", func(b *testing.B) {
		srv := emulator.NewTestServer(b, emulator.Options{PageSize: 20}, emulator.GenerateUsers(20_000)...)
		c := newClient(b, srv.URL, srv.Token)
		measurePeak(b, func() {
			list, err := c.ListUsers(context.Background(), client.ListUsersQuery{})
			if err != nil || len(list.Users) != 20_000 {
				b.Fatalf("listed %v: %v", list, err)
			}
		})
	})
}

// measurePeak runs f b.N times while sampling the heap, and reports the
// highest heap seen above the heap live before each run.
func measurePeak(b *testing.B, f func()) {
	b.ReportAllocs()
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(heap)
		return heap[0].Value.Uint64()
	}
	var peak uint64
	for b.Loop() {
		runtime.GC()
		base := read()
		var highest atomic.Uint64
		done := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for {
				if now := read(); now > highest.Load() {
					highest.Store(now)
				}
				select {
				case <-done:
					return
				default:
					runtime.Gosched()
				}
			}
		}()
		f()
		close(done)
		<-sampled
		peak = max(peak, highest.Load()-min(base, highest.Load()))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkRateLimitedRefresh reads 300 users, as refreshing 300 preo_user
// resources does (ten at a time, Terraform's default parallelism), from an
// API that allows 10 requests per second, with the provider's default
// settings. It reports the wall time as a multiple of the ideal (300
// requests at 10 per second: 30 s) and the 429 answers received; every run
// must succeed.
func BenchmarkRateLimitedRefresh(b *testing.B) {
	const count, perSecond, parallelism = 300, 10, 10
	users := emulator.GenerateUsers(count)
	ideal := time.Duration(count / perSecond * float64(time.Second))
	var runs, throttled int
	var ratios float64
	for b.Loop() {
		srv := emulator.NewTestServer(b, emulator.Options{RateLimit: perSecond}, users...)
		c, err := client.New(client.Config{BaseURL: srv.URL, Token: srv.Token, MaxRetries: client.DefaultMaxRetries})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := readAll(c, users, parallelism); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		runs++
		ratios += elapsed.Seconds() / ideal.Seconds()
		throttled += srv.RateLimited()
		b.Logf("run %d: %d users in %s, %.2f x ideal (%s), %d answers 429", runs, count, elapsed.Round(time.Millisecond), elapsed.Seconds()/ideal.Seconds(), ideal, srv.RateLimited())
	}
	b.ReportMetric(ratios/float64(runs), "x-ideal")
	b.ReportMetric(float64(throttled)/float64(runs), "429s/op")
}

// readAll reads every user, parallelism at a time.
func readAll(c *client.Client, users []emulator.User, parallelism int) error {
	group, ctx := errgroup.WithContext(context.Background())
	group.SetLimit(parallelism)
	for _, u := range users {
		group.Go(func() error {
			_, err := c.GetUser(ctx, u.ID)
			return err
		})
	}
	return group.Wait()
}
