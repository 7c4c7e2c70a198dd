#!/usr/bin/env bash
# Regenerates the frontend's API contract from the backend: each host's OpenAPI schema (drf-spectacular, offline,
# the same document `/api/schema/` serves on that host) and its TypeScript types (openapi-typescript).
#
#   npm run api:generate          # into src/api/schema/ (commit the result)
#   scripts/generate-api.sh DIR   # into DIR (tests/schema/test_frontend_types_current.py compares the two)
#
# Needs the backend's virtualenv (`make install`) and PostgreSQL: DATABASE_URL if set, else the embedded server
# `make dev` uses (DJANGO_DEBUG defaults to true here, as in development; the schema does not depend on it).
set -euo pipefail
frontend="$(cd "$(dirname "$0")/.." && pwd)"
root="$(dirname "$frontend")"
mkdir -p "${1:-$frontend/src/api/schema}"
out="$(cd "${1:-$frontend/src/api/schema}" && pwd)"

# The two hosts and their URLconfs (settings PUBLIC_SCHEMA_URLCONF and ROOT_URLCONF).
for host in public tenant; do
  (cd "$root" && DJANGO_DEBUG="${DJANGO_DEBUG:-true}" "$root/.venv/bin/python" manage.py spectacular \
    --urlconf "saas.urls_$host" --format openapi-json --file "$out/$host.json")
  "$frontend/node_modules/.bin/openapi-typescript" "$out/$host.json" --output "$out/$host.d.ts" --silent
done
