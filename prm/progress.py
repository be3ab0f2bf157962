"""A small progress bar for long commands (no dependency; writes to stderr so JSON on stdout stays clean)."""

import sys
import time


class Progress:
    def __init__(self, total: int, label: str, stream=None, width: int = 30):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        filled = int(self.width * self.done / self.total)
        elapsed = time.monotonic() - self.started
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(f"\r{self.label:<28} {bar} {self.done:>9,}/{self.total:,}  {elapsed:6.1f}s")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
