#!/usr/bin/env python3
"""Screenshots of the operator cockpit for the README, driven like a tour.

1. prepares the demo database (``tools/demo.py --no-serve``: a Marketo
   backend against its sandbox, one import and one export run through the
   job queue, a partner with a broken email in the review queue);
2. serves it with Odoo on a free 127.0.0.1 port;
3. logs in as admin in headless Chromium (over the DevTools protocol, with
   ``websocket-client`` as Odoo's own tour runner does) and, for each entry
   of :data:`SHOTS`, opens its URL, clicks its steps, waits for its selector
   and stores ``docs/<name>.png``.

Adding a view to the README is adding an entry to :data:`SHOTS`.

Run from the repository root with the venv python (``make setup`` first)::

    .venv/bin/python tools/screenshots.py [--no-demo] [--only backend_health]
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

import websocket  # websocket-client (test-requirements.txt), as Odoo's tours

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@dataclass
class Shot:
    """One screenshot: open ``url``, click ``clicks`` in turn (each waited
    for), wait for ``ready``, capture the window.

    ``record`` picks the record a ``{id}`` of the URL stands for:
    ``(model, domain, field)``, the first record's ``field`` (a many2one,
    or ``"id"``), read over JSON-RPC as the admin.
    """

    name: str
    url: str
    ready: str
    clicks: list[str] = field(default_factory=list)
    record: tuple | None = None


SHOTS = [
    Shot(
        name="backend_health",
        url="/odoo/action-connector_marketo.action_marketo_backend",
        clicks=[".o_list_view .o_data_row td.o_data_cell"],
        ready=".o_form_view .o_marketing_health .o_marketing_health_chart rect",
    ),
    Shot(
        name="overview",
        url="/odoo/action-connector_marketing_base.action_server_marketing_backend_health",
        ready=".o_kanban_record .o_marketing_health",
    ),
    Shot(
        name="review_queue",
        url="/odoo/action-connector_marketing_base.action_marketing_sync_issue",
        ready=".o_list_view :is(.o_data_row, .o_group_header)",
    ),
    Shot(
        name="partner_marketing",
        url="/odoo/action-base.action_partner_form/{id}",
        record=("marketo.res.partner", [("external_id", "!=", False)], "odoo_id"),
        clicks=["button.o_marketing_partner_button"],
        ready=".modal .o_data_row",
    ),
]

#: browser window, CSS pixels
WINDOW = (1280, 860)
#: seconds to wait for a selector (the first page also builds the web
#: client's assets: a minute or more on a loaded machine)
TIMEOUT = 240


def say(text):
    print(text, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 loopback
                return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def first_value(base, session, record):
    """The id ``Shot.record`` names, read over JSON-RPC."""
    model, domain, field_name = record
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "params": {
                "model": model,
                "method": "search_read",
                "args": [domain, [field_name]],
                "kwargs": {"limit": 1, "order": "id"},
            },
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 loopback
        f"{base}/web/dataset/call_kw",
        data=body,
        headers={"Content-Type": "application/json", "Cookie": f"session_id={session}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        rows = json.load(answer).get("result") or []
    if not rows:
        raise SystemExit(f"no {model} record matches {domain}")
    value = rows[0][field_name]
    return value[0] if isinstance(value, list) else value


def login(base, db, user, password):
    """Odoo's session cookie of ``user``."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "params": {"db": db, "login": user, "password": password},
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 loopback
        f"{base}/web/session/authenticate",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with opener.open(request, timeout=30) as answer:
        result = json.load(answer)
    if result.get("error"):
        raise SystemExit(f"login failed: {result['error']}")
    return next(cookie.value for cookie in jar if cookie.name == "session_id")


class Browser:
    """Just enough of the DevTools protocol: navigate, evaluate, capture."""

    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="cockpit-shots-")
        port = free_port()
        self.proc = subprocess.Popen(  # noqa: S603 a fixed argument list
            [
                executable,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={port}",
                "--remote-allow-origins=*",
                f"--user-data-dir={self.profile}",
                f"--window-size={WINDOW[0]},{WINDOW[1]}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_http(f"http://127.0.0.1:{port}/json/version", timeout=30)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/json/list", timeout=10
        ) as answer:
            page = next(t for t in json.load(answer) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"])
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, selector):
        test = f"!!document.querySelector({json.dumps(selector)})"
        deadline = time.monotonic() + TIMEOUT
        while not self.evaluate(test):
            if time.monotonic() > deadline:
                raise SystemExit(f"not found within {TIMEOUT} s: {selector}")
            time.sleep(0.25)

    def click(self, selector):
        self.wait_for(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def shoot(self, shot, base, path, url=None):
        self.send("Page.navigate", url=base + (url or shot.url))
        for selector in shot.clicks:
            self.click(selector)
        self.wait_for(shot.ready)
        time.sleep(1.0)  # animations, late images
        # notifications of the moment (e.g. "the page is out of date" once the
        # first page built the assets) say nothing about the view shown
        self.evaluate(
            "document.querySelectorAll('.o_notification').forEach(n => n.remove())"
        )
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="tools/screenshots.py")
    parser.add_argument("--config", default=str(ROOT / ".local" / "odoo.conf"))
    parser.add_argument("--db", default="marketing_demo")
    parser.add_argument("--no-demo", action="store_true", help="DB already prepared")
    parser.add_argument("--only", action="append", help="shot names (default all)")
    parser.add_argument("--browser", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--odoo-bin", default="/opt/odoo18/odoo-bin")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not args.no_demo:
        say("preparing the demo database (tools/demo.py --no-serve) ...")
        subprocess.run(  # noqa: S603 the venv python and our own script
            [sys.executable, str(ROOT / "tools" / "demo.py"), "--no-serve"]
            + ["--config", args.config, "--db", args.db],
            check=True,
        )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 a fixed argument list
        [
            sys.executable,
            args.odoo_bin,
            "-c",
            args.config,
            "-d",
            args.db,
            "--db-filter",
            f"^{args.db}$",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(port),
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--log-level",
            "warn",
        ],
        cwd=ROOT,
    )
    browser = None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/web/login")
        session = login(base, args.db, "admin", "admin")
        browser = Browser(args.browser)
        browser.send(
            "Network.setCookie",
            name="session_id",
            value=session,
            domain="127.0.0.1",
            path="/",
        )
        DOCS.mkdir(exist_ok=True)
        for shot in SHOTS:
            if args.only and shot.name not in args.only:
                continue
            path = DOCS / f"{shot.name}.png"
            url = None
            if shot.record:
                url = shot.url.format(id=first_value(base, session, shot.record))
            browser.shoot(shot, base, path, url=url)
            say(f"  {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")
    finally:
        if browser:
            browser.close()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
