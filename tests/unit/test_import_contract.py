"""The import contract (pyproject.toml's [tool.importlinter], run by `make lint`): the project keeps it, and
it bites. The second half proves the latter on a scratch tree with every module the contracts name and one
deliberately upward import, checked against a copy of the real contracts (without the project's list of
today's exceptions, which name modules the scratch tree does not have)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
FLOORS = "Floors: every package imports only downwards"
TENANT_APPS = "Tenant apps: one imports another only where its domain says so"


def _config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return config


def _lint(cwd: Path, *, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _modules(contract: dict[str, Any]) -> set[str]:
    names = set(contract.get("modules", []))
    for layer in contract.get("layers", []):
        names.update(part.strip().strip("()") for part in re.split(r"[|:]", layer))
    return names


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scratch_project(tmp_path: Path, imports: dict[str, str]) -> Path:
    """A tree with every module the contracts name (empty), `imports` ({module: source}) written over them,
    and a pyproject.toml holding the real contracts without their ignore_imports."""
    config = _config()
    names: set[str] = set(config["root_packages"])
    for contract in config["contracts"]:
        names |= _modules(contract)
    for name in sorted(names | set(imports)):
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            package = tmp_path.joinpath(*parts[:depth])
            package.mkdir(exist_ok=True)
            (package / "__init__.py").touch()
    for name, source in imports.items():
        (tmp_path.joinpath(*name.split(".")) / "__init__.py").write_text(source)
    lines = ["[tool.importlinter]", f"root_packages = {_toml_value(config['root_packages'])}"]
    for contract in config["contracts"]:
        lines.append("\n[[tool.importlinter.contracts]]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in contract.items() if key != "ignore_imports"]
    (tmp_path / "pyproject.toml").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_the_project_keeps_its_import_contracts() -> None:
    result = _lint(ROOT, pythonpath=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{FLOORS} KEPT" in result.stdout
    assert f"{TENANT_APPS} KEPT" in result.stdout


def test_the_scratch_tree_without_a_bad_import_keeps_the_contracts(tmp_path: Path) -> None:
    downwards = {"shared_apps.operator": "import shared_apps.audit\nimport tenants\n"}
    result = _lint(_scratch_project(tmp_path, downwards), pythonpath=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_floors(tmp_path: Path) -> None:
    upwards = {"tenants.admin": "from shared_apps.operator import services  # the ground floor reaching up\n"}
    result = _lint(_scratch_project(tmp_path, upwards), pythonpath=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{FLOORS} BROKEN" in result.stdout
    assert "tenants is not allowed to import shared_apps.operator" in result.stdout
    assert f"{TENANT_APPS} KEPT" in result.stdout


def test_audit_reaching_for_an_app_breaks_the_floors(tmp_path: Path) -> None:
    upwards = {"shared_apps.audit.services": "def f():\n    from shared_apps.memberships import models\n"}
    result = _lint(_scratch_project(tmp_path, upwards), pythonpath=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "shared_apps.audit is not allowed to import shared_apps.memberships" in result.stdout


def test_a_tenant_app_importing_another_breaks_their_independence(tmp_path: Path) -> None:
    sideways = {"tenant_apps.projects.services": "import tenant_apps.exports\n"}
    result = _lint(_scratch_project(tmp_path, sideways), pythonpath=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{TENANT_APPS} BROKEN" in result.stdout
    assert f"{FLOORS} KEPT" in result.stdout
