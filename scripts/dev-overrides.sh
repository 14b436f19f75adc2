# shellcheck shell=bash
# Sourced by the scripts that run Terraform against a local build.
#
# use_local_provider DIR writes a CLI configuration into DIR whose
# dev_overrides make Terraform take the preo provider from DIR/bin (no
# registry, no `terraform init`), and points TF_CLI_CONFIG_FILE at it.
use_local_provider() {
	cat >"$1/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "preo/preo" = "$1/bin"
  }
  direct {}
}
EOF
	export TF_CLI_CONFIG_FILE="$1/terraformrc"
	export CHECKPOINT_DISABLE=1
	export TF_IN_AUTOMATION=1
}
