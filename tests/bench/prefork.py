"""Odoo in prefork mode, from the project's environment, as production runs it.

Why it exists: production runs Odoo with ``--workers N``: a master process,
N HTTP worker processes, the evented (gevent) process that serves
``/websocket`` and, with ``queue_job`` server-wide, its job runner in the
master. Nothing of that runs under the tests (one process, threads), so a
broken evented process (``pkg_resources`` unable to find ``zope.interface``
made it crash-loop) or a connector that only holds up in one process goes
unnoticed. :class:`PreforkServer` starts that server on free loopback
ports in its own process group and stops the whole group; the fault suite
(``tests/bench/faults.py``) runs its jobs on it.

``python -m tests.bench.prefork`` is the check ``tools/test.sh`` runs: it
starts ``--workers 2`` on the test database, asks for a ``/websocket``
handshake with an ``Origin`` header on the evented port, expects ``101``,
checks that the evented process is still alive and that the log holds no
``Traceback``, stops the server and prints one line (exit 1 on failure).
It is bounded (``--timeout``, 120 s by default).
"""

from __future__ import annotations

import argparse
import base64
import configparser
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from . import harness
from .harness import ROOT, OdooConf


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_bin() -> str:
    """``odoo-bin`` of the Odoo the venv imports.

    Why not ``python -m odoo``: the master starts the evented process as
    ``sys.executable sys.argv[0] gevent``; under ``-m`` ``argv[0]`` is
    ``odoo/__main__.py``, which cannot run as a script (its relative import
    fails), so the evented process would crash-loop.
    """
    import importlib.util

    spec = importlib.util.find_spec("odoo")
    source = Path(next(iter(spec.submodule_search_locations))).resolve().parent
    candidate = source / "odoo-bin"
    if candidate.is_file():
        return str(candidate)
    raise SystemExit(f"no odoo-bin beside {source}: prefork needs Odoo's script")


def _children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (Linux ``/proc``)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class PreforkServer:
    """``odoo-bin --workers N`` on 127.0.0.1 in its own process group.

    ``queue_job`` (``queue_channels``, e.g. ``"root:4"``) loads queue_job
    server-wide with its job runner in the master, configured in the
    ``[queue_job]`` section of the configuration file written for the run.
    ::

        with PreforkServer(conf, "marketing_test", workers=2) as server:
            server.url, server.gevent_port, server.worker_pids()
    """

    def __init__(
        self,
        conf: OdooConf,
        db: str,
        workers: int = 2,
        queue_channels: str | None = None,
        python: str | None = None,
        log_path: str | Path | None = None,
        limit_time_real: int = 600,
        log_level: str = "info",
    ):
        self.conf = conf
        self.db = db
        self.workers = workers
        self.queue_channels = queue_channels
        self.python = python or harness.default_python()
        run_dir = ROOT / ".local" / "prefork"
        run_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = Path(log_path or run_dir / f"{db}.log")
        self.conf_path = run_dir / f"{db}.conf"
        self.limit_time_real = limit_time_real
        self.log_level = log_level
        self.http_port = self.gevent_port = None
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def _write_conf(self):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.conf.path)
        options = parser["options"]
        self.http_port, self.gevent_port = free_port(), free_port()
        modules = "base,web" + (",queue_job" if self.queue_channels else "")
        options.update(
            {
                "http_interface": "127.0.0.1",
                "http_port": str(self.http_port),
                "gevent_port": str(self.gevent_port),
                "workers": str(self.workers),
                "max_cron_threads": "0",
                "db_name": self.db,
                "dbfilter": f"^{self.db}$",
                "list_db": "False",
                "server_wide_modules": modules,
                "limit_time_cpu": str(self.limit_time_real),
                "limit_time_real": str(self.limit_time_real),
                "logfile": str(self.log_path),
                "log_level": self.log_level,
            }
        )
        if self.queue_channels:
            parser["queue_job"] = {
                "channels": self.queue_channels,
                "scheme": "http",
                "host": "127.0.0.1",
                "port": str(self.http_port),
            }
        with open(self.conf_path, "w", encoding="utf-8") as f:
            parser.write(f)

    def start(self, timeout: float = 120.0):
        self._write_conf()
        with contextlib.suppress(FileNotFoundError):
            self.log_path.unlink()
        self.process = subprocess.Popen(
            [self.python, odoo_bin(), "-c", str(self.conf_path)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_path.with_suffix(".stderr"), "w"),  # noqa: SIM115
            start_new_session=True,  # its own process group: stopped whole
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Odoo prefork exited ({self.process.returncode}): "
                    f"{self.log_tail()}"
                )
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/web/health", timeout=5) as r:
                    if r.status == 200:
                        return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo prefork not ready in {timeout} s: {self.log_tail()}")

    def log_text(self) -> str:
        text = ""
        for path in (self.log_path, self.log_path.with_suffix(".stderr")):
            with contextlib.suppress(OSError):
                text += path.read_text(errors="replace")
        return text

    def log_tail(self, chars=3000) -> str:
        return self.log_text()[-chars:]

    # -- processes -----------------------------------------------------
    def child_pids(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def gevent_pid(self) -> int | None:
        for pid in self.child_pids():
            if " gevent " in f" {_cmdline(pid)} ":
                return pid
        return None

    def worker_pids(self) -> list[int]:
        """The HTTP workers (the jobs run in them)."""
        gevent = self.gevent_pid()
        return [pid for pid in self.child_pids() if pid != gevent]

    def stop(self, timeout: float = 30.0):
        """SIGTERM to the process group, SIGKILL what is left after
        ``timeout``; only this server's group."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # workers may outlive it
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def websocket_handshake(port: int, origin: str, timeout: float = 30.0) -> str:
    """The status line of a ``/websocket`` upgrade request, as a browser
    sends it (``Origin`` included)."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(1024)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode(errors="replace")


def check(conf: OdooConf, db: str, timeout: float = 120.0) -> tuple[bool, str]:
    """Start ``--workers 2``, handshake on ``/websocket``; ``(ok, why)``."""
    start = time.monotonic()
    server = PreforkServer(conf, db, workers=2, log_level="info")
    try:
        server.start(timeout=timeout)
        status = ""
        deadline = start + timeout
        # the evented process starts beside the workers: give it a moment
        while time.monotonic() < deadline:
            try:
                status = websocket_handshake(server.gevent_port, server.url, 10)
            except OSError as err:
                status = f"no answer ({err})"
            if status.startswith("HTTP/1.1 101"):
                break
            time.sleep(1)
        time.sleep(2)  # a crash-looping evented process dies within this
        gevent = server.gevent_pid()
        log = server.log_text()
        problems = []
        if not status.startswith("HTTP/1.1 101"):
            problems.append(f"/websocket answered {status!r}, not 101")
        if gevent is None:
            problems.append("no evented (gevent) process is running")
        if "Traceback" in log:
            problems.append("the log holds a Traceback")
        if problems:
            return False, "; ".join(problems) + f"\n--- log tail ---\n{log[-3000:]}"
        return True, (
            f"/websocket: {status.split(' ', 1)[1]}, evented process {gevent} "
            f"alive, {len(server.worker_pids())} workers, no Traceback "
            f"({time.monotonic() - start:.0f} s)"
        )
    except RuntimeError as err:
        return False, str(err)
    finally:
        server.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.prefork")
    parser.add_argument("--config", default=harness.default_conf())
    parser.add_argument("--db", default=os.environ.get("TEST_DB", "marketing_test"))
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    ok, why = check(OdooConf(args.config), args.db, args.timeout)
    print(f"PREFORK: {'OK' if ok else 'FAILED'}: {why}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
