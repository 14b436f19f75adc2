#!/usr/bin/env bash
# Runs `validate` in every example directory with the CLI in ENGINE_BIN
# (Terraform or OpenTofu) against a fresh build of the provider. A CLI
# configuration with dev_overrides points the CLI at that build, so no init
# and no registry are needed. Each example is validated in a temporary copy:
# nothing is written to the work tree or the user's home. Local modules, in
# subdirectories of an example, are copied with it and installed by `get`.
#
# Import blocks by identity need Terraform or OpenTofu 1.12 or later; with an
# older CLI, the import-by-identity.tf examples are left out, and say so.
#
# Usage: ENGINE_BIN=/path/to/terraform scripts/validate-examples.sh
# (`make examples-check` sets it, once per engine.)
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"

cd "$(dirname "$0")/.."
cli=$(engine_bin "'make examples-check'")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

build_local_provider "$tmp"

# Both CLIs report their version as terraform_version.
version=$("$cli" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
if [[ ! $version =~ ^([0-9]+)\.([0-9]+)\. ]]; then
	echo "Could not read the version of $cli (got '$version')." >&2
	exit 1
fi
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
has_identity=$((major > 1 || (major == 1 && minor >= 12)))
echo "Validating the examples with $(basename "$cli") $version"

# Every directory under examples/ that holds a .tf file is one configuration.
# (Portable find and read: macOS ships BSD find and bash 3.2.)
dirs=$(find examples -name '*.tf' -exec dirname {} \; | sort -u)
if [[ -z $dirs ]]; then
	echo "No example configurations found under examples/." >&2
	exit 1
fi

failed=0
while IFS= read -r dir; do
	copy="$tmp/examples/${dir//\//_}"
	# The .tf files of the directory and of the local modules it calls from
	# its subdirectories, at the same relative paths.
	(cd "$dir" && find . -name '*.tf') | while IFS= read -r file; do
		mkdir -p "$copy/$(dirname "$file")"
		cp "$dir/$file" "$copy/$file"
	done
	note=
	if ((!has_identity)) && [[ -f $copy/import-by-identity.tf ]]; then
		rm "$copy/import-by-identity.tf"
		note=" (without import-by-identity.tf: this version has no resource identity)"
	fi
	# get installs those local modules, without a registry; validate needs them.
	if output=$(cd "$copy" && TF_DATA_DIR="$copy/.data" "$cli" get -no-color 2>&1 &&
		TF_DATA_DIR="$copy/.data" "$cli" validate -no-color 2>&1); then
		echo "ok      $dir$note"
	else
		echo "FAILED  $dir$note"
		printf '%s\n' "$output" | sed 's/^/        /'
		failed=1
	fi
done <<<"$dirs"

if ((failed)); then
	echo "Some examples do not validate against the current provider schema." >&2
	exit 1
fi
