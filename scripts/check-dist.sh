#!/usr/bin/env bash
# Checks what scripts/dist.sh made in target/dist/, as a jump host would meet it:
#   - the binary needs no glibc symbol newer than 2.17 (objdump -T), is stripped and at
#     most 16 MiB, and runs;
#   - the tarball, the .deb (dpkg-deb -c) and the .rpm (rpm -qlp) hold every file;
#   - the man page renders (man -l) and the unit passes systemd-analyze verify;
#   - with --install (what CI does; it changes this machine): dpkg -i the .deb, then the
#     installed ontop runs (--version, config check on the packaged example), its bash
#     completion offers the example's clusters, the user and /etc/ontop exist, the
#     service is not enabled, and dpkg -r removes it again.
# Under CI=true a missing tool fails the check; otherwise that check SKIPS, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

INSTALL=false
[ "${1:-}" = "--install" ] && INSTALL=true
OUT=target/dist
MAX_BYTES=$((16 * 1024 * 1024))
MAX_GLIBC=2.17
failures=0
skips=0
passed=0

ok() { echo "check-dist: ok: $*"; passed=$((passed + 1)); }
fail() { echo "check-dist: FAILED: $*" >&2; failures=$((failures + 1)); }
skip() {
  if [ "${CI:-}" = "true" ]; then
    fail "$1 (under CI=true a missing tool is a failure)"
  else
    echo "" >&2
    echo "SKIPPED: check-dist: $1" >&2
    echo "" >&2
    skips=$((skips + 1))
  fi
}
# `have TOOL WHAT`: true when TOOL is there, else the check WHAT is skipped (or fails).
have() {
  command -v "$1" >/dev/null 2>&1 && return 0
  skip "$2: $1 is not installed"
  return 1
}

version=$(cargo metadata --no-deps --format-version 1 \
  | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "ontop"))')
name="ontop-$version-x86_64-linux"
tarball="$OUT/$name.tar.gz"
deb="$OUT/ontop_${version}_amd64.deb"
rpm="$OUT/ontop-$version-1.x86_64.rpm"
for artifact in "$tarball" "$deb" "$rpm"; do
  [ -f "$artifact" ] || { echo "check-dist: $artifact is missing: run scripts/dist.sh" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The files every package installs (the tarball holds the same under its own names).
PACKAGED=(
  /usr/bin/ontop
  /usr/share/man/man1/ontop.1.gz
  /usr/share/bash-completion/completions/ontop
  /usr/share/fish/vendor_completions.d/ontop.fish
  /usr/lib/systemd/system/ontop-serve.service
  /usr/share/doc/ontop/config.example.toml
  /usr/share/doc/ontop/README.md
  /usr/share/doc/ontop/examples/prometheus/alerts.yml
  /usr/share/doc/ontop/examples/prometheus/alerts_test.yml
  /usr/share/doc/ontop/examples/prometheus/prometheus.yml
)
DEB_ZSH=/usr/share/zsh/vendor-completions/_ontop
RPM_ZSH=/usr/share/zsh/site-functions/_ontop

# `lists WHAT LISTING PATH...`: every PATH is a line (or a line's end) of LISTING.
lists() {
  local what=$1 listing=$2 missing=""
  shift 2
  for path in "$@"; do
    grep -qE "(^|[ .])$path\$" <<<"$listing" || missing="$missing $path"
  done
  if [ -z "$missing" ]; then ok "$what lists all ${#@} files"; else fail "$what lacks:$missing"; fi
}

check_tarball() {
  tar -xzf "$tarball" -C "$work"
  local dir="$work/$name" missing=""
  for file in ontop ontop.1 completions/ontop.bash completions/_ontop completions/ontop.fish \
    config.example.toml README.md LICENSE ontop-serve.service \
    examples/prometheus/alerts.yml examples/prometheus/alerts_test.yml examples/prometheus/prometheus.yml; do
    [ -f "$dir/$file" ] || missing="$missing $file"
  done
  if [ -z "$missing" ]; then ok "the tarball holds every file"; else fail "the tarball lacks:$missing"; fi
  "$dir/ontop" --version >/dev/null && ok "the tarball's binary runs: $("$dir/ontop" --version)" \
    || fail "the tarball's binary does not run"
}

check_binary() {
  local bin="$work/$name/ontop" size highest
  size=$(stat -c %s "$bin")
  if [ "$size" -le "$MAX_BYTES" ]; then
    ok "the binary is $size bytes ($((size / 1024)) KiB; at most 16 MiB)"
  else
    fail "the binary is $size bytes, over 16 MiB"
  fi
  have objdump "the glibc symbol versions and the stripping" || return 0
  highest=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  if [ "$(printf '%s\n%s\n' "$highest" "$MAX_GLIBC" | sort -V | tail -1)" = "$MAX_GLIBC" ]; then
    ok "the highest glibc symbol version the binary needs is GLIBC_$highest (at most $MAX_GLIBC)"
  else
    fail "the binary needs GLIBC_$highest, newer than $MAX_GLIBC"
  fi
  if objdump -h "$bin" | grep -qE '\.debug_|\.symtab'; then
    fail "the binary is not stripped (debug or symbol sections)"
  else
    ok "the binary is stripped (no .symtab, no .debug_* sections)"
  fi
}

check_listings() {
  if have dpkg-deb "the .deb's file list"; then
    lists "dpkg-deb -c" "$(dpkg-deb -c "$deb")" "${PACKAGED[@]}" "$DEB_ZSH"
  fi
  if have rpm "the .rpm's file list"; then
    lists "rpm -qlp" "$(rpm -qlp "$rpm" 2>/dev/null)" "${PACKAGED[@]}" "$RPM_ZSH"
    local scripts
    scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null)
    if grep -q "useradd" <<<"$scripts" && ! grep -q "systemctl enable" <<<"$scripts"; then
      ok "the .rpm creates the user and enables nothing"
    else
      fail "the .rpm's scripts: $scripts"
    fi
  fi
}

