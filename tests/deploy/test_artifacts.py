"""Every file in deploy/ is checked: Dockerfiles (hadolint), the compose file (the compose JSON schema),
Kubernetes manifests (kubernetes-validate), and that both carry every variable of .env.example.

tests/deploy/compose_spec.json is the Compose Specification schema as shipped in the PyPI wheel
docker-compose 1.29.2 (compose/config/compose_spec.json, Apache-2.0): no network is needed to validate.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.deploy.servers import DEPLOY, ROOT, VENV_BIN

K8S = DEPLOY / "k8s"


def env_example_names(path: Path = ROOT / ".env.example") -> set[str]:
    return {m.group(1) for m in re.finditer(r"^([A-Z][A-Z0-9_]*)=", path.read_text(), re.MULTILINE)}


@pytest.mark.parametrize("dockerfile", ["backend.Dockerfile", "frontend.Dockerfile"])
def test_dockerfile_passes_hadolint(dockerfile: str) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "hadolint"), "--no-color", "--failure-threshold", "info", str(DEPLOY / dockerfile)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", ["backend.Dockerfile", "frontend.Dockerfile"])
def test_images_run_as_a_non_root_user_and_are_multi_stage(dockerfile: str) -> None:
    text = (DEPLOY / dockerfile).read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert len(re.findall(r"^FROM\s", text, re.MULTILINE)) >= 2


def test_backend_image_copies_everything_its_dockerignore_lets_in() -> None:
    text = (DEPLOY / "backend.Dockerfile").read_text()
    allowed = [
        line[1:].rstrip("/")
        for line in (DEPLOY / "backend.Dockerfile.dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    for path in allowed:
        assert re.search(rf"^COPY .*\b{re.escape(path)}\b", text, re.MULTILINE), f"{path} is let in but never copied"


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_file_matches_the_compose_schema() -> None:
    schema = json.loads((Path(__file__).parent / "compose_spec.json").read_text())
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message}"
        for e in jsonschema.Draft201909Validator(schema).iter_errors(_compose())
    ]
    assert not errors, errors


def test_compose_stack_has_every_service_and_bootstrap_runs_before_the_app() -> None:
    services = _compose()["services"]
    assert {
        *("postgres", "redis", "rabbitmq", "minio", "bootstrap", "web", "worker", "beat", "flower", "frontend"),
        "nginx",
    } <= set(services)
    assert services["bootstrap"]["command"] == ["python", "manage.py", "bootstrap"]
    for name in ("web", "worker", "beat", "flower"):
        assert services[name]["depends_on"]["bootstrap"] == {"condition": "service_completed_successfully"}
    assert services["web"]["command"][:3] == ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
    # Only the proxy is published; Django and Next.js are reachable through it alone.
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]


def test_compose_env_file_template_covers_every_variable() -> None:
    # The application's variables come from deploy/.env (its template lists them all) or are set in compose.
    names = env_example_names()
    template = env_example_names(DEPLOY / ".env.example")
    set_in_compose = set(_compose()["services"]["web"]["environment"])
    missing = names - template - set_in_compose
    assert not missing, f"add these to deploy/.env.example: {sorted(missing)}"


def _manifests() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def _documents() -> list[dict[str, Any]]:
    return [doc for path in _manifests() for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_kubernetes_manifests_are_valid() -> None:
    result = subprocess.run(
        [str(VENV_BIN / "kubernetes-validate"), "--strict", *map(str, _manifests())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed") == len(_documents())


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == [p.name for p in _manifests()]
    assert kustomization["secretGenerator"][0]["name"] == "saas-secrets"


def test_every_env_example_variable_is_in_the_configmap_or_the_secret() -> None:
    configmap = next(d for d in _documents() if d["kind"] == "ConfigMap")["data"]
    secret = env_example_names(K8S / "secrets.env.example")
    assert not set(configmap) & secret, "a variable is both in the ConfigMap and the Secret"
    missing = env_example_names() - set(configmap) - secret
    assert not missing, f"add these to deploy/k8s/configmap.yaml or secrets.env.example: {sorted(missing)}"


def _pod_specs() -> dict[str, dict[str, Any]]:
    specs = {}
    for doc in _documents():
        if doc["kind"] in {"Deployment", "Job"}:
            specs[doc["metadata"]["name"]] = doc["spec"]["template"]["spec"]
    return specs


def test_workloads_exist_with_resources_probes_and_settings() -> None:
    specs = _pod_specs()
    assert set(specs) == {"saas-web", "saas-worker", "saas-beat", "saas-flower", "saas-frontend", "saas-bootstrap"}
    for name, spec in specs.items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        for container in spec.get("initContainers", []) + spec["containers"]:
            assert container["resources"]["requests"], f"{name}/{container['name']} has no resource requests"
            if name != "saas-frontend":
                refs = [next(iter(ref.values()))["name"] for ref in container["envFrom"]]
                assert refs == ["saas-config", "saas-secrets"], f"{name}/{container['name']}"
    web = specs["saas-web"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert specs["saas-bootstrap"]["containers"][0]["command"] == ["python", "manage.py", "bootstrap"]


def test_autoscalers_and_wildcard_ingress() -> None:
    docs = _documents()
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in docs if d["kind"] == "HorizontalPodAutoscaler"}
    assert scaled == {"saas-web", "saas-worker"}
    ingress = next(d for d in docs if d["kind"] == "Ingress" and d["metadata"]["name"] == "saas")
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == ["example.com", "*.example.com"]
    # Each organisation's requests reach the same web pod: its connections keep a share of the schemas warm.
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$host"
    for rule in ingress["spec"]["rules"]:
        routes = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
        assert routes["/api"] == routes["/admin"] == routes["/static"] == "saas-web"
        assert routes["/"] == "saas-frontend"
