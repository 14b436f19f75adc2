package client_test

import (
	"context"
	"testing"
	"time"

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
