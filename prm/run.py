"""`make run`: the whole platform on one machine — web, Celery worker and beat — on embedded PostgreSQL and
Redis unless DATABASE_URL / REDIS_URL are set. Migrates, seeds the demo tenant, prints the logins. Ctrl-C
stops everything, including the embedded servers."""

import os
import signal
import subprocess
import sys
import time

from prm import embedded

HOST = os.environ.get("PRM_HOST", "127.0.0.1")
PORT = os.environ.get("PRM_PORT", "8000")


def _banner():
    from prm.demo import DEMO_PASSWORD, PARTNER_USERS, STAFF

    # Role labels are translatable (lazy) and Django is not set up in this process yet: name roles plainly.
    def plain(role):
        return role.value.replace("_", " ").capitalize()

    logins = [(email, plain(role)) for email, _first, _last, role in STAFF[:2]]
    logins += [(email, f"{plain(role)}, {org}") for email, _f, _l, role, org in PARTNER_USERS[:2]]
    lines = [
        "",
        "=" * 72,
        f"  PRM is running:  http://{HOST}:{PORT}/t/demo/",
        f"  Sign in at        http://{HOST}:{PORT}/accounts/login/",
        f"  Demo password (all demo logins): {DEMO_PASSWORD}",
        *[f"    {email:<36} {label}" for email, label in logins],
        "  Other staff logins: marketing@, finance@, analyst@demo.example",
        "  Ctrl-C stops web, worker, beat and the embedded databases.",
        "=" * 72,
        "",
    ]
    print("\n".join(lines), flush=True)


def _start(command, env):
    # Own process group per service, so that stopping also stops the children they spawn.
    return subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    # `kill` or a closing terminal stops everything as cleanly as Ctrl-C does.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    python = sys.executable
    with embedded.services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.dev")
        manage = [python, "manage.py"]
        for step in (["migrate", "--no-input"], ["seed_demo"]):
            if subprocess.call(manage + step, env=env) != 0:  # noqa: S603
                print(f"'manage.py {' '.join(step)}' failed; stopping.", file=sys.stderr)
                return 1
        beat_schedule = os.path.join(embedded.LOCAL_DIR, "celerybeat-schedule")
        commands = [
            manage + ["runserver", f"{HOST}:{PORT}"],
            [python, "-m", "celery", "-A", "prm", "worker", "--loglevel=INFO", "--concurrency=2"],
            [python, "-m", "celery", "-A", "prm", "beat", "--loglevel=INFO", "-s", beat_schedule],
        ]
        processes = []
        try:
            processes.extend(_start(command, env) for command in commands)
            _banner()
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
            print("A service stopped; stopping the others.", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\nStopping …", flush=True)
            return 0
        finally:
            _stop(processes)


if __name__ == "__main__":
    sys.exit(main())
