#!/usr/bin/env bash
# Re-creates willkommen/static/vendor/ from pinned npm packages.
#
# Run by a maintainer when a pinned version changes; the result is committed so that
# `make demo` needs no Node. Each package's tarball is checked against the integrity
# hash recorded below before anything is copied, and its licence travels with it.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=willkommen/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name@version  sha512-integrity (from `npm view NAME@VERSION dist.integrity`)
packages=(
  "@kern-ux/native@2.7.2"
  "altcha@3.2.2"
)

for spec in "${packages[@]}"; do
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
done

verify() {  # tarball expected-integrity
  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
  [ "$actual" = "$2" ] || { echo "integrity mismatch for $1" >&2; exit 1; }
}
verify "$work/kern-ux-native-2.7.2.tgz" "$(cat scripts/vendor-integrity/kern-ux-native-2.7.2)"
verify "$work/altcha-3.2.2.tgz" "$(cat scripts/vendor-integrity/altcha-3.2.2)"

rm -rf "$dest/kern-ux" "$dest/altcha"
mkdir -p "$dest/kern-ux" "$dest/altcha"

tar -xzf "$work/kern-ux-native-2.7.2.tgz" -C "$work" package/dist package/LICENSE.md package/package.json
cp "$work/package/dist/kern.min.css" "$dest/kern-ux/"
cp "$work/package/LICENSE.md" "$dest/kern-ux/LICENSE.md"
# No web fonts: the system font stack keeps the pages within the low-bandwidth budget.
echo "@kern-ux/native 2.7.2 (EUPL-1.2), fetched by scripts/fetch-vendor.sh" > "$dest/kern-ux/VERSION"
rm -rf "$work/package"

tar -xzf "$work/altcha-3.2.2.tgz" -C "$work" package/dist package/LICENSE.txt package/package.json
cp "$work/package/dist/main/altcha.umd.min.cjs" "$dest/altcha/altcha.min.js"
# The widget's own styles as a file: it would otherwise inject a <style> element, which
# our Content-Security-Policy (no inline styles) blocks. It skips the injection when an
# element with id "altcha-css" exists, so pages link this file with that id.
cp "$work/package/dist/external/altcha.css" "$dest/altcha/altcha.css"
# Its texts ("I'm not a robot", "Verified" …) in the UI languages; each page loads its own.
mkdir -p "$dest/altcha/i18n"
for language in de en ar fa tr ru uk; do
  cp "$work/package/dist/i18n/$language.umd.cjs" "$dest/altcha/i18n/$language.js"
done
cp "$work/package/LICENSE.txt" "$dest/altcha/LICENSE.txt"
echo "altcha 3.2.2 (MIT), fetched by scripts/fetch-vendor.sh" > "$dest/altcha/VERSION"
echo "vendor files written to $dest"
