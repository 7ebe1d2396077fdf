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


#: request fields that carry credentials, in query strings or form bodies
SECRET_PARAMETERS = [
    "access_token",
    "client_id",
    "client_secret",
    "refresh_token",
    "code",
    "code_verifier",
    "api_key",
]
#: response keys that carry tokens
SECRET_KEYS = ("access_token", "refresh_token", "id_token")


def recorder(cassette_dir, record_mode="none"):
    """vcrpy recorder that keeps every secret out of cassettes.

    Credentials travel in headers (``Authorization``, ``Api-Token``), in
    query strings and in form bodies (token requests), and tokens come back
    in token responses: all are filtered, so a cassette re-recorded against
    a real account is safe to commit.
    """
    import vcr

    return vcr.VCR(
        cassette_library_dir=str(cassette_dir),
        record_mode=record_mode,
        match_on=["method", "scheme", "host", "path", "query"],
        filter_headers=["Authorization", "Api-Token"],
        filter_query_parameters=SECRET_PARAMETERS,
        filter_post_data_parameters=SECRET_PARAMETERS,
        before_record_response=_scrub_tokens,
        decode_compressed_response=True,
    )


def _scrub_tokens(response):
    import json

    body = response["body"].get("string") or b""
    text = body.decode() if isinstance(body, bytes) else body
    if any(f'"{key}"' in text for key in SECRET_KEYS):
        data = json.loads(text)
        for key in SECRET_KEYS:
            if key in data:
                data[key] = "FILTERED"
        response["body"]["string"] = json.dumps(data).encode()
    return response
