"""Start the development site (what `make run` ends with) and say where it is."""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Kept in step with marketplace/payments/stripe_client.py (EMULATOR_WEBHOOK_SECRET);
# this script runs before Django is set up, so it cannot import it.
EMULATOR_WEBHOOK_SECRET = "whsec_localstripe_development"


# What localstripe made (PaymentIntents, cards, refunds) survives a restart of the site, also a
# killed one: it is kept here, in var/ (git-ignored), by scripts/stripe_emulator.py.
EMULATOR_STATE = ROOT / "var" / "localstripe"


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
        return True
    except OSError:
        return False


def emulator_start(*, port: int, state_dir: Path = EMULATOR_STATE) -> subprocess.Popen:
    """Start localstripe with its state in `state_dir` and wait until it listens.

    In a session of its own, so a Ctrl-C meant for the site does not cut it off mid-write;
    the caller stops it (Emulator.stop). A Ctrl-C or a kill while it starts stops it here: the
    caller has nothing to stop yet."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / "localstripe.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "stripe_emulator.py"), "--port", str(port),
             "--state", str(state_dir / "state.pickle")],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        (state_dir / "pid").write_text(str(process.pid))
        for _ in range(200):
            if _listening(port) or process.poll() is not None:
                break
            time.sleep(0.1)
    except BaseException:
        Emulator(process=process).stop()
        raise
    return process


def _left_running(state_dir: Path) -> int | None:
    """The emulator an earlier run started and could not stop (it was killed), by its pid file."""
    try:
        pid = int((state_dir / "pid").read_text())
        command = subprocess.run(["ps", "-p", str(pid), "-o", "command="], capture_output=True, text=True,
                                 timeout=5).stdout
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return pid if "stripe_emulator.py" in command else None


@dataclass
class Emulator:
    """The emulator this run uses: one it started, or one an earlier run left running."""

    process: subprocess.Popen | None = None
    left_over_pid: int | None = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        elif self.left_over_pid is not None:
            try:
                os.kill(self.left_over_pid, signal.SIGTERM)
            except OSError:
                pass


def start_stripe_emulator(site_base: str, *, port: int | None = None,
                          state_dir: Path = EMULATOR_STATE) -> Emulator | None:
    """Start localstripe (or use the one already on its port) and register the site's webhook with
    it, unless a real Stripe key is set."""
    if os.environ.get("STRIPE_SECRET_KEY"):
        return None
    port = port or int(os.environ.get("STRIPE_EMULATOR_PORT", "8420"))
    if _listening(port):
        emulator = Emulator(left_over_pid=_left_running(state_dir))
        print(f"  Stripe emulator already running on port {port}: using it")
    else:
        emulator = Emulator(process=emulator_start(port=port, state_dir=state_dir))
    data = urllib.parse.urlencode({"url": f"{site_base}/payments/stripe/webhook/",
                                   "secret": EMULATOR_WEBHOOK_SECRET}).encode()
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_config/webhooks/{webhook_name(site_base)}", data=data,
                               timeout=5)
    except BaseException:  # stopped meanwhile, or the emulator did not answer: the caller holds nothing yet
        emulator.stop()
        raise
    ours = emulator.process is not None or emulator.left_over_pid is not None
    kept = (f"What it made is kept in {state_dir}/" if ours
            else "Another run started it and keeps what it made; it stops with that run")
    print(f"  Stripe emulator (localstripe) on http://127.0.0.1:{port}: pay with 4242 4242 4242 4242; "
          f"4000 0000 0000 0341 is declined. {kept}.")
    return emulator


def webhook_name(site_base: str) -> str:
    """The site's webhook at the emulator, one per site address: two checkouts run side by side share
    one emulator (its port), and each gets every event; under one name the last site to start took
    the other's payments, whose orders then waited for the reconciliation. An event for another
    database's order is ignored (marketplace.orders.webhooks)."""
    address = urllib.parse.urlsplit(site_base)
    return f"gebrak-{address.hostname or 'localhost'}-{address.port or 80}".replace(".", "-")


