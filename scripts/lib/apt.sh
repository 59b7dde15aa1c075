# shellcheck shell=bash
# apt_install PACKAGE…: installs Debian packages with apt-get when run as root (running apt-get update
# only if the first attempt fails); otherwise names the packages and the command on stderr and exits 2.
# Sourced by scripts/*/ensure.sh and .ci/run.
apt_install() {
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: $*; run as root: apt-get install -y --no-install-recommends $*" >&2
    exit 2
  fi
  echo "installing $* with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$@" >&2; then
    echo "install failed; running apt-get update and trying again" >&2
    apt-get update >&2
    apt-get install -y --no-install-recommends "$@" >&2
  fi
}