check_man() {
  have man "rendering the man page" || return 0
  local text
  if text=$(MANWIDTH=80 man -l "$work/$name/ontop.1" 2>"$work/man.err") \
    && ! grep -qi "warning\|error" "$work/man.err"; then
    for section in KEYS CONFIGURATION FILES ENVIRONMENT "EXIT STATUS" EXAMPLES; do
      grep -q "^$section" <<<"$text" || { fail "the man page has no $section section"; return 0; }
    done
    ok "man -l renders the man page ($(wc -l <<<"$text") lines, every section)"
  else
    fail "man -l: $(cat "$work/man.err")"
  fi
}

# `check_unit UNIT [OPTION]`: systemd-analyze wants the ExecStart binary where the unit
# says, and the man page its Documentation= names (unless --man=no).
check_unit() {
  local unit=$1
  shift
  have systemd-analyze "systemd-analyze verify on the unit" || return 0
  if systemd-analyze verify "$@" "$unit" >"$work/verify.out" 2>&1; then
    ok "systemd-analyze verify accepts $unit"
  else
    fail "systemd-analyze verify $unit: $(cat "$work/verify.out")"
  fi
}

check_installed() {
  have dpkg "installing the .deb" || return 0
  if ! dpkg -i "$deb" >"$work/dpkg.out" 2>&1; then
    fail "dpkg -i: $(cat "$work/dpkg.out")"
    return 0
  fi
  ok "dpkg -i $deb"
  /usr/bin/ontop --version >/dev/null && ok "the installed ontop runs: $(/usr/bin/ontop --version)" \
    || fail "the installed ontop does not run"
  # The example's password_command is `pass`: a password from the environment instead.
  if ONTOP__DEFAULTS__PASSWORD_ENV=ONTOP_CHECK_PASSWORD ONTOP_CHECK_PASSWORD=x \
    /usr/bin/ontop config check --config /usr/share/doc/ontop/config.example.toml >"$work/check.out" 2>&1; then
    ok "ontop config check --config /usr/share/doc/ontop/config.example.toml"
  else
    fail "ontop config check on the packaged example: $(cat "$work/check.out")"
  fi
  local offered
  offered=$(bash -c '
    source /usr/share/bash-completion/completions/ontop
    COMP_WORDS=(ontop status --config /usr/share/doc/ontop/config.example.toml --cluster "")
    COMP_CWORD=5
    _clap_complete_ontop ontop "" --cluster
    echo "${COMPREPLY[*]}"' 2>&1)
  if [ "$offered" = "prod-ams-1 prod-fra-1 lab-1" ]; then
    ok "bash completes --cluster with the config's clusters: $offered"
  else
    fail "bash completion of --cluster offered: $offered"
  fi
  [ "$(stat -c '%a %U %G' /etc/ontop)" = "750 root ontop" ] && getent passwd ontop >/dev/null \
    && ok "the user ontop and /etc/ontop (0750 root:ontop) exist" \
    || fail "user or /etc/ontop: $(stat -c '%a %U %G' /etc/ontop 2>&1)"
  [ ! -e /etc/systemd/system/multi-user.target.wants/ontop-serve.service ] \
    && ok "the service is not enabled" || fail "the package enabled the service"
  check_unit /usr/lib/systemd/system/ontop-serve.service
  have man "the installed man page" && { man -w ontop >/dev/null 2>&1 \
    && ok "man finds the installed page: $(man -w ontop)" || fail "man -w ontop finds nothing"; }
  dpkg -r ontop >"$work/remove.out" 2>&1 && [ ! -e /usr/bin/ontop ] \
    && ok "dpkg -r removes it" || fail "dpkg -r: $(cat "$work/remove.out")"
}

check_tarball
check_binary
check_listings
check_man
if $INSTALL; then
  check_installed
else
  # Without the binary at /usr/bin/ontop, verify the same unit pointing at the tarball's.
  sed "s|/usr/bin/ontop|$work/$name/ontop|" packaging/ontop-serve.service > "$work/ontop-serve.service"
  check_unit "$work/ontop-serve.service" --man=no
  echo "check-dist: the .deb was not installed (pass --install to install and remove it here)" >&2
fi
echo "check-dist: $passed ok, $failures FAILED, $skips SKIPPED"
[ "$failures" -eq 0 ]
