"""`make run` (scripts/run_dev.py) leaves nothing running when it ends.

The worker and the Stripe emulator run in sessions of their own, so that a Ctrl-C meant for the site
does not cut a task short. A terminal window closed (SIGHUP) or a `kill` (SIGTERM) reached only
run_dev.py, which died at once: the worker (two processes, with its reloader) stayed behind, and
the next `make run` started a second one beside it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.another_process import database_url_for_another_process

ROOT = Path(__file__).resolve().parents[2]
PROC = Path("/proc")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not PROC.is_dir(), reason="finds the processes it started through /proc (Linux)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_marked(mark: str) -> dict[int, str]:
    """The processes whose environment carries `mark`, with their command lines."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark.encode() in (entry / "environ").read_bytes():
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # gone, or not ours
            continue
    return found


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def site_answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def run_dev_start(tmp_path, mark: str, port: int, **popen) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url_for_another_process(tmp_path),
        # A Stripe key of its own: no emulator (its state lives in the project's var/localstripe).
        "STRIPE_SECRET_KEY": "sk_test_make_run_test",
        mark.split("=")[0]: mark.split("=")[1],
    })
    run = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run_dev.py"), "--port", str(port)],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True, **popen)
    wait_for(lambda: site_answers(f"http://127.0.0.1:{port}"), seconds=90, what="the site")
    wait_for(lambda: any("tasks_worker" in command for command in processes_marked(mark).values()),
             seconds=60, what="the worker")
    return run


def nothing_left(run: subprocess.Popen, mark: str) -> dict[int, str]:
    run.wait(timeout=60)
    deadline = time.monotonic() + 5  # a process signalled last may still be exiting
    while (left := processes_marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def kill_marked(run: subprocess.Popen, mark: str) -> None:
    for pid in processes_marked(mark):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if run.poll() is None:
        run.kill()


@pytest.mark.parametrize("stop_signal,to_its_group,times", [
    (signal.SIGTERM, False, 1), (signal.SIGHUP, False, 1), (signal.SIGINT, True, 1), (signal.SIGTERM, False, 2),
], ids=["kill", "terminal-closed", "ctrl-c", "kill-twice"])
def test_the_site_and_its_worker_stop_with_make_run(tmp_path, stop_signal, to_its_group, times):
    """A Ctrl-C reaches the terminal's foreground group (here run_dev.py's own session); a `kill`
    or a closed window may reach run_dev.py alone, and a second one follows when make forwards it."""
    mark = f"GEBRAK_RUN_TEST={uuid.uuid4().hex}"
    port = free_port()
    run = run_dev_start(tmp_path, mark, port)
    try:
        for _ in range(times):
            if to_its_group:
                os.killpg(run.pid, stop_signal)
            else:
                run.send_signal(stop_signal)
            time.sleep(0.05)
        left = nothing_left(run, mark)
        assert not left, f"left running after {stop_signal.name}: {left}"
        assert not site_answers(f"http://127.0.0.1:{port}")
    finally:
        kill_marked(run, mark)


def test_make_run_under_nohup_outlives_its_terminal(tmp_path):
    mark = f"GEBRAK_RUN_TEST={uuid.uuid4().hex}"
    port = free_port()
    run = run_dev_start(tmp_path, mark, port, preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    try:
        run.send_signal(signal.SIGHUP)
        time.sleep(2)
        assert run.poll() is None
        assert site_answers(f"http://127.0.0.1:{port}")
        run.send_signal(signal.SIGTERM)
        assert not nothing_left(run, mark)
    finally:
        kill_marked(run, mark)
