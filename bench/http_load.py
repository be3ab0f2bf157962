"""A small closed-loop HTTP load generator: N keep-alive connections, each sending requests back to back."""

import http.client
import threading
import time


def throughput(host: str, port: int, path: str, *, headers=None, connections: int = 4, seconds: float = 5.0) -> dict:
    """Requests per second over `seconds`, with `connections` keep-alive clients; fails on any non-2xx."""
    deadline = time.monotonic() + seconds
    counts = [0] * connections
    errors: list[str] = []

    def client(index):
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < deadline:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            if response.status >= 300:
                errors.append(f"{path}: {response.status}")
                return
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if errors:
        raise RuntimeError(errors[0])
    return {"path": path, "requests": sum(counts), "seconds": round(elapsed, 2), "rps": round(sum(counts) / elapsed, 1)}
