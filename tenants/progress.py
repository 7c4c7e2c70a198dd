"""A one-line progress bar with rate and ETA for long management commands (bootstrap, tenants migrate)."""

from __future__ import annotations

import time

from django.core.management.base import OutputWrapper


class ProgressBar:
    """Call with (done, total[, failed]); redraws at most every `every` seconds, and always at the end."""

    def __init__(self, out: OutputWrapper, label: str, *, width: int = 30, every: float = 0.25) -> None:
        self.out, self.label, self.width, self.every = out, label, width, every
        self.started = time.monotonic()
        self._drawn_at = 0.0

    def __call__(self, done: int, total: int, failed: int = 0) -> None:
        now = time.monotonic()
        if done < total and now - self._drawn_at < self.every:
            return
        self._drawn_at = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        eta = f"ETA {(total - done) / rate:.0f}s" if 0 < done < total else f"{elapsed:.1f}s"
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        tail = f"  {failed} failed" if failed else ""
        self.out.write(f"\r  {self.label} [{bar}] {done}/{total}  {rate:.1f}/s  {eta}{tail}", ending="")
        if done >= total:
            self.out.write("")
