"""The OpenAPI schemas tell the truth: schemathesis with every check, against the server as deployed.

Three schemas: the public host's own `/api/schema/`, an organisation host's own `/api/schema/`, and allauth's
headless spec (shipped in the allauth package, rendered for our settings as its HEADLESS_SERVE_SPECIFICATION
view would) against the organisation host. All phases run (examples, coverage, fuzzing, stateful: links
inferred from the schema and from responses), with a bounded number of examples and a fixed seed so a run
is repeatable; any failure fails the test with schemathesis' report and the server's log.

Run one by hand against a server of your own, e.g.
`st run http://127.0.0.1:8000/api/schema/ -H 'Host: acme.localhost' -H 'Authorization: Bearer ...' --checks all`.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import pytest
import requests

from tests.deploy.servers import VENV_BIN

from .conftest import BASE_DOMAIN, Organisation, Server

pytestmark = pytest.mark.schemathesis

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = 10  # per operation and phase: enough to find the mismatches, small enough for `make test`
SEED = 20261201
TIMEOUT = 240  # seconds: far above a normal run, so a hung server fails the test instead of blocking it


def _operations(schema: dict) -> set[str]:
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return {
        f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item if method in methods
    }


def _run(
    location: str, *, server: Server, headers: dict[str, str], report: Path, extra: Sequence[str] = ()
) -> set[str]:
    """One `st run`; returns the operations its JUnit report says were tested. Fails on any failure."""
    command = [
        str(VENV_BIN / "st"),
        "--config-file",
        str(CONFIG),
        "run",
        location,  # every check: schemathesis.toml turns them all on (so operations there can turn one off)
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "2",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        *extra,
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    report.with_suffix(".txt").write_text(result.stdout + result.stderr)
    # The failures (with a curl line to reproduce each) and the summary, not the progress lines before them.
    output = result.stdout[result.stdout.find("FAILURES") :][-30000:] + result.stderr[-3000:]
    assert result.returncode == 0, (
        f"schemathesis found failures:\n{output}\n--- server log ---\n{server.log_tail(3000)}"
    )
    suite = ET.parse(report).getroot()  # noqa: S314 - the report schemathesis just wrote, not outside input
    failed = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    assert failed == [], output
    return {str(case.get("name")) for case in suite.iter("testcase")} - {"Stateful tests"}


def _schema(server: Server, host: str) -> dict:
    response = requests.get(f"{server.url}/api/schema/?format=json", headers={"Host": host}, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_public_host_schema_is_the_truth(api_server: Server, organisation: Organisation, tmp_path: Path) -> None:
    schema = _schema(api_server, BASE_DOMAIN)
    tested = _run(
        f"{api_server.url}/api/schema/?format=json",
        server=api_server,
        headers={"Host": BASE_DOMAIN, "Authorization": f"Bearer {organisation.account_token}"},
        report=tmp_path / "junit.xml",
    )
    assert tested == _operations(schema)


def test_organisation_host_schema_is_the_truth(api_server: Server, organisation: Organisation, tmp_path: Path) -> None:
    schema = _schema(api_server, organisation.host)
    tested = _run(
        f"{api_server.url}/api/schema/?format=json",
        server=api_server,
        headers={"Host": organisation.host, "Authorization": f"Bearer {organisation.tenant_token}"},
        report=tmp_path / "junit.xml",
    )
    assert tested == _operations(schema)


def test_allauth_headless_spec_is_the_truth(api_server: Server, organisation: Organisation, tmp_path: Path) -> None:
    from allauth.headless.spec.internal.schema import get_schema

    # get_schema() roots the paths at where its own spec view is mounted; we mount allauth at /_allauth/
    # without serving the spec, so name that place directly.
    with mock.patch("allauth.headless.spec.internal.schema.reverse", return_value="/_allauth/openapi.yaml"):
        spec = get_schema()
    path = tmp_path / "allauth-openapi.json"
    path.write_text(json.dumps(spec))
    tested = _run(
        str(path),
        server=api_server,
        headers={"Host": organisation.host},
        report=tmp_path / "junit.xml",
        extra=["--url", api_server.url],
    )
    assert tested == _operations(spec)
