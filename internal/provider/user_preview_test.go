package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// A preview goes to the Create that applies the very plan it produced,
// once; any other plan reads the user again.
func TestAdoptionPreviewsHandOverOnlyTheirOwnPlan(t *testing.T) {
	plan := func(firstName string) tftypes.Value {
		return newUserModel(&client.User{ID: "usr_1", FirstName: &firstName}).terraformValue()
	}
	previews := newAdoptionPreviews()
	read := &client.User{ID: "usr_1", FirstName: ptr("Ada")}
	previews.put(read, plan("Augusta"))

	if got := previews.take("usr_2", plan("Augusta")); got != nil {
		t.Errorf("another id took the preview: %+v", got)
	}
	if got := previews.take("usr_1", plan("Ada")); got != nil {
		t.Errorf("another plan took the preview: %+v", got)
	}
	if got := previews.take("usr_1", plan("Augusta")); got != read {
		t.Errorf("the plan's own create got %+v, want the user the plan read", got)
	}
	if got := previews.take("usr_1", plan("Augusta")); got != nil {
		t.Errorf("the preview was taken twice: %+v", got)
	}

	// A later plan for the same user replaces the earlier one.
	previews.put(read, plan("Augusta"))
	later := &client.User{ID: "usr_1", FirstName: ptr("Ada"), LastName: ptr("Lovelace")}
	previews.put(later, plan("Grace"))
	if got := previews.take("usr_1", plan("Augusta")); got != nil {
		t.Errorf("a replaced preview was handed over: %+v", got)
	}
	if got := previews.take("usr_1", plan("Grace")); got != later {
		t.Errorf("got %+v, want the later read", got)
	}
}
