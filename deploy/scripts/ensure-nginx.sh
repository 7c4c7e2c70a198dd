#!/usr/bin/env bash
# Installs Debian's nginx (nginx-light) if no nginx is on PATH, for the proxy tests in tests/deploy.
# Needs root (CI runs as root). The package's service is never started: the tests run their own nginx
# on a free loopback port.
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "nginx is not installed and this is not root: run 'sudo apt-get install nginx-light'." >&2
    exit 1
fi

# Keep the package's post-install step from starting a server on port 80.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nginx-light >/dev/null || \
    apt-get install -y -qq --no-install-recommends nginx >/dev/null
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]
