#!/usr/bin/env bash
# Makes sure the real peers of the registry tests are installed (shared/reference/real-peers.md):
#   docker-registry  Debian's distribution 2.8 (`docker-registry serve CONFIG.yml`)
#   skopeo           pushes test images into it (`skopeo copy docker-archive:… docker://…`)
#   busybox-static   /bin/busybox, the content of the test busybox image
#   openssl          signs the test token service's certificate (Bearer auth tests)
# As root, missing packages are installed with apt-get (apt-get update only when the first install
# fails). Without root, the missing packages are named on stderr and the script exits 2.
# Prints nothing on stdout; exit 0 means everything is there. Concurrent runs are serialised with flock.
set -euo pipefail
# shellcheck source=../lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/apt.sh"

log() { echo "registry/ensure: $*" >&2; }

missing_packages() {
  local missing=()
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  echo "${missing[@]:-}"
}

lock_dir="${TMPDIR:-/tmp}"
exec 9>"$lock_dir/vicsim-registry-ensure.lock"
flock 9

missing="$(missing_packages)"
[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt_install $missing
missing="$(missing_packages)"
if [ -n "$missing" ]; then
  log "still missing after apt-get: $missing"
  exit 2
fi
