# shellcheck shell=bash
# Sourced by the scripts that run Terraform or OpenTofu against a local build.
#
# engine_bin prints the CLI the make target chose (ENGINE_BIN: Terraform or
# OpenTofu), or fails with the make target to run instead.
engine_bin() {
	local bin=${ENGINE_BIN:-}
	if [[ -z $bin || ! -x $bin ]]; then
		echo "no Terraform or OpenTofu CLI at '${bin}': run this through $1, which installs it" >&2
		return 1
	fi
	printf '%s\n' "$bin"
}

# build_local_provider DIR [SOURCE] builds the provider of this repository
# into DIR/bin and makes the CLI use it (see use_local_provider).
build_local_provider() {
	(cd "$(dirname "${BASH_SOURCE[0]}")/.." && go build -o "$1/bin/terraform-provider-preo" .)
	use_local_provider "$@"
}

# use_local_provider DIR [SOURCE] writes a CLI configuration into DIR whose
# dev_overrides make the CLI take the provider SOURCE (preo/preo unless
# given) from DIR/bin (no registry, no init), and points TF_CLI_CONFIG_FILE
# at it.
use_local_provider() {
	cat >"$1/terraformrc" <<CONFIG
provider_installation {
  dev_overrides {
    "${2:-preo/preo}" = "$1/bin"
  }
  direct {}
}
CONFIG
	export TF_CLI_CONFIG_FILE="$1/terraformrc"
	export CHECKPOINT_DISABLE=1
	export TF_IN_AUTOMATION=1
}
