#!/usr/bin/env bash
# Prints the provider schema as `providers schema -json` reports it, for
# terraform-plugin-docs (`make generate`). It builds the provider into a
# temporary directory and asks the CLI in ENGINE_BIN through dev_overrides:
# no registry, no init, nothing written to the work tree.
#
# The provider is named by the address terraform-plugin-docs looks it up
# under, registry.terraform.io/hashicorp/preo, whichever CLI reports it.
#
# Usage: ENGINE_BIN=/path/to/tofu scripts/provider-schema.sh > schema.json
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"

cli=$(engine_bin "'make generate'")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

address=registry.terraform.io/hashicorp/preo
build_local_provider "$tmp" "$address"

mkdir "$tmp/config"
cat >"$tmp/config/main.tf" <<CONFIG
terraform {
  required_providers {
    preo = {
      source = "$address"
    }
  }
}
CONFIG
cd "$tmp/config"
TF_DATA_DIR="$tmp/data" "$cli" providers schema -json
