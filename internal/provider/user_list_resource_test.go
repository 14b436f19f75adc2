package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"

	"github.com/preo/terraform-provider-preo/internal/emulator"
)

// listed is one result of the list resource's stream, decoded.
type listed struct {
	id          string
	displayName string
	resource    *tfprotov6.DynamicValue
	diagnostics []*tfprotov6.Diagnostic
}

// listUsers calls ListResource for preo_user with the given filters and
// reads the stream until it ends or until stopAfter results (0: no stop).
func (p *protocolProvider) listUsers(filters map[string]tftypes.Value, includeResource bool, limit int64, stopAfter int) []listed {
	p.tb.Helper()
	ctx := context.Background()
	configType := p.schemas.ListResourceSchemas["preo_user"].ValueType()
	lister, ok := p.server.(tfprotov6.ListResourceServer)
	if !ok {
		p.tb.Fatal("the provider server does not serve list resources")
	}
	stream, err := lister.ListResource(ctx, &tfprotov6.ListResourceRequest{
		TypeName:        "preo_user",
		Config:          p.dynamicValue(configType, filters),
		IncludeResource: includeResource,
		Limit:           limit,
	})
	if err != nil {
		p.tb.Fatalf("ListResource: %v", err)
	}
	identityType := p.identitySchema().ValueType()
	var results []listed
	for result := range stream.Results {
		entry := listed{displayName: result.DisplayName, resource: result.Resource, diagnostics: result.Diagnostics}
		if result.Identity != nil {
			entry.id = stringOf(p.tb, p.decode(identityType, result.Identity.IdentityData)["id"])
		}
		results = append(results, entry)
		if stopAfter > 0 && len(results) == stopAfter {
			break
		}
	}
	return results
}

func (p *protocolProvider) identitySchema() *tfprotov6.ResourceIdentitySchema {
	p.tb.Helper()
	resp, err := p.server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		p.tb.Fatalf("GetResourceIdentitySchemas: %v", err)
	}
	schema, ok := resp.IdentitySchemas["preo_user"]
	if !ok {
		p.tb.Fatal("preo_user has no identity schema")
	}
	return schema
}

// importedState is what `terraform import` stores for id: the import itself,
// then the read that follows it.
func (p *protocolProvider) importedState(id string) *tfprotov6.DynamicValue {
	p.tb.Helper()
	ctx := context.Background()
	imported, err := p.server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "preo_user", ID: id})
	if err != nil {
		p.tb.Fatalf("ImportResourceState: %v", err)
	}
	p.requireNoErrors("ImportResourceState", imported.Diagnostics)
	if len(imported.ImportedResources) != 1 {
		p.tb.Fatalf("ImportResourceState returned %d resources, want 1", len(imported.ImportedResources))
	}
	resource := imported.ImportedResources[0]
	read, err := p.server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{
		TypeName:        "preo_user",
		CurrentState:    resource.State,
		CurrentIdentity: resource.Identity,
		Private:         resource.Private,
	})
	if err != nil {
		p.tb.Fatalf("ReadResource: %v", err)
	}
	p.requireNoErrors("ReadResource", read.Diagnostics)
	return read.NewState
}

func listedIDs(results []listed) []string {
	out := make([]string, len(results))
	for i, r := range results {
		out[i] = r.id
	}
	return out
}

func stringValue(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func stringList(values ...string) tftypes.Value {
	elements := make([]tftypes.Value, len(values))
	for i, v := range values {
		elements[i] = stringValue(v)
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, elements)
}

// numberedUsers are n users who joined one day apart, so the API's default
// order is their numbering.
func numberedUsers(n int) []emulator.User {
	users := make([]emulator.User, n)
	for i := range users {
		users[i] = emulator.User{
			ID: fmt.Sprintf("usr_%04d", i+1), Email: fmt.Sprintf("user%04d@example.com", i+1),
			FirstName: "User", LastName: fmt.Sprintf("%04d", i+1), IsActive: true, Locale: "en",
			DateJoined: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), Metadata: map[string]any{},
			EditionID: "edt_main", OrganizationID: "org_north",
		}
	}
	return users
}

// listPagesRequested is how many listing pages the emulator served.
func listPagesRequested(srv *emulator.TestServer) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/v1/user" {
			n++
		}
	}
	return n
}

