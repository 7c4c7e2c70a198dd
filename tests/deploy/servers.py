"""Real servers on 127.0.0.1 for the deploy tests: gunicorn with the production config, a stand-in for the
Next.js server, and Debian's nginx with the real proxy configuration. Each is stopped by its fixture."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[Any] | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(process: subprocess.Popen[Any], timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def gunicorn(
    database_name: str, settings_module: str = "tests.deploy.settings", extra_env: dict[str, str] | None = None
) -> Iterator[int]:
    """The web process as deployed (deploy/gunicorn.conf.py: gthread workers) against the test database."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "TEST_DATABASE_NAME": database_name,
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "8",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--config",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "saas.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        yield port
    finally:
        stop(process)
        if process.stderr is not None:
            process.stderr.close()


STAND_IN_OWN_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options")


class _FrontendStandIn(BaseHTTPRequestHandler):
    """Answers like the Next.js server would for a page, and says what it received."""

    def do_GET(self) -> None:
        body = json.dumps({"server": "frontend", "host": self.headers.get("Host"), "path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        # Values of its own for the headers nginx owns: the proxy must replace them, not send two.
        for name in STAND_IN_OWN_HEADERS:
            self.send_header(name, "stand-in")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def frontend_stand_in() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FrontendStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        subprocess.run(["bash", str(DEPLOY / "scripts" / "ensure-debian-package.sh"), "nginx", "nginx-light", "nginx"],
                       check=True, timeout=300)  # fmt: skip
        found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found


def render_template(text: str, variables: dict[str, str]) -> str:
    """What the nginx image does at start: replace ${NAME} for the names given, leave nginx's $vars alone."""
    for name, value in variables.items():
        text = text.replace("${" + name + "}", value)
    return text


def self_signed_certificate(directory: Path, common_name: str) -> None:
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={common_name}"),
            *("-addext", f"subjectAltName=DNS:{common_name},DNS:*.{common_name}"),
            *("-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def nginx_config(
    workdir: Path,
    *,
    base_domain: str,
    django: str,
    frontend: str,
    http_port: int,
    https_port: int,
    flower: str | None = None,
) -> Path:
    """The production proxy config (deploy/nginx), rendered as the nginx image would, with only its listen
    addresses and file locations moved to loopback ports and a scratch directory. Without `flower`, its
    upstream is a loopback port nothing listens on."""
    (workdir / "certs").mkdir(exist_ok=True)
    self_signed_certificate(workdir / "certs", base_domain)
    server = render_template(
        (DEPLOY / "nginx" / "templates" / "saas.conf.template").read_text(),
        {
            "SAAS_BASE_DOMAIN": base_domain,
            "DJANGO_UPSTREAM": django,
            "FRONTEND_UPSTREAM": frontend,
            "FLOWER_UPSTREAM": flower or f"127.0.0.1:{free_port()}",
        },
    )
    moved = {
        "listen 80": f"listen 127.0.0.1:{http_port}",
        "listen 443": f"listen 127.0.0.1:{https_port}",
        "/etc/nginx/certs/": f"{workdir}/certs/",
        "/etc/nginx/snippets/": f"{DEPLOY}/nginx/snippets/",
        "/var/log/nginx/": f"{workdir}/",
    }
    for old, new in moved.items():
        assert old in server, f"the template no longer contains {old!r}: update tests/deploy/servers.py"
        server = server.replace(old, new)
    (workdir / "saas.conf").write_text(server)
    main = workdir / "nginx.conf"
    temp = "\n".join(
        f"    {kind}_temp_path {workdir}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        f"""worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 256; }}
http {{
{temp}
    include {workdir}/saas.conf;
}}
"""
    )
    return main


@contextlib.contextmanager
def nginx(config: Path) -> Iterator[None]:
    binary = nginx_binary()
    prefix = config.parent
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-e", str(prefix / "startup.log"), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield
    finally:
        stop(process, timeout=10)
        if process.stderr is not None:
            process.stderr.close()


class HostConnection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 with SNI and certificate name of `server_name` (Python cannot resolve *.localhost)."""

    def __init__(self, port: int, server_name: str) -> None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        super().__init__("127.0.0.1", port, timeout=30, context=context)
        self._server_name = server_name
        self._context = context

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_name)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    # Every header line as sent (`headers` keeps one value per name).
    header_lines: list[tuple[str, str]] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)


def get(port: int, host: str, path: str, *, tls: bool = True, headers: dict[str, str] | None = None) -> Reply:
    connection: http.client.HTTPConnection = (
        HostConnection(port, host) if tls else http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    )
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        lines = [(k.lower(), v) for k, v in response.getheaders()]
        return Reply(response.status, dict(lines), response.read(), lines)
    finally:
        connection.close()
