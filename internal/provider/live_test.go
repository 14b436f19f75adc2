//go:build live

package provider

import (
	"context"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/preo/terraform-provider-preo/internal/client"
)

// These tests run only under `make testacc`, against a real Preo API named by
// PREO_BASE_URL and PREO_API_TOKEN. PREO_TEST_USER_ID is a user they may
// rename; its first name is restored in the last step.

func liveEnv(t *testing.T) (map[string]string, string, string) {
	env := map[string]string{}
	for _, key := range []string{client.EnvBaseURL, client.EnvAPIToken, client.EnvRequestTimeout, client.EnvMaxRetries, client.EnvMaxConcurrentRequests} {
		env[key] = os.Getenv(key)
	}
	id := os.Getenv("PREO_TEST_USER_ID")
	if env[client.EnvBaseURL] == "" || env[client.EnvAPIToken] == "" || id == "" {
		t.Fatal("set PREO_BASE_URL, PREO_API_TOKEN and PREO_TEST_USER_ID")
	}
	c, err := client.New(client.Config{BaseURL: env[client.EnvBaseURL], Token: env[client.EnvAPIToken], UserAgent: client.UserAgent("test", "live")})
	if err != nil {
		t.Fatal(err)
	}
	user, err := c.GetUser(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return env, id, user.FirstName
}

func TestAccLiveUserResource(t *testing.T) {
	env, id, firstName := liveEnv(t)
	config := func(name string) string {
		return `provider "preo" {}
resource "preo_user" "test" {
  id         = "` + id + `"
  first_name = "` + name + `"
}
data "preo_user" "test" {
  id = preo_user.test.id
}
data "preo_users" "some" {
  max_results = 3
}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(env),
		Steps: []resource.TestStep{
			{Config: config(firstName), ConfigPlanChecks: emptyPlanAfterApply()},
			{
				Config:           config(firstName + " T"),
				ConfigPlanChecks: emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("preo_user.test", attrPath("first_name"), knownvalue.StringExact(firstName+" T")),
					statecheck.ExpectKnownValue("data.preo_users.some", attrPath("total_count"), knownvalue.NotNull()),
				},
			},
			{Config: config(firstName), ConfigPlanChecks: emptyPlanAfterApply()},
			{ResourceName: "preo_user.test", ImportState: true, ImportStateVerify: true},
		},
	})
}