func TestUserListResource_filtersAndOrder(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{PageSize: 2}, ada(), alan(), grace())
	p := newProtocolProvider(t, srv, nil)

	for name, tc := range map[string]struct {
		filters map[string]tftypes.Value
		want    []string
	}{
		"no filter":    {nil, []string{"usr_ada", "usr_alan", "usr_grace"}},
		"edition":      {map[string]tftypes.Value{"edition_id": stringValue("edt_main")}, []string{"usr_ada", "usr_alan"}},
		"organization": {map[string]tftypes.Value{"organization_id": stringValue("org_north")}, []string{"usr_ada", "usr_grace"}},
		"search":       {map[string]tftypes.Value{"search": stringValue("hopper")}, []string{"usr_grace"}},
		"ordering":     {map[string]tftypes.Value{"ordering": stringList("-email")}, []string{"usr_grace", "usr_alan", "usr_ada"}},
		"edition and ordering": {
			map[string]tftypes.Value{"edition_id": stringValue("edt_main"), "ordering": stringList("-date_joined")},
			[]string{"usr_alan", "usr_ada"},
		},
		"no match": {map[string]tftypes.Value{"search": stringValue("nobody")}, []string{}},
	} {
		t.Run(name, func(t *testing.T) {
			results := p.listUsers(tc.filters, false, 100, 0)
			for _, r := range results {
				if len(r.diagnostics) > 0 {
					t.Fatalf("unexpected diagnostics: %s: %s", r.diagnostics[0].Summary, r.diagnostics[0].Detail)
				}
				if r.resource != nil {
					t.Errorf("%s: a resource object came back although include_resource is false", r.id)
				}
			}
			if got := listedIDs(results); !slices.Equal(got, tc.want) {
				t.Errorf("ids: got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUserListResource_displayNames(t *testing.T) {
	t.Parallel()
	nameless := alan()
	nameless.ID, nameless.Email, nameless.FirstName, nameless.LastName = "usr_nameless", "anon@example.com", "", ""
	srv := startEmulator(t, emulator.Options{}, ada(), nameless)
	p := newProtocolProvider(t, srv, nil)

	var got []string
	for _, r := range p.listUsers(nil, false, 100, 0) {
		got = append(got, r.displayName)
	}
	want := []string{"Ada Lovelace <ada@example.com>", "anon@example.com"}
	if !slices.Equal(got, want) {
		t.Errorf("display names: got %q, want %q", got, want)
	}
}

func TestUserListResource_includeResourceMatchesImport(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada(), alan(), grace())
	p := newProtocolProvider(t, srv, nil)
	resourceType := p.schemas.ResourceSchemas["preo_user"].ValueType()

	results := p.listUsers(nil, true, 100, 0)
	if len(results) != 3 {
		t.Fatalf("got %d results, want 3", len(results))
	}
	for _, r := range results {
		if r.resource == nil {
			t.Fatalf("%s: no resource object although include_resource is true", r.id)
		}
		listedValue, err := r.resource.Unmarshal(resourceType)
		if err != nil {
			t.Fatalf("%s: decoding the listed resource: %v", r.id, err)
		}
		importedValue, err := p.importedState(r.id).Unmarshal(resourceType)
		if err != nil {
			t.Fatalf("%s: decoding the imported state: %v", r.id, err)
		}
		if !listedValue.Equal(importedValue) {
			t.Errorf("%s: listed resource differs from what import stores:\nlisted:   %s\nimported: %s", r.id, listedValue, importedValue)
		}
	}
}

func TestUserListResource_limitFetchesOnlyNeededPages(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{PageSize: 2}, numberedUsers(9)...)
	p := newProtocolProvider(t, srv, nil)

	for _, tc := range []struct {
		limit     int64
		wantUsers int
		wantPages int
	}{
		{limit: 1, wantUsers: 1, wantPages: 1},
		{limit: 3, wantUsers: 3, wantPages: 2},
		{limit: 4, wantUsers: 4, wantPages: 2},
		{limit: 9, wantUsers: 9, wantPages: 5},
		{limit: 100, wantUsers: 9, wantPages: 5},
		{limit: 0, wantUsers: 0, wantPages: 0},
	} {
		t.Run(fmt.Sprintf("limit %d", tc.limit), func(t *testing.T) {
			srv.ResetRequests()
			results := p.listUsers(nil, false, tc.limit, 0)
			if got := listedIDs(results); !slices.Equal(got, numberedIDs(tc.wantUsers)) {
				t.Errorf("ids: got %q, want the first %d users", got, tc.wantUsers)
			}
			if got := listPagesRequested(srv); got != tc.wantPages {
				t.Errorf("pages requested: got %d, want %d", got, tc.wantPages)
			}
		})
	}
}

// numberedIDs are the ids of the first n numberedUsers.
func numberedIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("usr_%04d", i+1)
	}
	return out
}

