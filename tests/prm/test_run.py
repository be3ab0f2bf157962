"""`make run` (prm/run.py): it stops everything on SIGTERM and SIGHUP as on Ctrl-C, and when its parent (make) is
killed; it says so when the port is taken, before starting anything; e-mail links point at the port it serves."""

import contextlib
import shlex
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from prm import run

ROOT = Path(__file__).resolve().parents[2]

# A supervisor of three long-running services, one of which starts a child of its own (as runserver's reloader and
# Celery's pool do). Each writes its pid, then the supervisor writes its own.
SUPERVISOR = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from prm import run

    out = Path(sys.argv[1])
    sleeper = "import os, sys, time; open(os.path.join(sys.argv[1], str(os.getpid())), 'w'); time.sleep(120)"
    spawner = (
        "import os, subprocess, sys, time; "
        f"subprocess.Popen([sys.executable, '-c', {sleeper!r}, sys.argv[1]]); "
        f"exec({sleeper!r})"
    )
    # Takes its time to stop, as a Celery worker finishing its task does.
    slow = (
        "import signal, sys, time; "
        "signal.signal(signal.SIGTERM, lambda *a: (time.sleep(2), sys.exit(0))); "
        f"exec({sleeper!r})"
    )
    commands = [[sys.executable, "-c", slow, str(out)], [sys.executable, "-c", sleeper, str(out)],
                [sys.executable, "-c", spawner, str(out)]]
    for signum in run.STOP_SIGNALS:
        signal.signal(signum, run._interrupt)
    ready = lambda: (out / "supervisor").write_text(str(os.getpid()))
    sys.exit(run.supervise(commands, dict(os.environ), ready=ready))
    """
)


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def service_pids(out: Path) -> list[int]:
    return [int(p.name) for p in out.iterdir() if p.name.isdigit()]


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(autouse=True)
def no_leftovers(tmp_path):
    """A failing test must not leave its sleepers running on a shared machine."""
    yield
    for path in tmp_path.iterdir():
        pid = int(path.read_text() or 0) if path.name == "supervisor" else int(path.name) if path.name.isdigit() else 0
        with contextlib.suppress(psutil.NoSuchProcess, ValueError):
            if pid and alive(pid):
                psutil.Process(pid).kill()


def start_supervisor(tmp_path, *, wrapper=None):
    argv = [sys.executable, "-c", SUPERVISOR, str(tmp_path)]
    if wrapper:
        argv = [*wrapper, shlex.join(argv) + "; true"]  # `; true`: the shell waits instead of exec-ing
    process = subprocess.Popen(argv, cwd=ROOT, start_new_session=True)  # noqa: S603
    assert wait_for(lambda: (tmp_path / "supervisor").exists() and len(service_pids(tmp_path)) == 4)
    return process, service_pids(tmp_path)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_a_stop_signal_stops_every_service_and_their_children(tmp_path, signum):
    supervisor, services = start_supervisor(tmp_path)
    supervisor.send_signal(signum)
    assert supervisor.wait(timeout=30) == 0
    assert [pid for pid in services if alive(pid)] == []


def test_a_second_signal_while_stopping_does_not_leave_services_behind(tmp_path):
    supervisor, services = start_supervisor(tmp_path)
    supervisor.send_signal(signal.SIGHUP)  # the terminal closes …
    time.sleep(0.5)
    supervisor.send_signal(signal.SIGTERM)  # … and a process manager, or an impatient Ctrl-C, follows
    assert supervisor.wait(timeout=30) == 0
    assert [pid for pid in services if alive(pid)] == []


def test_killing_the_parent_make_stops_every_service(tmp_path):
    shell, services = start_supervisor(tmp_path, wrapper=["sh", "-c"])
    supervisor = int((tmp_path / "supervisor").read_text())
    shell.kill()  # `kill -9` of make: nothing is forwarded to its child
    shell.wait()
    assert wait_for(lambda: not alive(supervisor))
    assert wait_for(lambda: not any(alive(pid) for pid in services))


@pytest.fixture
def signal_handlers():
    saved = {signum: signal.getsignal(signum) for signum in run.STOP_SIGNALS}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_taken_port_is_reported_before_anything_starts(monkeypatch, capsys, signal_handlers):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = str(listener.getsockname()[1])
        monkeypatch.setattr(run, "PORT", port)
        monkeypatch.setattr(run.embedded, "services", lambda: pytest.fail("started the databases"))
        assert run.main() == 1
    message = capsys.readouterr().err
    assert f"Port {port} on 127.0.0.1 is already in use" in message
    assert f"PRM_PORT={int(port) + 1} make run" in message
    assert not run.port_taken("127.0.0.1", port)


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("given", "expected"), [({}, "http://127.0.0.1:{port}"), ({"SITE_URL": "https://x.test"}, "https://x.test")]
)
def test_email_links_point_at_the_port_being_served(monkeypatch, signal_handlers, given, expected):
    port = free_port()
    monkeypatch.setattr(run, "PORT", port)
    seen = []

    @contextlib.contextmanager
    def services():
        yield dict(given)

    monkeypatch.setattr(run.embedded, "services", services)
    # Stop after the first step (migrate): its environment is the one every service gets.
    monkeypatch.setattr(run.subprocess, "call", lambda argv, env: seen.append(env) or 1)
    assert run.main() == 1
    assert seen[0]["SITE_URL"] == expected.format(port=port)
    assert run.site_url("0.0.0.0", "8123") == "http://127.0.0.1:8123"  # noqa: S104
