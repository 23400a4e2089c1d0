"""Tasks the task queue's tests enqueue (a task must live at a module's top level)."""

from pathlib import Path

from config.tasks import retried_task

# How many times each key has been attempted in this process (the in-process worker's tests).
ATTEMPTS: dict[str, int] = {}


@retried_task(attempts=3, first_delay_seconds=0, max_delay_seconds=0)
def flaky(*, key: str, failures: int) -> str:
    """Fails its first `failures` runs (as a mail server that refuses twice), then succeeds."""
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= failures:
        raise ConnectionRefusedError(f"refused, attempt {ATTEMPTS[key]}")
    return f"done after {ATTEMPTS[key]}"


@retried_task(attempts=3)
def note_write(*, path: str, text: str) -> str:
    """Writes a file: what a worker in another process did is seen by the test."""
    Path(path).write_text(text, encoding="utf-8")
    return text