func TestUserListResource_stopsFetchingWhenReaderStops(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{PageSize: 2}, numberedUsers(9)...)
	p := newProtocolProvider(t, srv, nil)

	for _, tc := range []struct{ stopAfter, wantPages int }{{1, 1}, {2, 1}, {3, 2}, {6, 3}} {
		t.Run(fmt.Sprintf("stop after %d", tc.stopAfter), func(t *testing.T) {
			srv.ResetRequests()
			results := p.listUsers(nil, false, 100, tc.stopAfter)
			if len(results) != tc.stopAfter {
				t.Fatalf("got %d results, want %d", len(results), tc.stopAfter)
			}
			if got := listPagesRequested(srv); got != tc.wantPages {
				t.Errorf("pages requested: got %d, want %d", got, tc.wantPages)
			}
		})
	}
}

func TestUserListResource_errors(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{}, ada())
	p := newProtocolProvider(t, srv, nil)
	rejected := newProtocolProvider(t, srv, map[string]tftypes.Value{"api_token": stringValue("not-the-token")})

	for name, tc := range map[string]struct {
		provider *protocolProvider
		filters  map[string]tftypes.Value
		want     []string
		requests int
	}{
		"unknown ordering field": {p, map[string]tftypes.Value{"ordering": stringList("name")}, []string{"ordering", "name"}, 0},
		"field ordered twice":    {p, map[string]tftypes.Value{"ordering": stringList("email", "-email")}, []string{"Invalid Ordering", `"email" appears more than once`}, 0},
		"token refused":          {rejected, nil, []string{"Unable to List Preo Users", "401", "Preo did not accept the API token"}, 1},
	} {
		t.Run(name, func(t *testing.T) {
			srv.ResetRequests()
			results := tc.provider.listUsers(tc.filters, false, 100, 0)
			if len(results) != 1 || len(results[0].diagnostics) == 0 {
				t.Fatalf("want one result holding the error, got %d results", len(results))
			}
			d := results[0].diagnostics[0]
			text := d.Summary + ": " + d.Detail
			if d.Severity != tfprotov6.DiagnosticSeverityError {
				t.Errorf("severity %v, want error: %s", d.Severity, text)
			}
			for _, part := range tc.want {
				if !strings.Contains(text, part) {
					t.Errorf("diagnostic %q does not mention %q", text, part)
				}
			}
			if strings.Contains(text, "not-the-token") {
				t.Errorf("diagnostic shows the token: %q", text)
			}
			if got := len(srv.Requests()); got != tc.requests {
				t.Errorf("requests: got %d, want %d", got, tc.requests)
			}
		})
	}
}

func TestAccUserListResource_query(t *testing.T) {
	t.Parallel()
	srv := startEmulator(t, emulator.Options{PageSize: 1}, ada(), alan(), grace())
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	acceptanceTest(t, resource.TestCase{
		TerraformVersionChecks:   queryVersions,
		ProtoV6ProviderFactories: noEnv,
		Steps: []resource.TestStep{
			{
				Config: withProvider(srv, `data "preo_users" "all" {}`),
			},
			{
				// The provider block of the first step's configuration stays
				// in place; the query file holds only the list block.
				Query: true,
				Config: `
list "preo_user" "north" {
  provider = preo
  config {
    organization_id = "org_north"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("preo_user.north", 2),
					querycheck.ExpectIdentity("preo_user.north", map[string]knownvalue.Check{"id": knownvalue.StringExact("usr_ada")}),
					querycheck.ExpectIdentity("preo_user.north", map[string]knownvalue.Check{"id": knownvalue.StringExact("usr_grace")}),
					querycheck.ExpectResourceDisplayName("preo_user.north", byID("usr_ada"), knownvalue.StringExact("Ada Lovelace <ada@example.com>")),
					querycheck.ExpectResourceDisplayName("preo_user.north", byID("usr_grace"), knownvalue.StringExact("Grace Hopper <grace@example.org>")),
				},
			},
		},
	})
}
