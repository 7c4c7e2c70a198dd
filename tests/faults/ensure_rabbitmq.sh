#!/usr/bin/env bash
# Installs Debian's RabbitMQ if it is missing, for the broker-down tests in tests/faults (test_rabbitmq.py).
# Needs root (CI runs as root). The package's service is never started: the tests run their own node
# (tests/faults/rabbitmq_server.py) on free loopback ports, with a unique node name and a scratch directory.
set -euo pipefail

if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "rabbitmq-server is not installed and this is not root: run 'sudo apt-get install rabbitmq-server'." >&2
    exit 1
fi

# Keep the package's post-install step from starting its own broker on port 5672.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

echo "Installing Debian's rabbitmq-server for the broker-down tests ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]
