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
