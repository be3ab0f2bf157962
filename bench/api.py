"""API overhead: throughput of a small authenticated list endpoint vs bare DRF endpoints, same server, same run.

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


def api_overhead(raw_key: str, tenant_id: int, *, seconds: float = 8.0, connections: int = 4) -> dict:
    """Throughput of /api/v1/partners/?page_size=5 with a key, against bare DRF endpoints on the same server."""
    auth = {"Authorization": f"Bearer {raw_key}"}
    paths = {
        "bare_drf_no_database": ("/api/bench/bare/", {}),
        "bare_drf_same_query": (f"/api/bench/bare-list/?tenant={tenant_id}", {}),
        "authenticated_list": ("/api/v1/partners/?page_size=5", auth),
    }
    process, port = start_server()
    try:
        for path, headers in paths.values():  # warm every path (imports, connections) before measuring
            throughput("127.0.0.1", port, path, headers=headers, connections=2, seconds=1)
        results = {
            name: throughput("127.0.0.1", port, path, headers=headers, connections=connections, seconds=seconds)
            for name, (path, headers) in paths.items()
        }
    finally:
        process.terminate()
        process.wait(timeout=20)
    listed = results["authenticated_list"]["rps"]
    return {
        **results,
        # The API's own machinery (key, tenancy, scopes, policy, throttle, idempotency, ETag, problem+json):
        "ratio": round(listed / results["bare_drf_same_query"]["rps"], 3),
        "goal": 0.6,
        # For context: against DRF doing no database work at all.
        "ratio_to_no_database": round(listed / results["bare_drf_no_database"]["rps"], 3),
    }
