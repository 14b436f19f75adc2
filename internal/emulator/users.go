package emulator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// User is one Preo user as the emulator stores it. JSON tags are the API field names;
// EditionID/OrganizationID are not rendered by the API (filters only) but are read from seed files.
type User struct {
	ID             string         `json:"id"`
	Email          string         `json:"email"`
	PhoneNumber    *string        `json:"phone_number"`
	FirstName      string         `json:"first_name"`
	LastName       string         `json:"last_name"`
	IsVerified     bool           `json:"is_verified"`
	IsActive       bool           `json:"is_active"`
	Locale         string         `json:"locale"`
	MsgChannel     *string        `json:"msg_channel"`
	DateJoined     time.Time      `json:"date_joined"`
	LastSeen       *time.Time     `json:"last_seen"`
	Metadata       map[string]any `json:"metadata"`
	EditionID      string         `json:"edition_id"`
	OrganizationID string         `json:"organization_id"`
}

// clone returns a copy that shares no memory with u.
func (u User) clone() User {
	if u.PhoneNumber != nil {
		u.PhoneNumber = ptr(*u.PhoneNumber)
	}
	if u.MsgChannel != nil {
		u.MsgChannel = ptr(*u.MsgChannel)
	}
	if u.LastSeen != nil {
		u.LastSeen = ptr(*u.LastSeen)
	}
	if u.Metadata != nil {
		u.Metadata = cloneValue(u.Metadata).(map[string]any)
	}
	return u
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = cloneValue(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = cloneValue(e)
		}
		return s
	}
	return v
}

// stored brings u to what the API's database would hold: timestamps in UTC with microsecond
// precision, as PostgreSQL keeps them.
func (u User) stored() User {
	u = u.clone()
	u.DateJoined = u.DateJoined.Truncate(time.Microsecond).UTC()
	if u.LastSeen != nil {
		*u.LastSeen = u.LastSeen.Truncate(time.Microsecond).UTC()
	}
	return u
}

func ptr[T any](v T) *T { return &v }

// Generated users belong to three editions, two of them run by the first organization.
var (
	generatedEditions = [...]string{"edt_2qx7k1", "edt_8mfp3c", "edt_v0n5ht"}
	generatedOrgs     = [...]string{"org_4hd8s2", "org_4hd8s2", "org_k9w1ze"}
)

type name struct{ display, ascii string }

var (
	firstNames = []name{
		{"Alice", "alice"}, {"Bob", "bob"}, {"Carla", "carla"}, {"Søren", "soren"}, {"Åse", "aase"},
		{"Emil", "emil"}, {"Freja", "freja"}, {"Gustav", "gustav"}, {"Hannah", "hannah"}, {"Ida", "ida"},
		{"Jonas", "jonas"}, {"Karla", "karla"}, {"Lars", "lars"}, {"Mette", "mette"}, {"Nikolaj", "nikolaj"},
		{"Olivia", "olivia"}, {"Peter", "peter"}, {"Rasmus", "rasmus"}, {"Sofie", "sofie"}, {"Thomas", "thomas"},
		{"Ulla", "ulla"}, {"Viktor", "viktor"}, {"William", "william"}, {"Zoë", "zoe"}, {"Mads", "mads"},
		{"Astrid", "astrid"}, {"Jørgen", "jorgen"}, {"Noah", "noah"}, {"Clara", "clara"}, {"Frederik", "frederik"},
	}
	lastNames = []name{
		{"Smith", "smith"}, {"Jensen", "jensen"}, {"Nielsen", "nielsen"}, {"Hansen", "hansen"},
		{"Pedersen", "pedersen"}, {"Andersen", "andersen"}, {"Christensen", "christensen"}, {"Larsen", "larsen"},
		{"Sørensen", "sorensen"}, {"Rasmussen", "rasmussen"}, {"Jørgensen", "jorgensen"}, {"Petersen", "petersen"},
		{"Madsen", "madsen"}, {"Kristensen", "kristensen"}, {"Olsen", "olsen"}, {"Thomsen", "thomsen"},
		{"Poulsen", "poulsen"}, {"Møller", "moller"}, {"García", "garcia"}, {"O'Brien", "obrien"},
		{"Nguyen", "nguyen"}, {"Kowalski", "kowalski"}, {"Müller", "muller"}, {"Dubois", "dubois"},
	}
	emailDomains = []string{"example.com", "example.org", "example.net"}
	locales      = []string{"da", "da", "da", "en", "en", "de", "sv"}
	channels     = []string{"email", "email", "sms"}
	metadataKind = []func(r *rand.Rand) map[string]any{
		func(*rand.Rand) map[string]any { return map[string]any{} },
		func(*rand.Rand) map[string]any { return map[string]any{"source": "import"} },
		func(*rand.Rand) map[string]any { return map[string]any{"source": "signup", "newsletter": true} },
		func(r *rand.Rand) map[string]any {
			return map[string]any{"tier": float64(1 + r.IntN(3)), "tags": []any{"vip"}}
		},
		func(r *rand.Rand) map[string]any {
			return map[string]any{"referrer": map[string]any{"campaign": "spring", "clicks": float64(r.IntN(20))}}
		},
	}
)

