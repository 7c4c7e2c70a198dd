#!/usr/bin/env bash
# Installs a Debian package if its program is missing, for the tests that run that program themselves
# (nginx for tests/deploy, pgbouncer and rabbitmq-server for tests/faults), each on a free loopback port.
#
#   ensure-debian-package.sh PROGRAM PACKAGE [FALLBACK_PACKAGE]
#
# PROGRAM is a name looked up on PATH and in /usr/sbin, or an absolute path. Needs root (CI runs as
# root). The package's own service is never started: its post-install step is refused (policy-rc.d).
set -euo pipefail

program="$1"; shift
present() {
    case "$program" in
        /*) [ -x "$program" ] ;;
        *) command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] ;;
    esac
}

if present; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "$program is not installed and this is not root: run 'sudo apt-get install $1'." >&2
    exit 1
fi

policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

echo "Installing Debian's $1 for the tests that run $program ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
for package in "$@"; do
    apt-get install -y -qq --no-install-recommends "$package" >/dev/null && break
done
present
