"""The frontend's API contract is current: frontend/src/api/schema/ holds each host's OpenAPI schema and the
TypeScript types generated from it (frontend/scripts/generate-api.sh, `npm run api:generate`), and both are what
the backend produces now. A serializer or view change that alters a schema fails here until they are regenerated
and committed, so the frontend's types (src/lib/api/types.ts aliases them) never describe an older API.

The schemas are produced in this process (the `spectacular` command, as the script runs it); the types with the
openapi-typescript that frontend/package-lock.json pins (installed by `make frontend-install`, part of `make test`).
"""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.deploy.servers import ROOT

SCHEMA_DIR = ROOT / "frontend" / "src" / "api" / "schema"
OPENAPI_TYPESCRIPT = ROOT / "frontend" / "node_modules" / ".bin" / "openapi-typescript"
HOSTS = {"public": "saas.urls_public", "tenant": "saas.urls_tenant"}  # as in frontend/scripts/generate-api.sh
REGENERATE = "cd frontend && npm run api:generate, then commit frontend/src/api/schema/"


def _diff(committed: Path, current: Path) -> str:
    lines = difflib.unified_diff(
        committed.read_text().splitlines(keepends=True),
        current.read_text().splitlines(keepends=True),
        fromfile=f"{committed.relative_to(ROOT)} (committed)",
        tofile="generated now",
        n=2,
    )
    return "".join(list(lines)[:80])


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_schema_and_types_are_current(host: str, tmp_path: Path) -> None:
    assert OPENAPI_TYPESCRIPT.exists(), "frontend/node_modules is missing: run `make frontend-install`"
    schema, types = tmp_path / f"{host}.json", tmp_path / f"{host}.d.ts"
    call_command("spectacular", urlconf=HOSTS[host], format="openapi-json", file=str(schema))
    subprocess.run(
        [str(OPENAPI_TYPESCRIPT), str(schema), "--output", str(types), "--silent"],
        cwd=ROOT / "frontend",
        check=True,
        capture_output=True,
        timeout=120,
    )
    for name, current in ((f"{host}.json", schema), (f"{host}.d.ts", types)):
        committed = SCHEMA_DIR / name
        assert committed.exists(), f"{committed.relative_to(ROOT)} is missing: {REGENERATE}"
        assert committed.read_bytes() == current.read_bytes(), (
            f"{committed.relative_to(ROOT)} is out of date ({REGENERATE}):\n{_diff(committed, current)}"
        )
