"""The patterns a provider adapter declares instead of writing: error
lists, rate-limit statuses, link paging, id chunks, field definitions and
result shapes (the base adapter, driven through the demo provider)."""

import json

import requests

from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    RateLimited,
)

from .common import BACKEND_MODEL, MarketingCase


def answer(status, body=None, headers=None):
    """A ``requests.Response`` as a provider would send it."""
    response = requests.Response()
    response.status_code = status
    response._content = b"" if body is None else json.dumps(body).encode()
    response.headers.update({"Content-Type": "application/json", **(headers or {})})
    return response


class TestAdapterPatterns(MarketingCase):
    def adapter(self, **declarations):
        """The demo adapter with some declarations of another provider."""
        adapter = self.component("backend.adapter", model=BACKEND_MODEL)
        for name, value in declarations.items():
            setattr(adapter, name, value)
        return adapter

    def test_an_error_list_is_read_entry_by_entry(self):
        adapter = self.adapter(error_list_key="errors", error_text_keys=("title",))
        body = {"errors": [{"title": "Email invalid"}, {"title": "Name too long"}]}
        self.assertEqual(
            adapter._error_message(answer(422, body)), "Email invalid; Name too long"
        )
        # a body that is itself the list (Constant Contact's shape)
        adapter = self.adapter(error_text_keys=("error_message", "error_key"))
        body = [{"error_key": "a"}, {"error_message": "b"}, "not an error"]
        self.assertEqual(adapter._error_message(answer(400, body)), "a; b")

    def test_a_body_without_a_list_is_one_error(self):
        adapter = self.adapter(error_list_key="errors")
        self.assertEqual(
            adapter._error_message(answer(400, {"message": "No such list"})),
            "No such list",
        )
        self.assertEqual(
            adapter._error_message(answer(400, {"detail": 1})), "{'detail': 1}"
        )

    def test_declared_rate_limit_statuses_and_wait(self):
        adapter = self.adapter(rate_limit_statuses=(503,), rate_limit_wait=2.0)
        with self.assertRaises(RateLimited) as caught:
            adapter._classify(answer(503, {"message": "slow down"}))
        self.assertEqual(caught.exception.retry_after, 2.0)
        self.assertTrue(caught.exception.maybe_applied, "a 5xx proves nothing")
        with self.assertRaises(RateLimited) as caught:
            adapter._classify(answer(429, {}, headers={"Retry-After": "7"}))
        self.assertEqual(caught.exception.retry_after, 7.0, "the header wins")
        self.assertFalse(caught.exception.maybe_applied)

    def test_a_request_too_large_is_bad_data_in_our_words(self):
        with self.assertRaises(BadDataError) as caught:
            self.adapter()._classify(answer(414, {"message": "<html>"}))
        self.assertEqual(caught.exception.code, "http_414")
        self.assertIn("request size", str(caught.exception))

    def test_link_paging_follows_the_next_links(self):
        pages = {
            "/items": {
                "items": [1, 2],
                "_links": {"next": {"href": "/v3/items?cursor=b"}},
            },
            "/items?cursor=b": {"items": [3], "_links": {}},
        }
        calls = []

        def call(method, path, params=None):
            calls.append((path, params))
            return pages[path]

        adapter = self.adapter(next_link_path=("_links", "next", "href"))
        adapter._call = call
        adapter._base_url = lambda: "https://api.example.com/v3"
        self.assertEqual(
            adapter._linked_all("items", "/items", {"limit": 2}), [1, 2, 3]
        )
        self.assertEqual(calls, [("/items", {"limit": 2}), ("/items?cursor=b", None)])

    def test_ids_are_sent_as_text_in_chunks(self):
        self.assertEqual(
            list(self.adapter()._chunks([1, "2", 3], 2)), [["1", "2"], ["3"]]
        )
        self.assertEqual(list(self.adapter()._chunks([], 2)), [])

    def test_field_definitions_are_read_through_the_declared_keys(self):
        adapter = self.adapter(
            field_definition_keys={
                "remote_id": "id",
                "label": "title",
                "key": "perstag",
                "field_type": "type",
                "options": "choices",
            },
            multiple_field_types=("checkbox",),
        )
        adapter._custom_field_records = lambda: [
            {"id": 7, "title": "Colours", "perstag": "COL", "type": "checkbox",
             "choices": ["red", "blue"]},
            {"id": 8, "title": "Notes", "perstag": "NOTES", "type": "text"},
        ]  # fmt: skip
        self.assertEqual(
            adapter.list_fields(),
            [
                {
                    "remote_id": "7",
                    "label": "Colours",
                    "key": "COL",
                    "field_type": "checkbox",
                    "options": ["red", "blue"],
                    "multiple": True,
                },
                {
                    "remote_id": "8",
                    "label": "Notes",
                    "key": "NOTES",
                    "field_type": "text",
                    "options": None,
                    "multiple": False,
                },
            ],
        )

    def test_result_shapes(self):
        adapter = self.adapter()
        self.assertEqual(
            adapter._saved("created", "42"), {"status": "created", "external_id": "42"}
        )
        self.assertEqual(
            adapter._refused("invalid", "No", email="a@example.com"),
            {
                "status": "error",
                "code": "invalid",
                "message": "No",
                "email": "a@example.com",
            },
        )
