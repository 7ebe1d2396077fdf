"""The fault suite's reconciliation counts (tests/bench/reconcile.py): each
count is shown failing on data made to fail it, and a clean run is 0."""

from tests.bench.reconcile import reconcile, table

EXPECTED = {
    "contacts": ["a@example.com", "b@example.com", "c@example.com"],
    "deals": ["S001 - Ann", "S002 - Bob"],
}
REMOTE = {
    # another run's record and case differences do not count
    "contacts": ["A@example.com", "b@example.com", "c@example.com", "z@example.com"],
    "deals": ["S001 - Ann", "S002 - Bob"],
}
PARTNERS = ["a@example.com", "b@example.com", "c@example.com"]
BINDINGS = [("x.res.partner", 1, "11"), ("x.res.partner", 2, "12"), ("x.deal", 1, "")]


def run(**changes):
    values = {
        "expected": EXPECTED,
        "remote": REMOTE,
        "partner_emails": PARTNERS,
        "bindings": BINDINGS,
        "visible": {},
        "unsettled_jobs": 0,
    }
    values.update(changes)
    return reconcile("prov", "fault", **values)


def test_a_clean_run_counts_nothing():
    result = run()
    assert result.clean
    assert result.expected == 5
    assert result.row() == ["prov", "fault", 5, 0, 0, 0, 0]


def test_a_missing_remote_record_is_lost_and_invisible_without_a_trace():
    remote = dict(REMOTE, contacts=["a@example.com", "b@example.com"])
    result = run(remote=remote)
    assert (result.lost, result.invisible) == (1, 1)
    assert result.details["lost"] == {"contacts": ["c@example.com"]}
    assert not result.clean


def test_a_lost_record_with_a_review_item_or_failed_job_is_visible():
    remote = dict(REMOTE, deals=["S001 - Ann"])
    result = run(remote=remote, visible={"deals": ["S002 - Bob"]})
    assert (result.lost, result.invisible) == (1, 0)
    assert not result.clean, "still lost"


def test_remote_duplicates_count_each_extra_record():
    remote = dict(
        REMOTE, deals=["S001 - Ann", "S001 - Ann", "S001 - Ann", "S002 - Bob"]
    )
    result = run(remote=remote)
    assert result.remote_duplicates == 2
    assert result.lost == 0


def test_duplicate_contacts_by_email_ignore_case():
    remote = dict(REMOTE, contacts=REMOTE["contacts"] + ["B@EXAMPLE.com"])
    assert run(remote=remote).remote_duplicates == 1


def test_local_duplicates_partners_and_bindings():
    assert run(partner_emails=PARTNERS + ["A@example.com "]).local_duplicates == 1
    twice_bound = BINDINGS + [("x.res.partner", 1, False)]
    assert run(bindings=twice_bound).local_duplicates == 1
    one_remote_id_twice = BINDINGS + [("x.res.partner", 3, "11")]
    assert run(bindings=one_remote_id_twice).local_duplicates == 1
    other_model = BINDINGS + [("y.res.partner", 1, "11")]
    assert run(bindings=other_model).local_duplicates == 0


def test_unsettled_jobs_are_invisible_failures():
    result = run(unsettled_jobs=2)
    assert result.invisible == 2
    assert not result.clean


def test_table_lists_every_count():
    text = table([run(), run(unsettled_jobs=3)])
    lines = text.splitlines()
    assert lines[1].split() == [
        "provider",
        "fault",
        "expected",
        "lost",
        "remote",
        "dup.",
        "local",
        "dup.",
        "invisible",
    ]
    assert lines[3].split() == ["prov", "fault", "5", "0", "0", "0", "0"]
    assert lines[4].split() == ["prov", "fault", "5", "0", "0", "0", "3"]