def worker_start(env: dict) -> subprocess.Popen:
    """The task queue's worker (emails, Stripe's events, refunds, the periodic sweeps), as production
    runs it beside the web server; what it prints (the console's emails too) comes here.

    In a session of its own, so a Ctrl-C meant for the site does not cut a task short: worker_stop
    asks it to stop once the running task is done. (It reloads on code changes as runserver does,
    so it is two processes; the signal goes to both.)"""
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "tasks_worker"], env=env, cwd=ROOT,
                            start_new_session=True)


def process_group_stop(process: subprocess.Popen, *, timeout: float) -> None:
    """Ask a process started in a session of its own to stop, with whatever it started (runserver's
    and the worker's reloaders are two processes each); kill them after `timeout` seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def worker_stop(worker: subprocess.Popen) -> None:
    process_group_stop(worker, timeout=30)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _stopping_ignore_signals() -> None:
    # Stopping already: a second signal (make forwards its own SIGTERM a moment after a
    # `kill -- -PGID` reached this script) must not cut the clean-up short. Its waits are bounded.
    for stop_signal in (*STOP_SIGNALS, signal.SIGINT):
        signal.signal(stop_signal, signal.SIG_IGN)


def _stop_on_signal(signum, frame):
    # A terminal closed (SIGHUP) or a `kill` (SIGTERM) stops what this run started, as Ctrl-C
    # does: the worker and the emulator run in sessions of their own, which no such signal
    # reaches, and would otherwise be left running.
    _stopping_ignore_signals()
    raise SystemExit(128 + signum)


def dev_environment(environ, *, host: str, port: str) -> dict:
    """The site's, the worker's and the emulator's environment: links in emails (SITE_URL, which the
    settings read) name the address this run serves, unless SITE_URL is set already. A site listening
    on every interface (0.0.0.0) is reached on this machine as 127.0.0.1."""
    env = {**environ, "DJANGO_SETTINGS_MODULE": environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev")}
    reachable = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
    env.setdefault("SITE_URL", f"http://{reachable}:{port}")
    return env


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    base = f"http://{args.host}:{args.port}"
    print(
        "\n"
        f"  Gebrak Banjar is starting at {base}/\n"
        f"    Site (Indonesian):  {base}/id/\n"
        f"    Site (English):     {base}/en/\n"
        f"    Editors' admin:     {base}/admin/   (admin is the superuser: users, groups, workflows)\n"
        f"    Artisans' shops:    {base}/toko/masuk/\n"
        f"    Health:             {base}/healthz\n"
        "  Slow work goes through the task queue, whose worker runs beside the site\n"
        "  (`manage.py tasks_status` shows what waits and what failed).\n"
        "  The demo logins are listed just above (\"Demo logins\"), on every start.\n"
    )
    env = dev_environment(os.environ, host=args.host, port=args.port)
    (ROOT / "var").mkdir(exist_ok=True)
    for stop_signal in STOP_SIGNALS:
        if signal.getsignal(stop_signal) is not signal.SIG_IGN:  # `nohup make run` keeps running
            signal.signal(stop_signal, _stop_on_signal)
    emulator, worker, site = None, None, None
    try:
        emulator = start_stripe_emulator(base)
        worker = worker_start(env)
        # In a session of its own too, so that however this run ends, runserver and its reloader's
        # child are stopped together (process_group_stop), never one left holding the port.
        site = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "runserver", f"{args.host}:{args.port}"],
                                env=env, cwd=ROOT, start_new_session=True)
        return site.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        _stopping_ignore_signals()
        if site is not None:
            process_group_stop(site, timeout=10)
        if worker is not None:
            worker_stop(worker)
        if emulator is not None:
            emulator.stop()


if __name__ == "__main__":
    raise SystemExit(main())
