"""`make run`: the whole platform on one machine — web, Celery worker and beat — on embedded PostgreSQL and
Redis unless DATABASE_URL / REDIS_URL are set. Migrates, seeds the demo tenant, prints the logins. Ctrl-C, SIGTERM
(a process manager, `kill`), SIGHUP (the terminal closing) and the end of the parent (`kill` of `make`) all stop
everything, including the embedded servers."""

import os
import signal
import socket
import subprocess
import sys
import time

from prm import embedded

HOST = os.environ.get("PRM_HOST", "127.0.0.1")
PORT = os.environ.get("PRM_PORT", "8000")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_GRACE_SECONDS = 10


def site_url(host: str | None = None, port: str | None = None) -> str:
    """Where the served site is reached: the base of links in e-mails (SITE_URL) unless one is set."""
    host, port = host or HOST, port or PORT
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - not a bind: the address a browser on this machine opens
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def port_taken(host: str | None = None, port: str | None = None) -> bool:
    """Whether another process listens on host:port (runserver would fail there only after everything started)."""
    host, port = host or HOST, port or PORT
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, ValueError):
        return False  # an unknown host or port: runserver says what is wrong with it
    with socket.socket(family, kind, proto) as probe:
        # As runserver does, so a socket of a previous run in TIME_WAIT does not count as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return True
    return False


def _say(text: str, file=None) -> None:
    # After SIGHUP the terminal may be gone; stopping must not fail on a message nobody can read.
    try:
        print(text, file=file or sys.stdout, flush=True)
    except OSError:
        pass


def _banner():
    from prm.demo import DEMO_PASSWORD, PARTNER_USERS, STAFF

    # Role labels are translatable (lazy) and Django is not set up in this process yet: name roles plainly.
    def plain(role):
        return role.value.replace("_", " ").capitalize()

    base = site_url()
    logins = [(email, plain(role)) for email, _first, _last, role in STAFF[:2]]
    logins += [(email, f"{plain(role)}, {org}") for email, _f, _l, role, org in PARTNER_USERS[:2]]
    lines = [
        "",
        "=" * 72,
        f"  PRM is running:  {base}/t/demo/",
        f"  Sign in at        {base}/accounts/login/",
        f"  Demo password (all demo logins): {DEMO_PASSWORD}",
        *[f"    {email:<36} {label}" for email, label in logins],
        "  Other staff logins: marketing@, finance@, analyst@demo.example",
        "  Ctrl-C stops web, worker, beat and the embedded databases.",
        "=" * 72,
        "",
    ]
    _say("\n".join(lines))


def _start(command, env):
    # Own process group per service, so that stopping also stops the children they spawn.
    return subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _ignore_stop_signals():
    # Once stopping, a second signal (a process manager's SIGTERM after the terminal's SIGHUP, another Ctrl-C) must
    # not cut the stop short and leave services or the embedded databases behind.
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def supervise(commands, env, *, ready=lambda: None) -> int:
    """Start the commands and wait. Stops them all when one ends (1), on a stop signal (0) or when the parent
    process goes away (0): under `make run`, a `kill` of make alone would otherwise leave this running."""
    parent = os.getppid()
    processes = []
    try:
        processes.extend(_start(command, env) for command in commands)
        ready()
        while all(process.poll() is None for process in processes):
            if os.getppid() != parent:
                _say("The parent process ended; stopping.", file=sys.stderr)
                return 0
            time.sleep(0.5)
        _say("A service stopped; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        _say("\nStopping …")
        return 0
    finally:
        _ignore_stop_signals()
        _stop(processes)


def main() -> int:
    if port_taken():
        _say(
            f"Port {PORT} on {HOST} is already in use: another `make run` (or another server) is listening there. "
            f"Stop it, or serve on another port: PRM_PORT={int(PORT) + 1} make run",
            file=sys.stderr,
        )
        return 1
    for signum in STOP_SIGNALS:
        signal.signal(signum, _interrupt)
    python = sys.executable
    try:
        with embedded.services() as env:
            env.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.dev")
            env.setdefault("SITE_URL", site_url())
            manage = [python, "manage.py"]
            for step in (["migrate", "--no-input"], ["seed_demo"]):
                if subprocess.call(manage + step, env=env) != 0:  # noqa: S603
                    _say(f"'manage.py {' '.join(step)}' failed; stopping.", file=sys.stderr)
                    return 1
            beat_schedule = os.path.join(embedded.LOCAL_DIR, "celerybeat-schedule")
            commands = [
                manage + ["runserver", f"{HOST}:{PORT}"],
                [python, "-m", "celery", "-A", "prm", "worker", "--loglevel=INFO", "--concurrency=2"],
                [python, "-m", "celery", "-A", "prm", "beat", "--loglevel=INFO", "-s", beat_schedule],
            ]
            return supervise(commands, env, ready=_banner)
    except KeyboardInterrupt:
        # A signal while the databases started or migrate ran: embedded.services() has stopped what it started.
        _say("\nStopped.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
