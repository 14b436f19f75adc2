package emulator

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestGenerateUsers(t *testing.T) {
	users := GenerateUsers(300)
	if !reflect.DeepEqual(users, GenerateUsers(300)) {
		t.Fatal("GenerateUsers is not deterministic")
	}
	if prefix := GenerateUsers(40); !reflect.DeepEqual(prefix, users[:40]) {
		t.Error("GenerateUsers(40) is not a prefix of GenerateUsers(300)")
	}
	if n := len(GenerateUsers(0)); n != 0 {
		t.Errorf("GenerateUsers(0) has %d users", n)
	}
	ids, emails := map[string]bool{}, map[string]bool{}
	editions, orgs := map[string]string{}, map[string]bool{}
	var nullPhone, nullChannel, nullSeen, fractional, whole, ties int
	for i, u := range users {
		if want := fmt.Sprintf("usr_%04d", i+1); u.ID != want {
			t.Errorf("user %d has id %s, want %s", i, u.ID, want)
		}
		if ids[u.ID] || emails[strings.ToLower(u.Email)] {
			t.Errorf("duplicate id or email: %s %s", u.ID, u.Email)
		}
		ids[u.ID], emails[strings.ToLower(u.Email)] = true, true
		if !validEmail([]rune(u.Email)) || utf8.RuneCountInString(u.Email) > 254 {
			t.Errorf("%s: the API would refuse email %q", u.ID, u.Email)
		}
		if u.PhoneNumber != nil && utf8.RuneCountInString(*u.PhoneNumber) > 32 || utf8.RuneCountInString(u.FirstName) > 80 || u.FirstName == "" || u.LastName == "" {
			t.Errorf("%s: fields out of the API's limits: %+v", u.ID, u)
		}
		if !strings.HasPrefix(u.EditionID, "edt_") || !strings.HasPrefix(u.OrganizationID, "org_") {
			t.Errorf("%s: edition %q organization %q", u.ID, u.EditionID, u.OrganizationID)
		}
		if org, seen := editions[u.EditionID]; seen && org != u.OrganizationID {
			t.Errorf("edition %s belongs to both %s and %s", u.EditionID, org, u.OrganizationID)
		}
		editions[u.EditionID], orgs[u.OrganizationID] = u.OrganizationID, true
		if u.LastSeen != nil && u.LastSeen.Before(u.DateJoined) {
			t.Errorf("%s: last seen before joining", u.ID)
		}
		if u.DateJoined.Location() != time.UTC || u.DateJoined.Nanosecond()%1000 != 0 {
			t.Errorf("%s: date joined %v is not UTC microseconds", u.ID, u.DateJoined)
		}
		if u.Metadata == nil {
			t.Errorf("%s: nil metadata", u.ID)
		}
		count := func(b bool, n *int) {
			if b {
				*n++
			}
		}
		count(u.PhoneNumber == nil, &nullPhone)
		count(u.MsgChannel == nil, &nullChannel)
		count(u.LastSeen == nil, &nullSeen)
		count(u.DateJoined.Nanosecond() != 0, &fractional)
		count(u.DateJoined.Nanosecond() == 0, &whole)
		count(i > 0 && u.DateJoined.Equal(users[i-1].DateJoined), &ties)
	}
	if len(editions) != 3 || len(orgs) != 2 {
		t.Errorf("%d editions, %d organizations", len(editions), len(orgs))
	}
	for name, n := range map[string]int{"null phone": nullPhone, "null channel": nullChannel, "null last seen": nullSeen, "fractional": fractional, "whole seconds": whole, "ties": ties} {
		if n == 0 || n == len(users) {
			t.Errorf("%s: %d of %d users", name, n, len(users))
		}
	}
}

func TestDemoUsers(t *testing.T) {
	users := DemoUsers()
	editions, orgs := map[string]bool{}, map[string]bool{}
	for _, u := range users {
		if !validEmail([]rune(u.Email)) || u.FirstName == "" || u.LastName == "" {
			t.Errorf("%+v", u)
		}
		editions[u.EditionID], orgs[u.OrganizationID] = true, true
	}
	if len(users) != 12 || len(editions) != 2 || len(orgs) != 2 {
		t.Errorf("%d users, %d editions, %d organizations", len(users), len(editions), len(orgs))
	}
}

func TestStore(t *testing.T) {
	s := New(Options{})
	users := DemoUsers()
	s.Seed(users[2], users[1], users[0])
	if got := userIDs(s.Users()); !reflect.DeepEqual(got, []string{"usr_0001", "usr_0002", "usr_0003"}) {
		t.Errorf("Users() order %v", got)
	}

	u, ok := s.User("usr_0001")
	if !ok || !equalUsers(u, users[0]) {
		t.Fatalf("User: %+v %v", u, ok)
	}
	*u.PhoneNumber = "changed"
	u.Metadata["source"] = "changed"
	*u.LastSeen = time.Time{}
	if again, _ := s.User("usr_0001"); !equalUsers(again, users[0]) {
		t.Error("User() returned memory shared with the store")
	}
	list := s.Users()
	list[0].Metadata["x"] = 1
	if again, _ := s.User("usr_0001"); again.Metadata["x"] != nil {
		t.Error("Users() returned memory shared with the store")
	}
	seeded := users[0]
	seeded.Metadata["y"] = 2
	if again, _ := s.User("usr_0001"); again.Metadata["y"] != nil {
		t.Error("Seed kept the caller's metadata map")
	}

	replacement := users[0]
	replacement.FirstName = "Replaced"
	replacement.DateJoined = time.Date(2030, 1, 1, 0, 0, 0, 1500, time.FixedZone("X", 3600))
	s.Seed(replacement)
	if got, _ := s.User("usr_0001"); got.FirstName != "Replaced" || len(s.Users()) != 3 || s.Users()[2].ID != "usr_0001" {
		t.Errorf("Seed did not replace by id: %+v", s.Users())
	}
	if got, _ := s.User("usr_0001"); !got.DateJoined.Equal(time.Date(2029, 12, 31, 23, 0, 0, 1000, time.UTC)) || got.DateJoined.Location() != time.UTC {
		t.Errorf("stored date joined %v, want UTC truncated to microseconds", got.DateJoined)
	}

	if !s.UpdateUser("usr_0002", func(u *User) {
		u.ID = "hijack"
		u.IsActive = false
		u.DateJoined = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}) {
		t.Fatal("UpdateUser: unknown user")
	}
	if got, ok := s.User("usr_0002"); !ok || got.IsActive || s.Users()[0].ID != "usr_0002" {
		t.Errorf("UpdateUser: %+v, order %v", got, userIDs(s.Users()))
	}
	if _, ok := s.User("hijack"); ok {
		t.Error("UpdateUser changed the id")
	}
	if s.UpdateUser("nope", func(*User) { t.Error("called for an unknown user") }) {
		t.Error("UpdateUser of an unknown user returned true")
	}
	if !s.DeleteUser("usr_0002") || s.DeleteUser("usr_0002") || len(s.Users()) != 2 {
		t.Errorf("DeleteUser: %v", userIDs(s.Users()))
	}
	if res := serve(s, "GET", "/v1/user/usr_0002", ""); res.code != 404 {
		t.Errorf("deleted user still served: %d", res.code)
	}
}
