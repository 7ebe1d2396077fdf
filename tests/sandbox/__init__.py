"""Provider sandboxes: HTTP emulators of the marketing platforms' APIs.

Test fixtures only (never shipped in an addon), standard library only, bound
to 127.0.0.1. ``server`` is the framework (server, routing, stats, control
endpoints), ``limits``, ``faults`` and ``auth`` are its reusable parts, and
each provider emulator (``demo``, ...) is one module built on them. See
``README.rst``.
"""

from .faults import Faults, InjectedFault
from .limits import ManualClock, RateLimiter, Violation
from .server import Emulator, Request, Response, SandboxServer, Stats, route

__all__ = [
    "Emulator",
    "Faults",
    "InjectedFault",
    "ManualClock",
    "RateLimiter",
    "Request",
    "Response",
    "SandboxServer",
    "Stats",
    "Violation",
    "route",
]