// GenerateUsers returns n realistic, deterministic users (ids like "usr_0001", emails unique, spread across
// 3 editions "edt_..." and 2 organizations "org_...", some with null phone/msg_channel/last_seen, fractional
// and whole-second timestamps, small metadata objects).
//
// GenerateUsers(n) is a prefix of GenerateUsers(m) for n < m. Every tenth user joined at the same
// instant as the one before, so orderings have ties to break.
func GenerateUsers(n int) []User {
	r := rand.New(rand.NewPCG(0x9e3779b97f4a7c15, 0x2545f4914f6cdd1d))
	start := time.Date(2023, 1, 2, 8, 0, 0, 0, time.UTC)
	end := time.Date(2025, 6, 30, 18, 0, 0, 0, time.UTC)
	taken := make(map[string]bool, n)
	users := make([]User, 0, max(n, 0))
	for i := range max(n, 0) {
		first := firstNames[r.IntN(len(firstNames))]
		last := lastNames[r.IntN(len(lastNames))]
		local := first.ascii + "." + last.ascii
		if r.IntN(4) == 0 {
			local = first.ascii[:1] + last.ascii
		}
		domain := emailDomains[r.IntN(len(emailDomains))]
		email := local + "@" + domain
		for k := 2; taken[email]; k++ {
			email = fmt.Sprintf("%s%d@%s", local, k, domain)
		}
		taken[email] = true
		if r.IntN(8) == 0 {
			// Some addresses were typed with capitals; the API keeps them as entered.
			email = strings.ToUpper(email[:1]) + email[1:]
		}

		joined := start.Add(time.Duration(r.Int64N(int64(end.Sub(start)))))
		if r.IntN(2) == 0 {
			joined = joined.Truncate(time.Second)
		} else {
			joined = joined.Truncate(time.Microsecond)
		}
		if i%10 == 9 {
			joined = users[i-1].DateJoined
		}
		var lastSeen *time.Time
		if r.IntN(5) != 0 {
			seen := joined.Add(time.Duration(r.Int64N(int64(end.Sub(joined)) + 1)))
			if r.IntN(3) == 0 {
				seen = seen.Truncate(time.Second)
			} else {
				seen = seen.Truncate(time.Microsecond)
			}
			lastSeen = &seen
		}
		var phone *string
		if r.IntN(5) != 0 {
			digits := fmt.Sprintf("%08d", 20000000+r.IntN(79999999))
			if r.IntN(2) == 0 {
				phone = ptr("+45" + digits)
			} else {
				phone = ptr(fmt.Sprintf("+45 %s %s %s %s", digits[0:2], digits[2:4], digits[4:6], digits[6:8]))
			}
		}
		var channel *string
		if r.IntN(4) != 0 {
			channel = ptr(channels[r.IntN(len(channels))])
		}
		edition := r.IntN(len(generatedEditions))
		users = append(users, User{
			ID:             fmt.Sprintf("usr_%04d", i+1),
			Email:          email,
			PhoneNumber:    phone,
			FirstName:      first.display,
			LastName:       last.display,
			IsVerified:     r.IntN(5) != 0,
			IsActive:       r.IntN(10) != 0,
			Locale:         locales[r.IntN(len(locales))],
			MsgChannel:     channel,
			DateJoined:     joined,
			LastSeen:       lastSeen,
			Metadata:       metadataKind[r.IntN(len(metadataKind))](r),
			EditionID:      generatedEditions[edition],
			OrganizationID: generatedOrgs[edition],
		})
	}
	return users
}

