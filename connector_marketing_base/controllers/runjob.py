# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The connector's jobs survive a database connection dropped under them.

queue_job retries a job whose transaction hit a concurrency error (deadlock,
serialization failure) but stores any other ``OperationalError`` as a
failure. A connection PostgreSQL drops in the middle of a job (a failover or
restart, an idle-session killer, ``pg_terminate_backend``) is not the job's
fault, and nothing of its transaction was committed: the job is postponed,
as after a rate limit, instead of failing with its records unsent until
someone requeues it by hand (the fault suite's ``pg_drop`` found it: a
batch export failed and its 250 contacts never reached the platform).
Only the connector's jobs (channels ``root.marketing.*``) are concerned:
other addons' jobs keep queue_job's own behaviour.
"""

import logging

import psycopg2
from psycopg2 import errors

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError

_logger = logging.getLogger(__name__)

#: the job runs again after this many seconds (a new connection by then)
RETRY_SECONDS = 10
#: SQLSTATEs of a lost server: admin shutdown, crash shutdown, cannot
#: connect now (class 57P), and the whole connection-exception class 08
LOST = (
    errors.AdminShutdown,
    errors.CrashShutdown,
    errors.CannotConnectNow,
    errors.ConnectionException,
    errors.ConnectionFailure,
)


def connection_lost(err, cr):
    """Whether ``err`` says the job's database connection is gone (as
    opposed to a query the database refused)."""
    if isinstance(err, LOST):
        return True
    if isinstance(err, psycopg2.InterfaceError):
        return True  # "connection already closed"
    if not isinstance(err, psycopg2.OperationalError):
        return False
    code = err.pgcode or ""
    if code[:2] == "08" or code[:3] == "57P":
        return True
    # "server closed the connection unexpectedly" carries no SQLSTATE
    connection = getattr(cr, "_cnx", None)
    return not code and bool(connection is None or connection.closed)


class MarketingRunJobController(RunJobController):
    @classmethod
    def _try_perform_job(cls, env, job):
        try:
            return super()._try_perform_job(env, job)
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as err:
            channel = job.channel or ""
            if not channel.startswith("root.marketing.") or not connection_lost(
                err, env.cr
            ):
                raise
            _logger.warning("%s: database connection lost, postponed (%s)", job, err)
            raise RetryableJobError(
                f"Database connection lost during the job, retried: {err}".strip(),
                seconds=RETRY_SECONDS,
            ) from err
