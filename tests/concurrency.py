"""Helpers for tests of two sessions racing: make the second provably wait for the first's lock."""

import threading


def wait_until_waiting_for_a_lock(cursor, pid, limit=2000):
    """Block until the session `pid` waits on a lock (pg_locks is live, not a snapshot)."""
    pause = threading.Event()
    for _ in range(limit):
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        if cursor.fetchone()[0]:
            return
        pause.wait(0.005)
    raise AssertionError(f"session {pid} never waited for a lock")


def race(tenant, first, second):
    """Two sessions racing for one lock, deterministically: `first` runs in this thread's transaction and keeps its
    locks; `second` then starts in another session and must block on one of them; once it waits, `first` commits.
    Returns (what `first` returned, what `second` returned or the domain or database error it raised — the answer
    its user would get)."""
    from django.db import DatabaseError, connection

    from prm.errors import DomainError
    from prm.tenancy import tenant_context

    outcome = {}
    connected = threading.Event()

    def run_second():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            connected.set()
            with tenant_context(tenant):
                outcome["result"] = second()
        except (DomainError, DatabaseError) as exc:
            outcome["result"] = exc
        finally:
            connected.set()
            connection.close()

    with tenant_context(tenant):
        first_result = first()
        thread = threading.Thread(target=run_second)
        thread.start()
        assert connected.wait(timeout=30)
        with connection.cursor() as cursor:
            wait_until_waiting_for_a_lock(cursor, outcome["pid"])
    thread.join(timeout=30)
    return first_result, outcome.get("result")
