#!/usr/bin/env bash
# Runs `terraform validate` in every example directory against a fresh build
# of the provider. A CLI configuration with dev_overrides points Terraform at
# that build, so no `terraform init` and no registry are needed. Nothing is
# written to the work tree or the user's home.
#
# Usage: TERRAFORM=/path/to/terraform scripts/validate-examples.sh
# (`make examples-check` sets TERRAFORM.)
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"

cd "$(dirname "$0")/.."

terraform_bin=${TERRAFORM:-$(command -v terraform || true)}
if [[ -z $terraform_bin || ! -x $terraform_bin ]]; then
	echo "No Terraform CLI found: run this through 'make examples-check', which installs one." >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/bin/terraform-provider-preo" .

use_local_provider "$tmp"

# Every directory under examples/ that holds a .tf file is one configuration.
# (Portable find and read: macOS ships BSD find and bash 3.2.)
dirs=$(find examples -name '*.tf' -exec dirname {} \; | sort -u)
if [[ -z $dirs ]]; then
	echo "No example configurations found under examples/." >&2
	exit 1
fi

failed=0
while IFS= read -r dir; do
	data_dir="$tmp/data/${dir//\//_}"
	if output=$(cd "$dir" && TF_DATA_DIR="$data_dir" "$terraform_bin" validate -no-color 2>&1); then
		echo "ok      $dir"
	else
		echo "FAILED  $dir"
		printf '%s\n' "$output" | sed 's/^/        /'
		failed=1
	fi
done <<<"$dirs"

if ((failed)); then
	echo "Some examples do not validate against the current provider schema." >&2
	exit 1
fi
