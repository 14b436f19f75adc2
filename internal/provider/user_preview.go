package provider

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// adoptionPreviews hands the user an adoption plan was read from to the
// Create that applies the plan, so that Create needs no read of its own.
//
// Terraform plans a create once more during the apply, in the provider
// process that then applies it, and that plan reads the user (it must, to
// match the saved plan). Private state cannot carry that read to Create:
// terraform-plugin-framework passes planned private state to Update but not
// to Create (CreateRequest has no Private). So the read stays in the
// provider process, keyed by the user's id and by the planned state it
// produced: Create uses it only for the very plan it is applying, once, and
// reads the user itself otherwise.
type adoptionPreviews struct {
	mu       sync.Mutex
	previews map[string]adoptionPreview
}

type adoptionPreview struct {
	user    *client.User
	planned tftypes.Value
}

func newAdoptionPreviews() *adoptionPreviews {
	return &adoptionPreviews{previews: map[string]adoptionPreview{}}
}

// put records that planned was made from user. A later plan for the same id
// replaces it.
func (p *adoptionPreviews) put(user *client.User, planned tftypes.Value) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.previews[user.ID] = adoptionPreview{user: user, planned: planned}
}

// take returns the user the plan being applied was made from, and forgets
// it; nil when this process made no such plan for the id.
func (p *adoptionPreviews) take(id string, planned tftypes.Value) *client.User {
	p.mu.Lock()
	defer p.mu.Unlock()
	preview, ok := p.previews[id]
	if !ok || !preview.planned.Equal(planned) {
		return nil
	}
	delete(p.previews, id)
	return preview.user
}
