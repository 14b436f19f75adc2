package client_test

import (
	"context"
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
	users := emulator.GenerateUsers(1000)
	for _, bc := range []struct {
		name    string
		latency time.Duration
	}{{"no-latency", 0}, {"5ms-latency", 5 * time.Millisecond}} {
		b.Run(bc.name, func(b *testing.B) {
			srv := emulator.NewTestServer(b, emulator.Options{PageSize: 20, Latency: bc.latency}, users...)
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
