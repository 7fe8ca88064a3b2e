"""Sync waiting helpers (written for a CLI, now reused by the async poller)."""
import time


def pause(seconds: float) -> None:
    time.sleep(seconds)


def backoff_pause(attempt: int, cap: float = 30.0) -> None:
    pause(min(cap, 2 ** attempt))
