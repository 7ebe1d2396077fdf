"""Helpers for the tests of any provider addon."""

from odoo.addons.queue_job.tests.common import trap_jobs


def purge_shared_state(registry, backend_model):
    """Delete the limiter and token rows of ``backend_model``.

    They are written in their own transactions (that is their point), so
    they outlive the test transaction; tests remove them when done.
    """
    with registry.cursor() as cr:
        for table in ("marketing_throttle", "marketing_token"):
            cr.execute(
                f"DELETE FROM {table} WHERE backend_model = %s",
                (backend_model,),
            )


def run_jobs(func, *args, **kwargs):
    """Call ``func``, then perform every job it enqueues, transitively."""
    with trap_jobs() as trap:
        result = func(*args, **kwargs)
        while trap.enqueued_jobs:
            trap.perform_enqueued_jobs()
    return result
