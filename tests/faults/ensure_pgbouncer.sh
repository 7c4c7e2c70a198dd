#!/usr/bin/env bash
# Installs Debian's PgBouncer if it is missing, for the pooler tests in tests/faults (test_pooling.py).
# Needs root (CI runs as root). The package's service is never started: the tests run their own
# pgbouncer on a free loopback port, with a configuration file of their own.
set -euo pipefail

if command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "pgbouncer is not installed and this is not root: run 'sudo apt-get install pgbouncer'." >&2
    exit 1
fi

# Keep the package's post-install step from starting its own server on port 6432.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

echo "Installing Debian's pgbouncer for the pooler tests ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]
