"""Load for the throughput benchmarks: gunicorn on a spare loopback port, and wrk against it."""

from __future__ import annotations

import contextlib
import http.client
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        subprocess.run(
            ["bash", "-c", "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)"], check=True
        )
        wrk = shutil.which("wrk")
    assert wrk, "wrk is needed for the throughput benchmark: apt-get install wrk"
    return wrk


def random_hosts_script(path: Path, hosts: list[str]) -> Path:
    """wrk: each request to a random one of `hosts` (a fixed seed, so every run draws alike)."""
    listed = ",".join(f'"{host}"' for host in hosts)
    path.write_text(
        f"local hosts = {{{listed}}}\nmath.randomseed(20261202)\n"
        'request = function() return wrk.format("GET", "/bench/", {["Host"] = hosts[math.random(#hosts)]}) end\n'
    )
    return path


@dataclass(frozen=True)
class Gunicorn:
    port: int
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        return [child.pid for child in psutil.Process(self.process.pid).children()]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], probe_host: str, *, workers: int = 2) -> Iterator[Gunicorn]:
    """`saas.wsgi` with `workers` sync workers, serving once `probe_host`'s /bench/ answers 200."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "saas.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, f"gunicorn exited with {server.returncode}"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        probe.request("GET", "/bench/", headers={"Host": probe_host})
        answer = probe.getresponse()
        assert answer.status == 200, f"{answer.status} {answer.read()[:500]!r}"
        probe.close()
        yield Gunicorn(port, server)
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p99_ms: float


def wrk(port: int, *, host: str | None = None, script: Path | None = None, seconds: int = 6) -> Load:
    """wrk -t2 -c8 against /bench/: every request to `host`, or each where `script` sends it."""
    target = ["-s", str(script)] if script else ["-H", f"Host: {host}"]
    url = f"http://127.0.0.1:{port}/bench/"
    out = subprocess.run(
        [ensure_wrk(), "-t2", "-c8", f"-d{seconds}s", "--latency", *target, url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "Non-2xx" not in out, out
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"\b99%\s+([\d.]+)(us|ms|s)\b", out).groups()  # type: ignore[union-attr]
    return Load(rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit])
