package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

type response struct {
	code   int
	header http.Header
	body   string
}

// serve sends one request straight to the handler, authenticated unless headers say
// otherwise; headers are name/value pairs, an empty value removing the header.
func serve(s *Server, method, target, body string, headers ...string) response {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Header.Set("Authorization", "Bearer dev-token")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			r.Header.Del(headers[i])
		} else {
			r.Header.Set(headers[i], headers[i+1])
		}
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return response{w.Code, w.Header(), w.Body.String()}
}

func patch(s *Server, id, body string) response {
	return serve(s, http.MethodPatch, "/v1/user/"+id, body, "Content-Type", "application/json")
}

type listPage struct {
	Count    int              `json:"count"`
	Next     *string          `json:"next"`
	Previous *string          `json:"previous"`
	Results  []map[string]any `json:"results"`
}

func getPage(t *testing.T, s *Server, target string) listPage {
	t.Helper()
	res := serve(s, http.MethodGet, target, "")
	if res.code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, res.code, res.body)
	}
	var p listPage
	if err := json.Unmarshal([]byte(res.body), &p); err != nil {
		t.Fatalf("GET %s: %v in %s", target, err, res.body)
	}
	return p
}

func (p listPage) ids() []string {
	ids := []string{}
	for _, r := range p.Results {
		ids = append(ids, r["id"].(string))
	}
	return ids
}

func str(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

func demoServer(opts Options) *Server {
	s := New(opts)
	s.Seed(DemoUsers()...)
	return s
}

func TestAuthentication(t *testing.T) {
	s := demoServer(Options{})
	custom := demoServer(Options{Token: "s3cret"})
	tests := []struct {
		name   string
		s      *Server
		header string
		code   int
		detail string
	}{
		{"none", s, "", 401, "Authentication credentials were not provided."},
		{"other scheme", s, "Token dev-token", 401, "Authentication credentials were not provided."},
		{"basic", s, "Basic ZGV2OnRva2Vu", 401, "Authentication credentials were not provided."},
		{"keyword only", s, "Bearer", 401, "Invalid token header. No credentials provided."},
		{"spaces", s, "Bearer dev token", 401, "Invalid token header. Token string should not contain spaces."},
		{"not utf-8", s, "Bearer dev-token\xff", 401, "Invalid token header. Token string should not contain invalid characters."},
		{"wrong", s, "Bearer nope", 401, "Invalid token."},
		{"default token elsewhere", custom, "Bearer dev-token", 401, "Invalid token."},
		{"good", s, "Bearer dev-token", 200, ""},
		{"keyword in any case", s, "bEaReR dev-token", 200, ""},
		{"extra whitespace", s, "Bearer \t dev-token ", 200, ""},
		{"custom token", custom, "Bearer s3cret", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, target := range []string{"/v1/user", "/v1/user/usr_0001"} {
				res := serve(tt.s, http.MethodGet, target, "", "Authorization", tt.header)
				if res.code != tt.code {
					t.Fatalf("%s: status %d, want %d: %s", target, res.code, tt.code, res.body)
				}
				if tt.code != 401 {
					continue
				}
				if want := fmt.Sprintf(`{"detail":%q}`, tt.detail); res.body != want {
					t.Errorf("%s: body %s, want %s", target, res.body, want)
				}
				if got := res.header.Get("WWW-Authenticate"); got != `Bearer realm="api"` {
					t.Errorf("%s: WWW-Authenticate %q", target, got)
				}
				if got := res.header.Get("Content-Type"); got != "application/json" {
					t.Errorf("%s: Content-Type %q", target, got)
				}
			}
		})
	}
}