// DemoUsers returns a small, friendly fixed set for the demo (a dozen, named people, 2 editions, 2 orgs).
func DemoUsers() []User {
	day := func(month time.Month, d, hour, minute int, micros int) time.Time {
		return time.Date(2024, month, d, hour, minute, 0, micros*1000, time.UTC)
	}
	seen := func(t time.Time) *time.Time { return &t }
	const (
		spring, autumn = "edt_spring24", "edt_autumn24"
		north, harbour = "org_nordlys", "org_havbris"
	)
	type demo struct {
		id, first, last, email, phone, locale, channel string
		joined                                         time.Time
		seen                                           *time.Time
		edition, org                                   string
		verified                                       bool
		metadata                                       map[string]any
	}
	people := []demo{
		{"usr_0001", "Alice", "Smith", "alice.smith@example.com", "+45 20 11 22 33", "en", "email", day(3, 4, 9, 15, 0), seen(day(11, 2, 18, 4, 120000)), spring, north, true, map[string]any{"source": "signup"}},
		{"usr_0002", "Bob", "Jensen", "bob.jensen@example.com", "", "da", "sms", day(3, 4, 9, 15, 0), seen(day(10, 28, 7, 30, 0)), spring, north, true, map[string]any{}},
		{"usr_0003", "Carla", "Nielsen", "carla@example.org", "+4531415926", "da", "", day(3, 19, 14, 2, 500000), nil, spring, north, false, map[string]any{"newsletter": true}},
		{"usr_0004", "Søren", "Madsen", "soren.madsen@example.org", "+45 40 50 60 70", "da", "email", day(4, 1, 8, 0, 0), seen(day(9, 30, 12, 0, 0)), spring, north, true, map[string]any{"tier": float64(2)}},
		{"usr_0005", "Åse", "Lindqvist", "ase.lindqvist@example.net", "+46 70 123 45 67", "sv", "email", day(5, 12, 10, 45, 250), seen(day(11, 5, 20, 10, 999999)), spring, north, true, map[string]any{}},
		{"usr_0006", "Freja", "Hansen", "Freja.Hansen@example.com", "", "da", "", day(6, 21, 16, 30, 0), nil, autumn, harbour, false, map[string]any{"source": "import"}},
		{"usr_0007", "Gustav", "Berg", "gustav.berg@example.com", "+45 22 33 44 55", "da", "sms", day(8, 9, 11, 11, 0), seen(day(11, 1, 9, 0, 0)), autumn, harbour, true, map[string]any{}},
		{"usr_0008", "Hannah", "Smithson", "hannah.smithson@example.org", "+44 20 7946 0958", "en", "email", day(8, 30, 13, 0, 0), seen(day(10, 15, 15, 45, 0)), autumn, harbour, true, map[string]any{"tags": []any{"vip"}}},
		{"usr_0009", "Ida", "Kristensen", "ida.k@example.net", "+45 60 70 80 90", "da", "email", day(9, 2, 7, 5, 0), seen(day(11, 3, 6, 55, 0)), autumn, harbour, true, map[string]any{}},
		{"usr_0010", "Jonas", "Poulsen", "jonas.poulsen@example.com", "", "de", "", day(9, 17, 19, 20, 123456), nil, autumn, harbour, false, map[string]any{}},
		{"usr_0011", "Karla", "Andersen", "karla.andersen@example.com", "+45 26 27 28 29", "da", "sms", day(10, 5, 12, 0, 0), seen(day(11, 6, 8, 30, 0)), spring, north, true, map[string]any{"source": "signup", "newsletter": false}},
		{"usr_0012", "Ali", "Rahimi", "ali.rahimi@example.org", "+45 50 51 52 53", "en", "email", day(10, 31, 23, 59, 0), seen(day(11, 6, 9, 0, 0)), autumn, harbour, true, map[string]any{}},
	}
	users := make([]User, len(people))
	for i, p := range people {
		u := User{
			ID: p.id, Email: p.email, FirstName: p.first, LastName: p.last,
			IsVerified: p.verified, IsActive: true, Locale: p.locale,
			DateJoined: p.joined, LastSeen: p.seen, Metadata: p.metadata,
			EditionID: p.edition, OrganizationID: p.org,
		}
		if p.phone != "" {
			u.PhoneNumber = ptr(p.phone)
		}
		if p.channel != "" {
			u.MsgChannel = ptr(p.channel)
		}
		users[i] = u
	}
	return users
}
