"""Repository-wide pytest set-up.

Tier 2 (pytest-odoo) and Odoo 18 ``HttpCase``: an ``HttpCase`` talks to a real
HTTP server, ``odoo.service.server.server``, which only exists when someone
starts it. pytest-odoo starts one per session with ``--odoo-http`` and
otherwise *skips* every ``HttpCase`` (the controller and webhook tests), which
a summary would count as skipped rather than failed. So here ``--odoo-http`` is
on by default whenever pytest-odoo runs (``ODOO_HTTP=0`` turns it off), and a
session fixture makes sure the server is really there once Odoo is loaded,
starting one on 127.0.0.1 if pytest-odoo did not.

Tier 1 runs with ``-p no:odoo`` (and maybe with no Odoo installed at all):
nothing here imports Odoo or changes anything then.

pytest loads this file when the repository root is its rootdir: when the
paths given span several folders of the repository (as ``make test`` does), or
with ``--rootdir .``. Otherwise pass ``--odoo-http`` yourself.
"""

import os
import socket

import pytest


def _odoo_active(config):
    """pytest-odoo is loaded (not ``-p no:odoo``) and given an Odoo config."""
    return config.pluginmanager.has_plugin("odoo") and bool(
        getattr(config.option, "odoo_config", None)
    )


def _want_http(config):
    return _odoo_active(config) and os.environ.get("ODOO_HTTP", "1") != "0"


def pytest_configure(config):
    if _want_http(config) and hasattr(config.option, "odoo_http"):
        config.option.odoo_http = True


@pytest.fixture(scope="session", autouse=True)
def odoo_http_server(request):
    """The HTTP server of Odoo 18 ``HttpCase`` tests, started once a session.

    pytest-odoo's ``load_http`` fixture goes first (it starts the server when
    ``--odoo-http`` is on); a server is started here only if it left none.
    """
    if not _want_http(request.config):
        yield None
        return
    try:
        request.getfixturevalue("load_http")
    except pytest.FixtureLookupError:
        pass
    # imported here, not at the top: tier 1 may run where Odoo is absent
    from odoo.service import server  # noqa: PLC0415

    started_here = None if server.server else _start_threaded_server(server)
    yield server.server
    if started_here is not None:
        started_here.stop()
        server.server = None


def _start_threaded_server(server):
    """Odoo's threaded HTTP server on a free loopback port, as ``server.server``."""
    import odoo.http  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    with socket.socket() as sock:  # the configured port may serve a demo
        sock.bind(("127.0.0.1", 0))
        config["http_port"] = sock.getsockname()[1]
    config["http_interface"] = "127.0.0.1"
    server.load_server_wide_modules()
    server.server = server.ThreadedServer(odoo.http.root)
    server.server.http_spawn()
    return server.server
