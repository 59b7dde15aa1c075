#!/usr/bin/env bash
# The Docker clients the end-to-end tests drive against a served VCH (shared/reference/real-peers.md):
# the docker CLI (28.x at /usr/local/bin/docker on these machines; Debian's docker.io 20.10 client
# otherwise) and the Docker SDK for Python (7.1 here; Debian's python3-docker otherwise).
# Installs what is missing as root and prints what it found.
set -euo pipefail
source "$(dirname "$0")/../lib/apt.sh"

if ! command -v docker >/dev/null 2>&1 && [ ! -x /usr/local/bin/docker ]; then
  apt_install docker.io
fi
if ! python3 -c 'import docker' >/dev/null 2>&1; then
  apt_install python3-docker
fi
docker_bin=/usr/local/bin/docker
[ -x "$docker_bin" ] || docker_bin=$(command -v docker)
echo "docker CLI $("$docker_bin" --version | sed 's/^Docker version //'), Python SDK $(python3 -c 'import docker; print(docker.__version__)')"