func TestMethodsAndRoutes(t *testing.T) {
	s := demoServer(Options{})
	tests := []struct {
		method, target string
		auth           bool
		code           int
		body, allow    string
	}{
		{"POST", "/v1/user", true, 405, `{"detail":"Method \"POST\" not allowed."}`, "GET, HEAD, OPTIONS"},
		{"PATCH", "/v1/user", true, 405, `{"detail":"Method \"PATCH\" not allowed."}`, "GET, HEAD, OPTIONS"},
		{"DELETE", "/v1/user", true, 405, `{"detail":"Method \"DELETE\" not allowed."}`, "GET, HEAD, OPTIONS"},
		{"PUT", "/v1/user/usr_0001", true, 405, `{"detail":"Method \"PUT\" not allowed."}`, "GET, PATCH, HEAD, OPTIONS"},
		{"DELETE", "/v1/user/usr_0001", true, 405, `{"detail":"Method \"DELETE\" not allowed."}`, "GET, PATCH, HEAD, OPTIONS"},
		{"POST", "/v1/user/nope", true, 405, `{"detail":"Method \"POST\" not allowed."}`, "GET, PATCH, HEAD, OPTIONS"},
		{"TRACE", "/v1/user", true, 405, `{"detail":"Method \"TRACE\" not allowed."}`, "GET, HEAD, OPTIONS"},
		// Authentication comes before the method check, as in DRF.
		{"POST", "/v1/user", false, 401, `{"detail":"Authentication credentials were not provided."}`, "GET, HEAD, OPTIONS"},
		{"OPTIONS", "/v1/user", false, 401, `{"detail":"Authentication credentials were not provided."}`, "GET, HEAD, OPTIONS"},
		{"OPTIONS", "/v1/user", true, 200, `{"name":"User List","description":"API endpoints for managing users.","renders":["application/json"],"parses":["application/json"]}`, "GET, HEAD, OPTIONS"},
		{"OPTIONS", "/v1/user/usr_0001", true, 200, `{"name":"User Instance","description":"API endpoints for managing users.","renders":["application/json"],"parses":["application/json"]}`, "GET, PATCH, HEAD, OPTIONS"},
		{"HEAD", "/v1/user/usr_0001", true, 200, "", "GET, PATCH, HEAD, OPTIONS"},
		{"HEAD", "/v1/user/nope", true, 404, "", "GET, PATCH, HEAD, OPTIONS"},
		{"GET", "/v1/user/nope", true, 404, `{"detail":"Not found."}`, "GET, PATCH, HEAD, OPTIONS"},
		// Paths the API does not have are not found, token or not.
		{"GET", "/v1/user/", false, 404, `{"detail":"Not found."}`, ""},
		{"GET", "/v1/users", false, 404, `{"detail":"Not found."}`, ""},
		{"GET", "/v1/user/usr_0001/", true, 404, `{"detail":"Not found."}`, ""},
		{"GET", "/v1/user/a/b", true, 404, `{"detail":"Not found."}`, ""},
		{"GET", "/", false, 404, `{"detail":"Not found."}`, ""},
		{"PATCH", "/v2/user/usr_0001", true, 404, `{"detail":"Not found."}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			auth := "Bearer dev-token"
			if !tt.auth {
				auth = ""
			}
			res := serve(s, tt.method, tt.target, "", "Authorization", auth)
			if res.code != tt.code || res.body != tt.body {
				t.Errorf("got %d %s, want %d %s", res.code, res.body, tt.code, tt.body)
			}
			if got := res.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
			if got := res.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q", got)
			}
		})
	}
}

func TestHeadKeepsContentLength(t *testing.T) {
	s := demoServer(Options{})
	get := serve(s, http.MethodGet, "/v1/user?search=a", "")
	head := serve(s, http.MethodHead, "/v1/user?search=a", "")
	if head.code != 200 || head.body != "" || head.header.Get("Content-Length") != fmt.Sprint(len(get.body)) {
		t.Errorf("HEAD: %d %q Content-Length %s, GET body has %d bytes", head.code, head.body, head.header.Get("Content-Length"), len(get.body))
	}
}

func TestContentNegotiation(t *testing.T) {
	s := demoServer(Options{})
	tests := []struct {
		accept string
		code   int
		indent string
	}{
		{"application/json", 200, ""},
		{"*/*", 200, ""},
		{"application/*", 200, ""},
		{"text/html, application/json;q=0.1", 200, ""},
		{"Application/JSON", 200, ""},
		{"application/json; indent=2", 200, "  "},
		{"application/json; indent=12", 200, "        "},
		{"application/json; indent=0", 200, ""},
		{"*/*; indent=3", 200, "   "},
		{"application/json; indent=2, */*; indent=5", 200, "  "},
		{"text/html", 406, ""},
		{"application/xml", 406, ""},
		{"", 406, ""},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/v1/user/usr_0003", nil)
			r.Header.Set("Authorization", "Bearer dev-token")
			r.Header["Accept"] = []string{tt.accept}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != tt.code {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.code, w.Body)
			}
			body := w.Body.String()
			if tt.code == 406 {
				if body != `{"detail":"Could not satisfy the request Accept header."}` {
					t.Errorf("body %s", body)
				}
				return
			}
			if tt.indent == "" {
				if strings.Contains(body, "\n") {
					t.Errorf("body is not compact: %s", body)
				}
				return
			}
			if !strings.HasPrefix(body, "{\n"+tt.indent+`"id": "usr_0003",`) {
				t.Errorf("body not indented by %q: %s", tt.indent, body)
			}
		})
	}
}

func TestFilters(t *testing.T) {
	s := demoServer(Options{PageSize: 100})
	tests := []struct {
		query string
		want  []string
	}{
		{"edition_id=edt_autumn24", []string{"usr_0006", "usr_0007", "usr_0008", "usr_0009", "usr_0010", "usr_0012"}},
		{"organization_id=org_nordlys", []string{"usr_0001", "usr_0002", "usr_0003", "usr_0004", "usr_0005", "usr_0011"}},
		{"edition_id=edt_spring24&organization_id=org_havbris", []string{}},
		{"edition_id=edt_nope", []string{}},
		{"edition_id=EDT_SPRING24", []string{}},
		{"edition_id=", nil},
		{"edition_id=edt_nope&edition_id=edt_autumn24&organization_id=org_havbris", []string{"usr_0006", "usr_0007", "usr_0008", "usr_0009", "usr_0010", "usr_0012"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := getPage(t, s, "/v1/user?"+tt.query)
			want := tt.want
			if want == nil {
				want = userIDs(s.Users())
			}
			if got := p.ids(); !slices.Equal(got, want) || p.Count != len(want) {
				t.Errorf("got %d %v, want %v", p.Count, got, want)
			}
		})
	}
}

func userIDs(users []User) []string {
	ids := []string{}
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestSearch(t *testing.T) {
	s := demoServer(Options{PageSize: 100})
	tests := []struct {
		search string
		want   []string
	}{
		{"ali smith", []string{"usr_0001"}},
		{"ali,smith", []string{"usr_0001"}},
		{"ali,,smith,", []string{"usr_0001"}},
		{"  ALI\tSMITH  ", []string{"usr_0001"}},
		{"smith", []string{"usr_0001", "usr_0008"}},
		{"ali", []string{"usr_0001", "usr_0012"}},
		{"søren", []string{"usr_0004"}},
		{"SØREN", []string{"usr_0004"}},
		{"+45 2", []string{"usr_0001", "usr_0003", "usr_0007", "usr_0011", "usr_0012"}},
		{"7946", []string{"usr_0008"}},
		{"example.net", []string{"usr_0005", "usr_0009"}},
		{"freja.hansen@", []string{"usr_0006"}},
		{"smith zzz", []string{}},
		{"a\x00li smi\x00th", []string{"usr_0001"}},
		{"%", []string{}},
		{"_", []string{}},
		{"  ", nil},
		{",", nil},
	}
	for _, tt := range tests {
		t.Run(tt.search, func(t *testing.T) {
			p := getPage(t, s, "/v1/user?search="+url.QueryEscape(tt.search))
			want := tt.want
			if want == nil {
				want = userIDs(s.Users())
			}
			if got := p.ids(); !slices.Equal(got, want) || p.Count != len(want) {
				t.Errorf("got %d %v, want %v", p.Count, got, want)
			}
		})
	}
	t.Run("last value wins", func(t *testing.T) {
		if got := getPage(t, s, "/v1/user?search=zzz&search=smith").ids(); !slices.Equal(got, []string{"usr_0001", "usr_0008"}) {
			t.Errorf("got %v", got)
		}
	})
}

// expectedOrder sorts users independently of the emulator: by each key, nulls last ascending
// and first descending, then by date joined and id.
func expectedOrder(users []User, keys ...string) []string {
	users = slices.Clone(users)
	nullable := func(a, b *string) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return 1
		case b == nil:
			return -1
		}
		return strings.Compare(*a, *b)
	}
	timeString := func(t *time.Time) *string {
		if t == nil {
			return nil
		}
		s := t.UTC().Format("2006-01-02T15:04:05.000000")
		return &s
	}
	slices.SortStableFunc(users, func(a, b User) int {
		for _, k := range keys {
			field, desc := strings.CutPrefix(k, "-")
			var c int
			switch field {
			case "email":
				c = strings.Compare(a.Email, b.Email)
			case "phone_number":
				c = nullable(a.PhoneNumber, b.PhoneNumber)
			case "date_joined":
				c = nullable(timeString(&a.DateJoined), timeString(&b.DateJoined))
			case "last_seen":
				c = nullable(timeString(a.LastSeen), timeString(b.LastSeen))
			}
			if desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		if c := a.DateJoined.Compare(b.DateJoined); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return userIDs(users)
}

func TestOrdering(t *testing.T) {
	users := GenerateUsers(60)
	s := New(Options{PageSize: 100})
	s.Seed(users...)
	defaultOrder := expectedOrder(users)
	tests := []struct {
		query string
		want  []string
	}{
		{"", defaultOrder},
		{"ordering=email", expectedOrder(users, "email")},
		{"ordering=-email", expectedOrder(users, "-email")},
		{"ordering=phone_number", expectedOrder(users, "phone_number")},
		{"ordering=-phone_number", expectedOrder(users, "-phone_number")},
		{"ordering=last_seen", expectedOrder(users, "last_seen")},
		{"ordering=-last_seen", expectedOrder(users, "-last_seen")},
		{"ordering=-date_joined", expectedOrder(users, "-date_joined")},
		{"ordering=-last_seen,email", expectedOrder(users, "-last_seen", "email")},
		{"ordering=phone_number,-date_joined", expectedOrder(users, "phone_number", "-date_joined")},
		{"ordering=-phone_number,-last_seen", expectedOrder(users, "-phone_number", "-last_seen")},
		{"ordering=last_seen,-phone_number", expectedOrder(users, "last_seen", "-phone_number")},
		{"ordering=%20-last_seen%20,%20email", expectedOrder(users, "-last_seen", "email")},
		{"ordering=bogus,-email,first_name", expectedOrder(users, "-email")},
		{"ordering=bogus", defaultOrder},
		{"ordering=id", defaultOrder},
		{"ordering=EMAIL", defaultOrder},
		{"ordering=--email", defaultOrder},
		{"ordering=", defaultOrder},
		{"ordering=,", defaultOrder},
		{"ordering=email&ordering=-last_seen", expectedOrder(users, "-last_seen")},
		{"ordering=-email&ordering=bogus", defaultOrder},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if got := getPage(t, s, "/v1/user?"+tt.query).ids(); !slices.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
	t.Run("default order breaks date ties by id", func(t *testing.T) {
		a, b := DemoUsers()[0], DemoUsers()[1]
		if !a.DateJoined.Equal(b.DateJoined) {
			t.Fatal("demo users 1 and 2 should share a join date")
		}
		s := New(Options{})
		s.Seed(b, a)
		if got := getPage(t, s, "/v1/user").ids(); !slices.Equal(got, []string{"usr_0001", "usr_0002"}) {
			t.Errorf("got %v", got)
		}
	})
}

func TestPagination(t *testing.T) {
	s := New(Options{PageSize: 3})
	s.Seed(GenerateUsers(7)...)
	all := userIDs(s.Users())
	const base = "http://example.com/v1/user"
	tests := []struct {
		query          string
		next, previous string
		ids            []string
	}{
		{"", base + "?page=2", "<null>", all[0:3]},
		{"page=1", base + "?page=2", "<null>", all[0:3]},
		{"page=2", base + "?page=3", base, all[3:6]},
		{"page=3", "<null>", base + "?page=2", all[6:7]},
		{"page=last", "<null>", base + "?page=2", all[6:7]},
		{"page=%2B2", base + "?page=3", base, all[3:6]},
		{"page=%202%20", base + "?page=3", base, all[3:6]},
		{"page=02", base + "?page=3", base, all[3:6]},
		{"page=%D9%A3", "<null>", base + "?page=2", all[6:7]},
		{"page=1&page=3", "<null>", base + "?page=2", all[6:7]},
		// Other parameters are kept, sorted by name and re-encoded, as DRF rebuilds the link.
		{"z=1&page=2&a=x+y&ordering=email&a=2", base + "?a=x+y&a=2&ordering=email&page=3&z=1", base + "?a=x+y&a=2&ordering=email&z=1", nil},
		{"q=%C3%A9t%C3%A9&flag&page=2", base + "?flag=&page=3&q=%C3%A9t%C3%A9", base + "?flag=&q=%C3%A9t%C3%A9", nil},
		{"q=%zz;x&page=2", base + "?page=3&q=%25zz%3Bx", base + "?q=%25zz%3Bx", nil},
		{"page=3&page_size=100", "<null>", base + "?page=2&page_size=100", all[6:7]},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p := getPage(t, s, "/v1/user?"+tt.query)
			if p.Count != 7 || str(p.Next) != tt.next || str(p.Previous) != tt.previous {
				t.Errorf("count %d next %s previous %s, want 7 %s %s", p.Count, str(p.Next), str(p.Previous), tt.next, tt.previous)
			}
			if tt.ids != nil && !slices.Equal(p.ids(), tt.ids) {
				t.Errorf("ids %v, want %v", p.ids(), tt.ids)
			}
		})
	}
	for _, page := range []string{"0", "-1", "4", "abc", "1.0", "", "2_", "%1C2", "last2", "LAST", "99999999999999999999999"} {
		t.Run("invalid page "+page, func(t *testing.T) {
			res := serve(s, http.MethodGet, "/v1/user?page="+page, "")
			if res.code != 404 || res.body != `{"detail":"Invalid page."}` {
				t.Errorf("got %d %s", res.code, res.body)
			}
		})
	}
	t.Run("empty result", func(t *testing.T) {
		for _, target := range []string{"/v1/user?search=nobody", "/v1/user?search=nobody&page=1", "/v1/user?search=nobody&page=last"} {
			res := serve(s, http.MethodGet, target, "")
			if want := `{"count":0,"next":null,"previous":null,"results":[]}`; res.code != 200 || res.body != want {
				t.Errorf("%s: got %d %s", target, res.code, res.body)
			}
		}
		if res := serve(New(Options{}), http.MethodGet, "/v1/user?page=2", ""); res.code != 404 {
			t.Errorf("page 2 of nothing: %d %s", res.code, res.body)
		}
	})
	t.Run("following next visits every user once", func(t *testing.T) {
		var seen []string
		target := "/v1/user?ordering=-last_seen"
		for target != "" {
			p := getPage(t, s, target)
			seen = append(seen, p.ids()...)
			target = ""
			if p.Next != nil {
				u, _ := url.Parse(*p.Next)
				target = u.RequestURI()
			}
		}
		if want := expectedOrder(s.Users(), "-last_seen"); !slices.Equal(seen, want) {
			t.Errorf("got %v, want %v", seen, want)
		}
	})
}

func TestLinks(t *testing.T) {
	users := GenerateUsers(5)
	t.Run("request host and scheme", func(t *testing.T) {
		s := New(Options{PageSize: 2})
		s.Seed(users...)
		r := httptest.NewRequest(http.MethodGet, "https://api.test:8443/v1/user?page=2", nil)
		r.Header.Set("Authorization", "Bearer dev-token")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		want := `"next":"https://api.test:8443/v1/user?page=3","previous":"https://api.test:8443/v1/user"`
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("got %s", w.Body)
		}
	})
	t.Run("LinkBaseURL", func(t *testing.T) {
		s := New(Options{PageSize: 2, LinkBaseURL: "https://elsewhere.test/ignored/path"})
		s.Seed(users...)
		p := getPage(t, s, "/v1/user?page=2&search=a")
		if str(p.Next) != "https://elsewhere.test/v1/user?page=3&search=a" || str(p.Previous) != "https://elsewhere.test/v1/user?search=a" {
			t.Errorf("next %s previous %s", str(p.Next), str(p.Previous))
		}
	})
	t.Run("LoopingNext", func(t *testing.T) {
		s := New(Options{PageSize: 2, LoopingNext: true})
		s.Seed(users...)
		for target, want := range map[string]string{
			"/v1/user":            "http://example.com/v1/user",
			"/v1/user?page=1&x=y": "http://example.com/v1/user?x=y",
			"/v1/user?page=2":     "http://example.com/v1/user?page=2",
			"/v1/user?page=last":  "http://example.com/v1/user?page=3",
		} {
			if p := getPage(t, s, target); str(p.Next) != want {
				t.Errorf("%s: next %s, want %s", target, str(p.Next), want)
			}
		}
	})
	t.Run("invalid LinkBaseURL", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("New accepted a relative LinkBaseURL")
			}
		}()
		New(Options{LinkBaseURL: "/relative"})
	})
}

func TestRetrieve(t *testing.T) {
	s := New(Options{})
	joined := time.Date(2024, 8, 25, 17, 0, 0, 120_000_999, time.FixedZone("CEST", 2*3600))
	seen := time.Date(2024, 8, 26, 9, 30, 5, 0, time.UTC)
	s.Seed(
		User{ID: "usr_1", Email: "ada@example.com", PhoneNumber: ptr("+45 12"), FirstName: "Ada", LastName: "Lovelace <&>",
			IsVerified: true, IsActive: true, Locale: "en", MsgChannel: ptr("sms"), DateJoined: joined, LastSeen: &seen,
			Metadata:  map[string]any{"source": "import", "a": []any{1.0, 2.5, "x"}, "nested": map[string]any{"zz": nil, "b": true}},
			EditionID: "edt_1", OrganizationID: "org_1"},
		User{ID: "a b/c", Email: "odd@example.com", FirstName: "Line\u2028Sep", DateJoined: seen},
	)
	tests := []struct {
		target string
		code   int
		body   string
	}{
		{"/v1/user/usr_1", 200, `{"id":"usr_1","email":"ada@example.com","phone_number":"+45 12","first_name":"Ada","last_name":"Lovelace <&>","is_verified":true,"is_active":true,"locale":"en","msg_channel":"sms","date_joined":"2024-08-25T15:00:00.120000Z","last_seen":"2024-08-26T09:30:05Z","metadata":{"a":[1,2.5,"x"],"nested":{"b":true,"zz":null},"source":"import"}}`},
		{"/v1/user/a%20b%2Fc", 200, `{"id":"a b/c","email":"odd@example.com","phone_number":null,"first_name":"Line\u2028Sep","last_name":"","is_verified":false,"is_active":false,"locale":"","msg_channel":null,"date_joined":"2024-08-26T09:30:05Z","last_seen":null,"metadata":{}}`},
		{"/v1/user/a%20b/c", 404, `{"detail":"Not found."}`},
		{"/v1/user/usr_2", 404, `{"detail":"Not found."}`},
		// DRF's get_object runs the list filters too.
		{"/v1/user/usr_1?edition_id=edt_1", 200, ""},
		{"/v1/user/usr_1?edition_id=edt_2", 404, `{"detail":"Not found."}`},
		{"/v1/user/usr_1?search=lovelace", 200, ""},
		{"/v1/user/usr_1?search=babbage", 404, `{"detail":"Not found."}`},
		{"/v1/user/usr_1?ordering=bogus&page=9", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			res := serve(s, http.MethodGet, tt.target, "")
			if res.code != tt.code || tt.body != "" && res.body != tt.body {
				t.Errorf("got %d %s\nwant %d %s", res.code, res.body, tt.code, tt.body)
			}
		})
	}
}

func TestTimestamps(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2024, 8, 25, 15, 0, 0, 0, time.UTC), `"2024-08-25T15:00:00Z"`},
		{time.Date(2024, 8, 25, 15, 0, 0, 120_000_000, time.UTC), `"2024-08-25T15:00:00.120000Z"`},
		{time.Date(2024, 8, 25, 15, 0, 0, 1000, time.UTC), `"2024-08-25T15:00:00.000001Z"`},
		{time.Date(2024, 8, 25, 15, 0, 0, 999, time.UTC), `"2024-08-25T15:00:00Z"`},
		{time.Date(2024, 8, 25, 15, 0, 0, 999_999_999, time.UTC), `"2024-08-25T15:00:00.999999Z"`},
		{time.Date(2024, 8, 25, 23, 30, 0, 0, time.FixedZone("", -5*3600)), `"2024-08-26T04:30:00Z"`},
		{time.Date(999, 1, 2, 3, 4, 5, 0, time.UTC), `"0999-01-02T03:04:05Z"`},
	}
	for _, tt := range tests {
		if got := string(appendTimestamp(nil, tt.t)); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.t, got, tt.want)
		}
	}
}

func TestPatch(t *testing.T) {
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	tests := []struct {
		name string
		id   string
		body string
		code int
		want string // the response body, or for a 200 a fragment of it
	}{
		{"first name", "usr_0001", `{"first_name":"Alicia"}`, 200, `"first_name":"Alicia"`},
		{"trimmed", "usr_0001", `{"first_name":"  Alicia \t","last_name":" Smyth "}`, 200, `"first_name":"Alicia","last_name":"Smyth"`},
		{"blank first name", "usr_0001", `{"first_name":""}`, 200, `"first_name":""`},
		{"whitespace last name", "usr_0001", `{"last_name":"   "}`, 200, `"last_name":""`},
		{"number as name", "usr_0001", `{"first_name":42}`, 200, `"first_name":"42"`},
		{"float as name", "usr_0001", `{"first_name":1e16}`, 200, `"first_name":"1e+16"`},
		{"80 characters", "usr_0001", `{"last_name":"` + long("ø", 80) + `"}`, 200, `"last_name":"` + long("ø", 80) + `"`},
		{"email", "usr_0001", `{"email":" Alice.S@Example.COM "}`, 200, `"email":"Alice.S@Example.COM"`},
		{"own email in other case", "usr_0001", `{"email":"ALICE.SMITH@example.com"}`, 200, `"email":"ALICE.SMITH@example.com"`},
		{"phone", "usr_0001", `{"phone_number":" +45 99 "}`, 200, `"phone_number":"+45 99"`},
		// A nullable CharField that allows blanks keeps "" as "" in DRF; only null stores null.
		{"phone cleared with empty string", "usr_0001", `{"phone_number":""}`, 200, `"phone_number":""`},
		{"phone cleared with null", "usr_0001", `{"phone_number":null}`, 200, `"phone_number":null`},
		{"phone cleared with blanks", "usr_0001", `{"phone_number":"   "}`, 200, `"phone_number":""`},
		{"32 characters", "usr_0001", `{"phone_number":"` + long("☎", 32) + `"}`, 200, `"phone_number":"` + long("☎", 32) + `"`},
		{"read-only and unknown fields ignored", "usr_0001", `{"id":"x","is_active":false,"is_verified":false,"locale":"xx","metadata":{"a":1},"date_joined":"2020-01-01T00:00:00Z","edition_id":"e","nickname":"Al"}`, 200,
			`{"id":"usr_0001","email":"alice.smith@example.com","phone_number":"+45 20 11 22 33","first_name":"Alice","last_name":"Smith","is_verified":true,"is_active":true,"locale":"en","msg_channel":"email","date_joined":"2024-03-04T09:15:00Z","last_seen":"2024-11-02T18:04:00.120000Z","metadata":{"source":"signup"}}`},
		{"empty object", "usr_0001", `{}`, 200, `"id":"usr_0001"`},

		{"blank email", "usr_0001", `{"email":""}`, 400, `{"email":["This field may not be blank."]}`},
		{"whitespace email", "usr_0001", `{"email":"  "}`, 400, `{"email":["This field may not be blank."]}`},
		{"null email", "usr_0001", `{"email":null}`, 400, `{"email":["This field may not be null."]}`},
		{"invalid email", "usr_0001", `{"email":"not-an-email"}`, 400, `{"email":["Enter a valid email address."]}`},
		{"email without dot", "usr_0001", `{"email":"a@b"}`, 400, `{"email":["Enter a valid email address."]}`},
		{"email with space", "usr_0001", `{"email":"a b@example.com"}`, 400, `{"email":["Enter a valid email address."]}`},
		{"boolean email", "usr_0001", `{"email":true}`, 400, `{"email":["Enter a valid email address."]}`},
		{"long email", "usr_0001", `{"email":"` + long("a", 243) + `@example.com"}`, 400, `{"email":["Ensure this field has no more than 254 characters."]}`},
		{"very long email", "usr_0001", `{"email":"` + long("a", 310) + `@example.com"}`, 400, `{"email":["Ensure this field has no more than 254 characters.","Enter a valid email address."]}`},
		{"taken email", "usr_0001", `{"email":"bob.jensen@example.com"}`, 400, `{"email":["user with this email already exists."]}`},
		{"taken email in other case", "usr_0001", `{"email":"Bob.Jensen@EXAMPLE.com"}`, 400, `{"email":["user with this email already exists."]}`},
		{"long phone", "usr_0001", `{"phone_number":"` + long("1", 33) + `"}`, 400, `{"phone_number":["Ensure this field has no more than 32 characters."]}`},
		{"long phone in characters", "usr_0001", `{"phone_number":"` + long("☎", 33) + `"}`, 400, `{"phone_number":["Ensure this field has no more than 32 characters."]}`},
		{"list as phone", "usr_0001", `{"phone_number":["1"]}`, 400, `{"phone_number":["Not a valid string."]}`},
		{"null first name", "usr_0001", `{"first_name":null}`, 400, `{"first_name":["This field may not be null."]}`},
		{"object as first name", "usr_0001", `{"first_name":{}}`, 400, `{"first_name":["Not a valid string."]}`},
		{"boolean last name", "usr_0001", `{"last_name":false}`, 400, `{"last_name":["Not a valid string."]}`},
		{"long last name", "usr_0001", `{"last_name":"` + long("x", 81) + `"}`, 400, `{"last_name":["Ensure this field has no more than 80 characters."]}`},
		{"NUL in name", "usr_0001", `{"first_name":"a\u0000b"}`, 400, `{"first_name":["Null characters are not allowed."]}`},
		{"lone surrogate", "usr_0001", `{"first_name":"x\udc01"}`, 400, `{"first_name":["Surrogate characters are not allowed: U+DC01."]}`},
		{"every field wrong", "usr_0001", `{"last_name":"` + long("x", 81) + `","first_name":null,"phone_number":"` + long("1", 33) + `","email":"bad"}`, 400,
			`{"email":["Enter a valid email address."],"phone_number":["Ensure this field has no more than 32 characters."],"first_name":["This field may not be null."],"last_name":["Ensure this field has no more than 80 characters."]}`},

		{"not JSON", "usr_0001", `{"email":`, 400, `{"detail":"JSON parse error - Expecting value: line 1 column 10 (char 9)"}`},
		{"single quotes", "usr_0001", `{'email':'a@b.c'}`, 400, `{"detail":"JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}`},
		{"trailing comma", "usr_0001", "{\n \"a\": 1,\n}", 400, `{"detail":"JSON parse error - Expecting property name enclosed in double quotes: line 3 column 1 (char 11)"}`},
		{"NaN", "usr_0001", `{"first_name":NaN}`, 400, `{"detail":"JSON parse error - Out of range float values are not JSON compliant: 'NaN'"}`},
		{"bad UTF-8", "usr_0001", "{\"first_name\":\"\xff\"}", 400, `{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xff in position 15: invalid start byte"}`},
		{"list", "usr_0001", `[{"first_name":"x"}]`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"string", "usr_0001", `"x"`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}`},
		{"int", "usr_0001", `1`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got int."]}`},
		{"float", "usr_0001", `1.5`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got float."]}`},
		{"bool", "usr_0001", `true`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got bool."]}`},
		{"null", "usr_0001", `null`, 400, `{"non_field_errors":["No data provided"]}`},
		{"unknown id", "usr_9999", `{"first_name":"x"}`, 404, `{"detail":"Not found."}`},
		{"unknown id before parsing", "usr_9999", `{`, 404, `{"detail":"Not found."}`},
		{"filtered out", "usr_0001?edition_id=edt_autumn24", `{"first_name":"x"}`, 404, `{"detail":"Not found."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := demoServer(Options{})
			before, _ := s.User("usr_0001")
			res := patch(s, tt.id, tt.body)
			if res.code != tt.code {
				t.Fatalf("status %d, want %d: %s", res.code, tt.code, res.body)
			}
			if tt.code == 200 && !strings.Contains(res.body, tt.want) || tt.code != 200 && res.body != tt.want {
				t.Errorf("body %s\nwant %s", res.body, tt.want)
			}
			after, _ := s.User("usr_0001")
			if tt.code != 200 {
				if !equalUsers(before, after) {
					t.Errorf("failed PATCH changed the user: %+v", after)
				}
				return
			}
			if got := serve(s, http.MethodGet, "/v1/user/"+tt.id, ""); got.body != res.body {
				t.Errorf("GET after PATCH: %s\nPATCH answered: %s", got.body, res.body)
			}
		})
	}
}

func equalUsers(a, b User) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestPatchBodies(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		length      int64 // -1 sends the body chunked
		body        string
		code        int
		want        string
	}{
		{"charset parameter", "application/json; charset=utf-8", 0, `{"first_name":"Al"}`, 200, `"first_name":"Al"`},
		{"media type in capitals", "Application/JSON", 0, `{"first_name":"Al"}`, 200, `"first_name":"Al"`},
		{"wildcard", "*/*", 0, `{"first_name":"Al"}`, 200, `"first_name":"Al"`},
		{"plain text", "text/plain", 0, `{"first_name":"Al"}`, 415, `{"detail":"Unsupported media type \"text/plain\" in request."}`},
		{"no content type", "", 0, `{"first_name":"Al"}`, 415, `{"detail":"Unsupported media type \"\" in request."}`},
		{"merge patch", "application/merge-patch+json", 0, `{}`, 415, `{"detail":"Unsupported media type \"application/merge-patch+json\" in request."}`},
		{"empty body, any type", "text/plain", 0, ``, 200, `"first_name":"Alice"`},
		// Django reads no body without a Content-Length, so a chunked PATCH changes nothing.
		{"chunked", "application/json", -1, `{"first_name":"Al"}`, 200, `"first_name":"Alice"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := demoServer(Options{})
			r := httptest.NewRequest(http.MethodPatch, "/v1/user/usr_0001", strings.NewReader(tt.body))
			if tt.length != 0 {
				r.ContentLength = tt.length
			}
			r.Header.Set("Authorization", "Bearer dev-token")
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			body := w.Body.String()
			if w.Code != tt.code || tt.code == 200 && !strings.Contains(body, tt.want) || tt.code != 200 && body != tt.want {
				t.Errorf("got %d %s, want %d %s", w.Code, body, tt.code, tt.want)
			}
		})
	}
}

func TestQuirks(t *testing.T) {
	t.Run("ClearedPhoneAsNull", func(t *testing.T) {
		s := demoServer(Options{ClearedPhoneAsNull: true})
		for _, body := range []string{`{"phone_number":""}`, `{"phone_number":"  "}`, `{"phone_number":null}`} {
			if res := patch(s, "usr_0001", `{"phone_number":"+1"}`); !strings.Contains(res.body, `"phone_number":"+1"`) {
				t.Fatalf("setting a phone: %s", res.body)
			}
			if res := patch(s, "usr_0001", body); res.code != 200 || !strings.Contains(res.body, `"phone_number":null`) {
				t.Errorf("%s: %d %s", body, res.code, res.body)
			}
			if u, _ := s.User("usr_0001"); u.PhoneNumber != nil {
				t.Errorf("%s: stored %q", body, *u.PhoneNumber)
			}
		}
	})
	t.Run("LowercaseEmails", func(t *testing.T) {
		s := demoServer(Options{LowercaseEmails: true})
		if res := patch(s, "usr_0001", `{"email":"Alice.NEW@Example.com"}`); res.code != 200 || !strings.Contains(res.body, `"email":"alice.new@example.com"`) {
			t.Errorf("%d %s", res.code, res.body)
		}
		if res := patch(s, "usr_0002", `{"email":"ALICE.new@example.com"}`); res.code != 400 {
			t.Errorf("duplicate in other case: %d %s", res.code, res.body)
		}
	})
}

func TestFail(t *testing.T) {
	s := demoServer(Options{})
	s.Fail("GET", "/v1/user", 429, "", "7", 2)
	s.Fail("PATCH", "/v1/user/usr_0002", 500, `{"detail":"boom"}`, "", 1)
	s.Fail("", "/v1/user/usr_0003", 502, "<html><body>Bad Gateway</body></html>", "", 1)
	s.Fail("get", "/v1/user/usr_0004", 401, "", "", 1)
	s.Fail("", "/v1/user", 503, "", "", 0)

	steps := []struct {
		method, target string
		code           int
		body           string
		header         string // name: value expected
	}{
		{"PATCH", "/v1/user/usr_0001", 200, "", ""},
		{"GET", "/v1/user?page=2", 429, `{"detail":"Request was throttled. Expected available in 7 seconds."}`, "Retry-After: 7"},
		{"GET", "/v1/user/usr_0001", 429, `{"detail":"Request was throttled. Expected available in 7 seconds."}`, "Content-Type: application/json"},
		{"GET", "/v1/user", 200, "", ""},
		{"PATCH", "/v1/user/usr_0002", 500, `{"detail":"boom"}`, ""},
		{"PATCH", "/v1/user/usr_0002", 200, "", ""},
		{"GET", "/v1/user/usr_0003", 502, "<html><body>Bad Gateway</body></html>", "Content-Type: text/html"},
		{"GET", "/v1/user/usr_0003", 200, "", ""},
		{"GET", "/v1/user/usr_0004", 401, `{"detail":"Incorrect authentication credentials."}`, `Www-Authenticate: Bearer realm="api"`},
		{"GET", "/v1/user/usr_0004", 200, "", ""},
	}
	for i, st := range steps {
		body := ""
		if st.method == "PATCH" {
			body = `{"first_name":"X"}`
		}
		res := serve(s, st.method, st.target, body, "Content-Type", "application/json")
		if res.code != st.code || st.body != "" && res.body != st.body {
			t.Errorf("step %d %s %s: got %d %s, want %d %s", i, st.method, st.target, res.code, res.body, st.code, st.body)
		}
		if name, value, ok := strings.Cut(st.header, ": "); ok && res.header.Get(name) != value {
			t.Errorf("step %d: %s is %q, want %q", i, name, res.header.Get(name), value)
		}
	}
	if n := len(s.Requests()); n != len(steps) {
		t.Errorf("recorded %d requests, want %d", n, len(steps))
	}
	t.Run("default bodies", func(t *testing.T) {
		s := demoServer(Options{})
		for status, want := range map[int]string{
			400: "Malformed request.", 403: "You do not have permission to perform this action.", 404: "Not found.",
			405: `Method "GET" not allowed.`, 429: "Request was throttled.", 500: "A server error occurred.",
			503: "Service temporarily unavailable, try again later.", 504: "Gateway Timeout.",
		} {
			s.Fail("", "/", status, "", "", 1)
			res := serve(s, "GET", "/v1/user", "")
			if res.code != status || res.body != fmt.Sprintf(`{"detail":%q}`, want) || res.header.Get("Retry-After") != "" {
				t.Errorf("%d: got %d %s", status, res.code, res.body)
			}
		}
	})
}

func TestLatency(t *testing.T) {
	t.Run("added", func(t *testing.T) {
		s := demoServer(Options{Latency: 30 * time.Millisecond})
		start := time.Now()
		if res := serve(s, "GET", "/v1/user", ""); res.code != 200 {
			t.Fatalf("%d %s", res.code, res.body)
		}
		if elapsed := time.Since(start); elapsed < 30*time.Millisecond {
			t.Errorf("answered after %v", elapsed)
		}
		start = time.Now()
		serve(s, "GET", "/_emulator/connections", "")
		if elapsed := time.Since(start); elapsed >= 30*time.Millisecond {
			t.Errorf("control path delayed by %v", elapsed)
		}
	})
	t.Run("cancelled with the request", func(t *testing.T) {
		s := demoServer(Options{Latency: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		r := httptest.NewRequestWithContext(ctx, "GET", "/v1/user", nil)
		w := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			s.ServeHTTP(w, r)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("handler still waiting after its request was cancelled")
		}
		if w.Body.Len() != 0 {
			t.Errorf("cancelled request got a body: %s", w.Body)
		}
		if n := len(s.Requests()); n != 1 {
			t.Errorf("recorded %d requests", n)
		}
	})
	t.Run("over HTTP", func(t *testing.T) {
		ts := NewTestServer(t, Options{Latency: time.Hour}, DemoUsers()...)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/v1/user", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := http.DefaultClient.Do(req); err == nil {
			_ = res.Body.Close()
			t.Error("request finished despite an hour of latency")
		}
	})
}

func TestRateLimit(t *testing.T) {
	tests := []struct {
		rate   float64
		burst  int
		wait   string
		detail string
	}{
		{1, 1, "1", "Request was throttled. Expected available in 1 second."},
		{0.5, 1, "2", "Request was throttled. Expected available in 2 seconds."},
		{0.1, 1, "10", "Request was throttled. Expected available in 10 seconds."},
		{3, 3, "1", "Request was throttled. Expected available in 1 second."},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rate), func(t *testing.T) {
			s := demoServer(Options{RateLimit: tt.rate})
			for i := range tt.burst {
				if res := serve(s, "GET", "/v1/user", ""); res.code != 200 {
					t.Fatalf("request %d: %d %s", i, res.code, res.body)
				}
			}
			res := serve(s, "GET", "/v1/user/usr_0001", "", "Authorization", "")
			if res.code != 429 || res.header.Get("Retry-After") != tt.wait || res.body != fmt.Sprintf(`{"detail":%q}`, tt.detail) {
				t.Errorf("got %d Retry-After %q %s", res.code, res.header.Get("Retry-After"), res.body)
			}
			if res := serve(s, "GET", "/_emulator/users", ""); res.code != 200 {
				t.Errorf("control path throttled: %d", res.code)
			}
			if n := s.RateLimited(); n != 1 {
				t.Errorf("RateLimited() = %d after one throttled request", n)
			}
			if res := serve(s, "GET", "/_emulator/throttled", ""); strings.TrimSpace(res.body) != `{"throttled":1}` {
				t.Errorf("GET /_emulator/throttled: %d %s", res.code, res.body)
			}
		})
	}
	t.Run("refills", func(t *testing.T) {
		s := demoServer(Options{RateLimit: 50})
		for range 50 {
			serve(s, "GET", "/v1/user", "")
		}
		if res := serve(s, "GET", "/v1/user", ""); res.code != 429 {
			t.Fatalf("51st request: %d", res.code)
		}
		time.Sleep(60 * time.Millisecond)
		if res := serve(s, "GET", "/v1/user", ""); res.code != 200 {
			t.Errorf("after refill: %d %s", res.code, res.body)
		}
	})
}

func TestErrorRate(t *testing.T) {
	s := demoServer(Options{ErrorRate: 1})
	for _, target := range []string{"/v1/user", "/v1/user/usr_0001", "/v1/elsewhere"} {
		res := serve(s, "GET", target, "", "Authorization", "")
		if res.code != 503 || res.body != `{"detail":"Service temporarily unavailable, try again later."}` {
			t.Errorf("%s: %d %s", target, res.code, res.body)
		}
	}
	if res := serve(s, "GET", "/_emulator/users/usr_0001", ""); res.code != 200 {
		t.Errorf("control path failed: %d", res.code)
	}
	none := demoServer(Options{ErrorRate: 0})
	for range 50 {
		if res := serve(none, "GET", "/v1/user", ""); res.code != 200 {
			t.Fatalf("error rate 0 answered %d", res.code)
		}
	}
}

func TestConnectionsAndRequests(t *testing.T) {
	ts := NewTestServer(t, Options{}, DemoUsers()...)
	if ts.Token != "dev-token" || !strings.HasPrefix(ts.URL, "http://127.0.0.1:") || strings.HasSuffix(ts.URL, "/") {
		t.Fatalf("TestServer %q %q", ts.URL, ts.Token)
	}
	do := func(client *http.Client, method, path, body string) {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+ts.Token)
		req.Header.Set("User-Agent", "terraform-provider-preo/test")
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
	}
	keepAlive := &http.Client{Transport: &http.Transport{}}
	for range 3 {
		do(keepAlive, "GET", "/v1/user?search=ali+smith&page=1", "")
	}
	if n := ts.Connections(); n != 1 {
		t.Errorf("3 requests on one connection: Connections() = %d", n)
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	do(fresh, "PATCH", "/v1/user/a%2Fb", `{"first_name":"X"}`)
	do(fresh, "GET", "/_emulator/requests", "")
	if n := ts.Connections(); n != 3 {
		t.Errorf("Connections() = %d, want 3", n)
	}

	reqs := ts.Requests()
	if len(reqs) != 4 {
		t.Fatalf("recorded %d requests, want 4 (control paths are not recorded)", len(reqs))
	}
	first, last := reqs[0], reqs[3]
	if first.Method != http.MethodGet || first.Path != "/v1/user" || first.Query.Get("search") != "ali smith" || first.Query.Get("page") != "1" ||
		first.Header.Get("Authorization") != "Bearer dev-token" || first.Header.Get("User-Agent") != "terraform-provider-preo/test" {
		t.Errorf("first request: %+v", first)
	}
	if last.Method != http.MethodPatch || last.Path != "/v1/user/a/b" || last.Body != `{"first_name":"X"}` {
		t.Errorf("last request: %+v", last)
	}
	reqs[0].Query.Set("page", "9")
	reqs[0].Header.Set("X", "y")
	if again := ts.Requests()[0]; again.Query.Get("page") != "1" || again.Header.Get("X") != "" {
		t.Error("Requests() shares memory with the log")
	}
	ts.ResetRequests()
	if n := len(ts.Requests()); n != 0 {
		t.Errorf("after ResetRequests: %d", n)
	}
}

func TestRequestLogLimit(t *testing.T) {
	s := demoServer(Options{RequestLogLimit: 3})
	for i := range 10 {
		serve(s, "GET", fmt.Sprintf("/v1/user?n=%d", i), "")
	}
	reqs := s.Requests()
	if len(reqs) < 3 || len(reqs) >= 6 || reqs[len(reqs)-1].Query.Get("n") != "9" {
		t.Errorf("kept %d requests, last %v", len(reqs), reqs[len(reqs)-1].Query)
	}
}

func TestControlPaths(t *testing.T) {
	s := demoServer(Options{ErrorRate: 0})
	check := func(method, target, body string, code int, contains string) string {
		t.Helper()
		res := serve(s, method, target, body, "Authorization", "")
		if res.code != code || !strings.Contains(res.body, contains) {
			t.Errorf("%s %s: got %d %s, want %d containing %s", method, target, res.code, res.body, code, contains)
		}
		return res.body
	}
	body := check("GET", "/_emulator/users", "", 200, `"id":"usr_0001"`)
	var listed []User
	if err := json.Unmarshal([]byte(body), &listed); err != nil || len(listed) != 12 || listed[0].EditionID != "edt_spring24" {
		t.Errorf("listed %d users: %v", len(listed), err)
	}
	check("POST", "/_emulator/users", `[{"id":"usr_new","email":"new@example.com","date_joined":"2025-01-01T00:00:00Z","edition_id":"edt_x"}]`, 200, `{"seeded":1}`)
	if u, ok := s.User("usr_new"); !ok || u.EditionID != "edt_x" {
		t.Errorf("seeded user: %+v", u)
	}
	check("POST", "/_emulator/users", `[{"id":"usr_x","emial":"typo@example.com"}]`, 400, `unknown field`)
	check("POST", "/_emulator/users", `[{"email":"noid@example.com"}]`, 400, `line 1: user 1: no \"id\"`)
	check("GET", "/_emulator/users/usr_0002", "", 200, `"email":"bob.jensen@example.com"`)
	check("PATCH", "/_emulator/users/usr_0002", `{"is_active":false,"metadata":{"k":"v"},"last_seen":null,"id":"ignored"}`, 200, `"is_active":false`)
	if u, _ := s.User("usr_0002"); u.IsActive || u.LastSeen != nil || u.Metadata["k"] != "v" || len(u.Metadata) != 1 {
		t.Errorf("patched user: %+v", u)
	}
	check("PATCH", "/_emulator/users/usr_0002", `{"is_active":"yes"}`, 400, `cannot unmarshal`)
	check("PATCH", "/_emulator/users/usr_0002", `{"nope":1}`, 400, `unknown field`)
	check("PATCH", "/_emulator/users/usr_none", `{}`, 404, `Not found.`)
	check("DELETE", "/_emulator/users/usr_0002", "", 204, "")
	check("DELETE", "/_emulator/users/usr_0002", "", 404, `Not found.`)
	check("GET", "/v1/user/usr_0002", "", 401, "")
	serve(s, "GET", "/v1/user/usr_0002", "")
	check("GET", "/_emulator/requests", "", 200, `"path":"/v1/user/usr_0002"`)
	check("DELETE", "/_emulator/requests", "", 204, "")
	check("GET", "/_emulator/requests", "", 200, `[]`)
	check("GET", "/_emulator/connections", "", 200, `{"connections":0}`)
	check("GET", "/_emulator/throttled", "", 200, `{"throttled":0}`)
	check("POST", "/_emulator/throttled", "", 405, "")
	check("POST", "/_emulator/failures", `{"method":"GET","path":"/v1/user","status":503,"retry_after":"3","times":2}`, 204, "")
	check("POST", "/_emulator/failures", `{"status":42}`, 400, "status")
	check("GET", "/v1/user", "", 503, "Service temporarily unavailable")
	check("GET", "/v1/user", "", 503, "")
	check("PUT", "/_emulator/users", "", 405, `Method \"PUT\" not allowed.`)
	check("GET", "/_emulator/failures", "", 405, "")
	check("GET", "/_emulator/nothing", "", 404, "Not found.")
	if n := len(s.Requests()); n != 2 {
		t.Errorf("recorded %d requests since the reset, want 2 (control paths are not recorded)", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	ts := NewTestServer(t, Options{PageSize: 7}, GenerateUsers(50)...)
	var wg sync.WaitGroup
	client := &http.Client{}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				var (
					req *http.Request
					err error
				)
				switch i % 4 {
				case 0:
					req, err = http.NewRequest(http.MethodPatch, ts.URL+fmt.Sprintf("/v1/user/usr_%04d", 1+(w*25+i)%50), strings.NewReader(fmt.Sprintf(`{"first_name":"W%d","email":"w%d-%d@example.com"}`, w, w, i)))
					if err == nil {
						req.Header.Set("Content-Type", "application/json")
					}
				case 1:
					ts.UpdateUser(fmt.Sprintf("usr_%04d", 1+i), func(u *User) { u.LastSeen = ptr(time.Now()) })
					continue
				default:
					req, err = http.NewRequest(http.MethodGet, ts.URL+fmt.Sprintf("/v1/user?page=%d&ordering=-last_seen,email", 1+i%8), nil)
				}
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Authorization", "Bearer dev-token")
				res, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, err = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				if err != nil {
					t.Error(err)
					return
				}
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s %s: %d", req.Method, req.URL, res.StatusCode)
				}
			}
		}()
	}
	for range 20 {
		ts.Users()
		ts.Requests()
		ts.Seed(GenerateUsers(3)...)
	}
	wg.Wait()
	if n := len(ts.Users()); n != 50 {
		t.Errorf("%d users", n)
	}
}
