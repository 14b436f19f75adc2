package client

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// A listing answers reads for ListingMaxAge, and not a moment longer.
func TestListingsAnswerUpToTheirAge(t *testing.T) {
	users := emulator.GenerateUsers(10)
	srv := emulator.NewTestServer(t, emulator.Options{}, users...)
	c, err := New(Config{BaseURL: srv.URL, Token: srv.Token})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	clock := time.Now()
	c.reads.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	ctx := context.Background()
	if _, err := c.ListUsers(ctx, ListUsersQuery{}); err != nil {
		t.Fatal(err)
	}
	read := func(id string, age time.Duration) int {
		mu.Lock()
		clock = clock.Add(age)
		mu.Unlock()
		srv.ResetRequests()
		if _, err := c.GetUser(ctx, id); err != nil {
			t.Fatal(err)
		}
		return len(srv.Requests())
	}
	if n := read(users[0].ID, 0); n != 1 {
		t.Errorf("the read that proves the listing sent %d requests, want its GET", n)
	}
	if n := read(users[1].ID, ListingMaxAge); n != 0 {
		t.Errorf("a read at the listing's age limit sent %d requests, want none", n)
	}
	if n := read(users[2].ID, time.Millisecond); n == 0 {
		t.Error("a read past the listing's age limit was answered from it")
	}
}
