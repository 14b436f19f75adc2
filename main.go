// Command terraform-provider-preo serves the preo provider to Terraform and OpenTofu.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/preo/terraform-provider-preo/internal/provider"
)

// version is set at build time (goreleaser passes -ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider for use with a debugger such as delve")
	flag.Parse()

	// Started by Terraform, the provider builds no log line Terraform would
	// throw away. With -debug its logs go straight to the developer.
	if !debug {
		for name, level := range provider.LogLevelDefaults(os.Getenv) {
			if err := os.Setenv(name, level); err != nil {
				log.Fatal(err.Error())
			}
		}
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/preo/preo",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
