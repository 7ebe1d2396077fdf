"""Providers of ``make demo`` (``tools/demo.py --provider <name>``).

Why it exists: the demo's run is the same for every marketing platform
(start its sandbox, install its addon, configure a backend pointing at the
sandbox, import and export through the job queue, show the review queue,
serve Odoo); only a few facts differ. Each provider states them in a module
of this package, ``<name>.py``, holding ``PROVIDER = <DemoProvider
subclass>()``; ``tools/demo.py`` finds it by name, so adding a provider to
the demo is adding one file here, without touching the demo itself.
"""

from __future__ import annotations

import importlib
import pkgutil


class DemoProvider:
    """What ``tools/demo.py`` needs to know about one provider.

    Class attributes describe it; override the methods where the generic
    behaviour does not fit (e.g. :meth:`describe_binding` to show a score).
    """

    #: ``--provider`` value (the module's name)
    name = ""
    #: shown in headings ("Marketo")
    label = ""
    #: the addon installed in the demo database
    addon = ""
    #: the concrete backend and partner binding models
    backend_model = ""
    binding_model = ""
    #: emulator for :func:`tests.bench.harness.emulator_class` (a module name
    #: under tests/sandbox, or ``package.module:Class``)
    emulator = ""
    #: the emulator's attribute holding its contacts (a ``RecordStore``)
    records_attribute = "contacts"
    #: what the provider calls a contact ("lead", "contact")
    record_noun = "contact"
    #: the emulator's stats counters of created / updated contacts (``None``:
    #: it does not count them)
    created_counter: str | None = None
    updated_counter: str | None = None
    #: one line on the sandbox's limits
    limits = ""
    #: where to look in the web client
    menu = "Connectors > Marketing > Backends"

    def backend_values(self, sandbox_url: str) -> dict:
        """Values of the demo backend pointing at the sandbox (without
        ``name``); also printed, so no secret of a real account here."""
        raise NotImplementedError

    def describe_backend(self, sandbox_url: str) -> str:
        """One line saying how the backend reaches the sandbox."""
        return f"API {sandbox_url}"

    def seed(self, emulator, count: int) -> None:
        emulator.seed(count)

    def records(self, emulator):
        """The emulator's contact store (``id → record``)."""
        return getattr(emulator, self.records_attribute)

    def first_email(self, emulator) -> str | None:
        for record in self.records(emulator).values():
            if record.get("email"):
                return record["email"]
        return None

    def connect(self, env, backend, emulator) -> list[str]:
        """Hook run once the backend exists: authorize it against the
        sandbox where the provider needs a person to (OAuth2 code flow).
        Returns notes for the backend line."""
        return []

    def describe_binding(self, binding) -> str:
        """Extra words on an imported partner's binding in the summary."""
        return ""


def available() -> list[str]:
    """Names of the providers this package holds."""
    return sorted(
        info.name for info in pkgutil.iter_modules(__path__) if not info.ispkg
    )


def load(name: str) -> DemoProvider:
    """The provider called ``name``; ``LookupError`` naming the known ones."""
    if name not in available():
        raise LookupError(
            f"no demo provider {name!r} (known: {', '.join(available())})"
        )
    return importlib.import_module(f"{__name__}.{name}").PROVIDER
