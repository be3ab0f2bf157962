"""API overhead: throughput of a small authenticated list endpoint vs a bare DRF endpoint, same server, same run.

The server is gunicorn with the production WSGI app on the bench settings (bench/settings.py), 2 workers on
127.0.0.1; the load comes from keep-alive clients in this process. Goal: ratio >= 0.6.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.http_load import throughput

BASE_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the bench server did not start")


def start_server(workers: int = 2):
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [
        sys.executable, "-m", "gunicorn", "prm.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread", "--threads", "2",
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603 - our own server
    try:
        _wait_until_up(port)
    except Exception:
        process.terminate()
        raise
    return process, port


def api_overhead(raw_key: str, *, seconds: float = 8.0, connections: int = 4) -> dict:
    process, port = start_server()
    try:
        # Warm both paths (imports, connections) before measuring.
        throughput("127.0.0.1", port, "/api/bench/bare/", connections=2, seconds=1)
        auth = {"Authorization": f"Bearer {raw_key}"}
        throughput("127.0.0.1", port, "/api/v1/partners/?page_size=5", headers=auth, connections=2, seconds=1)
        bare = throughput("127.0.0.1", port, "/api/bench/bare/", connections=connections, seconds=seconds)
        listed = throughput(
            "127.0.0.1", port, "/api/v1/partners/?page_size=5", headers=auth, connections=connections, seconds=seconds
        )
    finally:
        process.terminate()
        process.wait(timeout=20)
    return {
        "bare_drf": bare,
        "authenticated_list": listed,
        "ratio": round(listed["rps"] / bare["rps"], 3),
        "goal": 0.6,
    }
