//go:build live

package provider

import (
	"context"
	"fmt"
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

func liveEnv(t *testing.T) (map[string]string, *client.User) {
	env := map[string]string{}
	for _, key := range []string{envBaseURL, envAPIToken, envRequestTimeout, envMaxRetries, envMaxConcurrentRequests} {
		env[key] = os.Getenv(key)
	}
	id := os.Getenv("PREO_TEST_USER_ID")
	if env[envBaseURL] == "" || env[envAPIToken] == "" || id == "" {
		t.Fatal("set PREO_BASE_URL, PREO_API_TOKEN and PREO_TEST_USER_ID")
	}
	c, err := client.New(client.Config{BaseURL: env[envBaseURL], Token: env[envAPIToken], UserAgent: userAgent("test", "live")})
	if err != nil {
		t.Fatal(err)
	}
	user, err := c.GetUser(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return env, user
}

func TestAccLiveUserResource(t *testing.T) {
	env, user := liveEnv(t)
	config := func(name string) string {
		return fmt.Sprintf(`provider "preo" {}
resource "preo_user" "test" {
  id         = %[1]q
  first_name = %[2]q
}
data "preo_user" "by_email" {
  email = upper(%[3]q)
}
data "preo_users" "some" {
  search      = %[3]q
  ordering    = ["-last_seen", "email"]
  max_results = 1
}
`, user.ID, name, user.Email)
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(env),
		Steps: []resource.TestStep{
			{
				Config:           config(user.FirstName),
				ConfigPlanChecks: emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.preo_user.by_email", attrPath("id"), knownvalue.StringExact(user.ID)),
					statecheck.ExpectKnownValue("data.preo_users.some", attrPath("ids"), knownvalue.ListSizeExact(1)),
				},
			},
			{
				Config:           config(user.FirstName + " T"),
				ConfigPlanChecks: emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("preo_user.test", attrPath("first_name"), knownvalue.StringExact(user.FirstName+" T")),
				},
			},
			{Config: config(user.FirstName), ConfigPlanChecks: emptyPlanAfterApply()},
			{ResourceName: "preo_user.test", ImportState: true, ImportStateVerify: true},
			{ResourceName: "preo_user.test", ImportState: true, ImportStateVerify: true, ImportStateId: user.Email},
		},
	})
}
