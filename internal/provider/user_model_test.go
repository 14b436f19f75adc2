package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// The same user, as two API versions (or two endpoints) might render it,
// must give the same state: otherwise Terraform would report an inconsistent
// result after apply, or a change on the next plan.
func TestNewUserModelIgnoresRendering(t *testing.T) {
	renderings := []string{
		`{"id": "usr_1", "email": "ada@example.com", "phone_number": null, "first_name": "Ada", "last_name": "L",
		  "date_joined": "2024-08-25T15:00:00Z", "last_seen": "2026-11-20T09:30:00.250000Z", "metadata": {"a": 1, "b": [true]}}`,
		`{"id": "usr_1", "email": "ada@example.com", "phone_number": "", "first_name": "Ada", "last_name": "L",
		  "date_joined": "2024-08-25T17:00:00.000+02:00", "last_seen": "2026-11-20T04:30:00.25-05:00",
		  "metadata": {"b": [true], "a": 1}, "a_field_from_a_newer_api": 42}`,
	}
	var models []userModel
	for _, body := range renderings {
		var u client.User
		if err := json.Unmarshal([]byte(body), &u); err != nil {
			t.Fatal(err)
		}
		models = append(models, newUserModel(&u))
	}
	first, second := models[0], models[1]
	if !first.PhoneNumber.Equal(second.PhoneNumber) || first.PhoneNumber.ValueString() != "" {
		t.Errorf("phone numbers %v and %v differ", first.PhoneNumber, second.PhoneNumber)
	}
	if !first.DateJoined.Equal(second.DateJoined) || first.DateJoined.ValueString() != "2024-08-25T15:00:00Z" {
		t.Errorf("date_joined %v and %v differ", first.DateJoined, second.DateJoined)
	}
	if !first.LastSeen.Equal(second.LastSeen) || first.LastSeen.ValueString() != "2026-11-20T09:30:00.25Z" {
		t.Errorf("last_seen %v and %v differ", first.LastSeen, second.LastSeen)
	}
	if !first.Metadata.Equal(second.Metadata) || first.Metadata.ValueString() != `{"a":1,"b":[true]}` {
		t.Errorf("metadata %v and %v differ", first.Metadata, second.Metadata)
	}
}

func TestEmailValueComparesWithoutLetterCase(t *testing.T) {
	equal, diags := newEmailValue("Ada@Example.COM").StringSemanticEquals(t.Context(), newEmailValue("ada@example.com"))
	if diags.HasError() || !equal {
		t.Error("emails differing only in letter case are not semantically equal")
	}
	equal, _ = newEmailValue("ada@example.com").StringSemanticEquals(t.Context(), newEmailValue("ada@example.org"))
	if equal {
		t.Error("different emails are semantically equal")
	}
}

// Metadata is stored as canonical JSON: whatever the rendering, the same
// text, with numbers and strings as they were meant.
func TestCanonicalJSON(t *testing.T) {
	for raw, want := range map[string]string{
		`{"b": [true, null], "a": {"y": 1, "x": 2}}`:                 `{"a":{"x":2,"y":1},"b":[true,null]}`,
		`{"n": 1.0, "e": 1E+3, "big": 12345678901234567890123}`:      `{"big":12345678901234567890123,"e":1E+3,"n":1.0}`,
		`{"html": "<a href=\"x\">&</a>", "u": "\u00e9\ud83d\ude00"}`: `{"html":"<a href=\"x\">&</a>","u":"é😀"}`,
		` [1, "two"] `: `[1,"two"]`,
		`"text"`:       `"text"`,
	} {
		if got := canonicalJSON([]byte(raw)).ValueString(); got != want {
			t.Errorf("canonicalJSON(%s) = %s, want %s", raw, got, want)
		}
	}
	for _, none := range []string{``, ` `, `null`, " null\n"} {
		if got := canonicalJSON([]byte(none)); !got.IsNull() {
			t.Errorf("canonicalJSON(%q) = %v, want null", none, got)
		}
	}
}

// A field the answer leaves out is null in state, for every field that may
// be left out: never a zero value that Preo did not send. The value built
// directly is the one reflection writes.
func TestNewUserModelLeavesMissingFieldsNull(t *testing.T) {
	full := map[string]string{
		"id": `"usr_1"`, "email": `"ada@example.com"`, "phone_number": `null`, "first_name": `""`,
		"last_name": `""`, "is_verified": "false", "is_active": "false", "locale": `"en"`, "msg_channel": `null`,
		"date_joined": `"2024-08-25T15:00:00Z"`, "last_seen": `null`, "metadata": `{}`,
	}
	var schema resource.SchemaResponse
	NewUserResource().Schema(t.Context(), resource.SchemaRequest{}, &schema)
	for _, field := range []string{"phone_number", "first_name", "last_name", "is_verified", "is_active", "last_seen", "metadata"} {
		t.Run(field, func(t *testing.T) {
			var parts []string
			for name, value := range full {
				if name != field {
					parts = append(parts, fmt.Sprintf("%q: %s", name, value))
				}
			}
			var u client.User
			if err := json.Unmarshal([]byte("{"+strings.Join(parts, ", ")+"}"), &u); err != nil {
				t.Fatal(err)
			}
			model := newUserModel(&u)
			direct := tfsdk.State{Schema: schema.Schema}
			if diags := direct.Set(t.Context(), model.terraformValue()); diags.HasError() {
				t.Fatal(diags)
			}
			reflected := tfsdk.State{Schema: schema.Schema}
			if diags := reflected.Set(t.Context(), model); diags.HasError() {
				t.Fatal(diags)
			}
			if !direct.Raw.Equal(reflected.Raw) {
				t.Fatalf("built directly as %v, by reflection as %v", direct.Raw, reflected.Raw)
			}
			for name := range full {
				var value attr.Value
				if diags := direct.GetAttribute(t.Context(), path.Root(name), &value); diags.HasError() {
					t.Fatal(diags)
				}
				// Of the fields the answer holds, only those Preo sent as null are null.
				wantNull := name == field || name == "msg_channel" || name == "last_seen"
				if value.IsNull() != wantNull {
					t.Errorf("%s = %v, want null: %v", name, value, wantNull)
				}
			}
		})
	}
}
