#!/usr/bin/env bash
# Makes sure the project's vcsim binary exists and prints its absolute path on stdout (nothing else).
#
# vcsim is govmomi's vCenter simulator; scripts/vcsim/main.go wraps its `simulator` package. It builds
# from Debian packages alone (shared/reference/vim25.md): golang-go and golang-github-vmware-govmomi-dev.
# As root, missing packages are installed with apt-get (apt-get update only when the first install fails).
# Without root, missing packages are named on stderr and the script exits 2.
# The binary is cached in $VICSIM_VCSIM_CACHE (default: node_modules/.cache/vicsim-vcsim, gitignored) and
# rebuilt only when main.go is newer than it. Concurrent runs are serialised with flock.
set -euo pipefail
# shellcheck source=../lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/apt.sh"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project_root="$(cd "$script_dir/../.." && pwd)"
cache_dir="${VICSIM_VCSIM_CACHE:-$project_root/node_modules/.cache/vicsim-vcsim}"
binary="$cache_dir/vcsim"
source_file="$script_dir/main.go"
gocode=/usr/share/gocode
packages=(golang-go golang-github-vmware-govmomi-dev)

log() { echo "vcsim/ensure: $*" >&2; }

missing_packages() {
  local missing=()
  command -v go >/dev/null 2>&1 || missing+=(golang-go)
  [ -d "$gocode/src/github.com/vmware/govmomi/simulator" ] || missing+=(golang-github-vmware-govmomi-dev)
  echo "${missing[@]:-}"
}

install_packages() {
  local missing
  missing="$(missing_packages)"
  [ -z "$missing" ] && return 0
  apt_install "${packages[@]}"
  missing="$(missing_packages)"
  if [ -n "$missing" ]; then
    log "still missing after apt-get: $missing"
    exit 2
  fi
}

build_binary() {
  if [ -x "$binary" ] && [ "$binary" -nt "$source_file" ]; then
    return 0
  fi
  log "building $binary (first build takes about 20-60 s)"
  local build_dir="$cache_dir/src/vicsim-vcsim"
  mkdir -p "$build_dir" "$cache_dir/gocache"
  cp "$source_file" "$build_dir/main.go"
  (
    cd "$build_dir"
    GO111MODULE=off GOFLAGS= GOPATH="$cache_dir:$gocode" GOCACHE="$cache_dir/gocache" \
      go build -o "$binary.tmp" .
  ) >&2
  mv -f "$binary.tmp" "$binary"
}

mkdir -p "$cache_dir"
exec 9>"$cache_dir/.lock"
flock 9
install_packages
build_binary
echo "$binary"
