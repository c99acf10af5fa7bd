#!/usr/bin/env bash
# Makes everything a jump host needs, in target/dist/:
#   ontop-<version>-x86_64-linux.tar.gz   the binary, man page, completions, examples
#   ontop_<version>_amd64.deb             for Debian and Ubuntu (dpkg -i)
#   ontop-<version>-1.x86_64.rpm          for RHEL, Rocky, Alma, SLES (rpm -i)
#   SHA256SUMS
# The binary is built with `cargo zigbuild` against glibc 2.17, so it runs on RHEL 7/8,
# SLES 12/15 and Ubuntu 16.04 and newer, in the `dist` profile (release, stripped), with
# the default features (the simulator, for `ontop demo`) and nothing test-only.
#
# What it needs and installs when missing, saying so: zig (PyPI's `ziglang`),
# cargo-zigbuild (PyPI's prebuilt wheel, else `cargo install --locked`), cargo-deb and
# cargo-generate-rpm (`cargo install --locked`). scripts/check-dist.sh checks the result.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=x86_64-unknown-linux-gnu
GLIBC=2.17
PROFILE=dist
OUT=target/dist
# Not under target/dist: cargo keeps the dist profile's host artifacts there, and both
# packagers read target/<profile>/ as the build's output.
STAGE=target/dist-stage
# Versions installed when a tool is missing (known to work together).
ZIGLANG_VERSION=0.17.1
ZIGBUILD_VERSION=0.24.1
CARGO_DEB_VERSION=3.8.0
GENERATE_RPM_VERSION=0.21.1

say() { echo "dist: $*" >&2; }
started=$SECONDS

# pip installs console scripts here; cargo finds subcommands on PATH.
PY_SCRIPTS=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
export PATH="$PATH:$PY_SCRIPTS:${CARGO_HOME:-$HOME/.cargo}/bin"

pip_install() {
  say "installing $1 from PyPI (missing)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "$1"
}

cargo_install() {
  say "installing $1 $2 with cargo install --locked (missing; takes a few minutes)"
  cargo install --quiet --locked "$1" --version "$2"
}

ensure_tools() {
  if ! command -v zig >/dev/null 2>&1 && ! python3 -c 'import ziglang' 2>/dev/null; then
    pip_install "ziglang==$ZIGLANG_VERSION"
  fi
  if ! command -v cargo-zigbuild >/dev/null 2>&1; then
    pip_install "cargo-zigbuild==$ZIGBUILD_VERSION" \
      || cargo_install cargo-zigbuild "$ZIGBUILD_VERSION"
  fi
  command -v cargo-deb >/dev/null 2>&1 || cargo_install cargo-deb "$CARGO_DEB_VERSION"
  command -v cargo-generate-rpm >/dev/null 2>&1 \
    || cargo_install cargo-generate-rpm "$GENERATE_RPM_VERSION"
  rustup target list --installed 2>/dev/null | grep -qx "$TARGET" || {
    say "adding the Rust target $TARGET (missing)"
    rustup target add "$TARGET"
  }
}

version() {
  cargo metadata --no-deps --format-version 1 --manifest-path Cargo.toml \
    | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "ontop"))'
}

build() {
  say "building ontop for $TARGET with glibc $GLIBC (profile $PROFILE)"
  cargo zigbuild --locked --quiet -p ontop --bin ontop --profile "$PROFILE" \
    --target "$TARGET.$GLIBC"
}

# The man page and completion scripts, made by the binary just built.
stage() {
  local bin=$1
  rm -rf "$STAGE" && mkdir -p "$STAGE/completions"
  "$bin" man > "$STAGE/ontop.1"
  gzip -9n < "$STAGE/ontop.1" > "$STAGE/ontop.1.gz"
  "$bin" completions bash > "$STAGE/completions/ontop.bash"
  "$bin" completions zsh > "$STAGE/completions/_ontop"
  "$bin" completions fish > "$STAGE/completions/ontop.fish"
}

tarball() {
  local bin=$1 version=$2
  local name="ontop-$version-x86_64-linux"
  local dir="$STAGE/$name"
  mkdir -p "$dir/completions" "$dir/examples/prometheus"
  install -m 755 "$bin" "$dir/ontop"
  install -m 644 "$STAGE/ontop.1" "$dir/ontop.1"
  install -m 644 "$STAGE"/completions/* "$dir/completions/"
  install -m 644 config.example.toml README.md LICENSE packaging/ontop-serve.service "$dir/"
  install -m 644 examples/prometheus/*.yml "$dir/examples/prometheus/"
  # Same bytes for the same commit: fixed owner, order and times.
  local epoch
  epoch=$(git log -1 --format=%ct 2>/dev/null || echo 0)
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
    -C "$STAGE" -cf - "$name" | gzip -9n > "$OUT/$name.tar.gz"
}

packages() {
  local version=$1
  say "packaging the .deb (cargo-deb) and the .rpm (cargo-generate-rpm)"
  cargo deb --quiet --no-build --no-strip -p ontop --target "$TARGET" --profile "$PROFILE" \
    --output "$OUT/ontop_${version}_amd64.deb"
  cargo generate-rpm -p . --target "$TARGET" --profile "$PROFILE" --payload-compress xz \
    --output "$OUT/ontop-$version-1.x86_64.rpm"
}

main() {
  ensure_tools
  local version bin
  version=$(version)
  mkdir -p "$OUT"
  rm -f "$OUT"/ontop-*.tar.gz "$OUT"/ontop_*.deb "$OUT"/ontop-*.rpm "$OUT/SHA256SUMS"
  build
  bin="target/$TARGET/$PROFILE/ontop"
  stage "$bin"
  tarball "$bin" "$version"
  packages "$version"
  (cd "$OUT" && sha256sum ./*.tar.gz ./*.deb ./*.rpm | sed 's| \./| |' > SHA256SUMS)
  say "done in $((SECONDS - started)) s:"
  (cd "$OUT" && ls -l --block-size=K ./*.tar.gz ./*.deb ./*.rpm | awk '{print "  " $5 "  " $NF}' >&2)
  say "binary: $(stat -c %s "$bin") bytes ($bin)"
}

main "$@"
