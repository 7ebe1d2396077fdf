"""Helpers for the tests of any provider addon."""

from odoo.addons.queue_job.tests.common import trap_jobs


def purge_shared_state(registry, backend_model):
    """Delete the limiter and token rows of ``backend_model``.

    They are written in their own transactions (that is their point), so
    they outlive the test transaction; tests remove them when done.
    """
    with registry.cursor() as cr:
        for table in ("marketing_throttle", "marketing_token"):
            # named rate-limit buckets are rows of "<backend model>/<bucket>"
            cr.execute(
                f"DELETE FROM {table} WHERE backend_model = %s "
                "OR backend_model LIKE %s",
                (backend_model, f"{backend_model}/%"),
            )


def run_jobs(func, *args, **kwargs):
    """Call ``func``, then perform every job it enqueues, transitively."""
    with trap_jobs() as trap:
        result = func(*args, **kwargs)
        while trap.enqueued_jobs:
            trap.perform_enqueued_jobs()
    return result


#: headers, query and form parameters that carry credentials somewhere
SECRET_HEADERS = ("Authorization", "Api-Token")
SECRET_PARAMETERS = (
    "access_token",
    "api_key",
    "client_id",
    "client_secret",
    # OAuth2 token requests (authorization code with PKCE, refresh)
    "refresh_token",
    "code",
    "code_verifier",
)
#: keys of token answers that carry tokens
SECRET_KEYS = ("access_token", "refresh_token", "id_token")


def vcr_recorder(cassette_dir, record_mode="none", **options):
    """vcrpy recorder that keeps credentials out of cassettes.

    Cassettes hold the providers' documented answers (or answers recorded
    from a real account, then committed): credential headers, query and
    form parameters are filtered whatever the provider.  ``options`` go to
    ``vcr.VCR`` (e.g. ``before_record_response`` for token answers).
    """
    import vcr

    settings = {
        "cassette_library_dir": str(cassette_dir),
        "record_mode": record_mode,
        "match_on": ["method", "path", "query"],
        "filter_headers": list(SECRET_HEADERS),
        "filter_query_parameters": list(SECRET_PARAMETERS),
        "filter_post_data_parameters": list(SECRET_PARAMETERS),
        "decode_compressed_response": True,
    }
    settings.update(options)
    return vcr.VCR(**settings)


def scrub_tokens(response):
    """``before_record_response`` for token answers: tokens become FILTERED."""
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
