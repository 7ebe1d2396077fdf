"""Counts of the two test runners, per addon, side by side.

pytest-odoo runs every addon's tests in one database; Odoo's own runner (how
OCA's CI and Odoo developers run them) installs each addon alone in a fresh
database with ``--test-enable``.  A test that only one of them runs, or that
passes under one only, is a test nobody can trust: ``make test`` fails on any
difference.

    runner_counts.py odoo-log FILE          counts of one Odoo log, as JSON
    runner_counts.py table TIER2_XML DIR    the table; exit 1 unless they agree

``DIR`` holds ``odoo-<addon>.log`` and ``odoo-<addon>.rc`` (Odoo's exit code)
for each addon run by ``tools/odoo_runner.sh``.
"""

import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

# odoo/tests/result.py (OdooTestResult.__str__) and odoo/service/server.py
# (ThreadedServer.run at --stop-after-init): the whole database's report,
# at_install and post_install tests together
FINAL_LINE = re.compile(
    r" odoo\.tests\.result: (?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) "
    r"of (?P<total>\d+) tests when loading database "
)
# OdooTestResult.addSkip: "skipped <test> : <reason>", logged by the test's module
SKIP_LINE = re.compile(r"^\S+ \S+ \d+ INFO \S+ \S+: skipped ")
# a test addon's tests module within a dotted name (pytest's JUnit classname
# "connector_marketo.tests.test_sync.TestMarketoSync" or
# "tests.addons.test_connector_marketing_base.tests.test_x.TestX")
LAST_TESTS = re.compile(r"(?:^|\.)(?P<addon>\w+)\.tests\.(?!.*\.tests\.)")


def odoo_log_counts(text):
    """``{"total", "failed", "errors", "skipped", "finished"}`` of a log.

    ``finished`` is False when Odoo never printed its final report (the
    install itself failed, or the process died): the counts are then zero.
    """
    # the last report wins (one database per log anyway)
    match = ([None, *FINAL_LINE.finditer(text)])[-1]
    counts = {"total": 0, "failed": 0, "errors": 0, "finished": match is not None}
    if match:
        counts.update({key: int(value) for key, value in match.groupdict().items()})
    counts["skipped"] = sum(1 for line in text.splitlines() if SKIP_LINE.match(line))
    return counts


def pytest_counts_by_addon(xml_path):
    """``{addon: {"total", "failed", "skipped"}}`` of a pytest JUnit report."""
    # our own pytest's report, not outside input
    root = ET.parse(xml_path).getroot()  # noqa: S314
    by_addon = {}
    for case in root.iter("testcase"):
        match = LAST_TESTS.search(case.get("classname", ""))
        addon = match["addon"] if match else "?"
        counts = by_addon.setdefault(addon, {"total": 0, "failed": 0, "skipped": 0})
        counts["total"] += 1
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
    return by_addon


def _pytest_cell(counts):
    if counts is None:
        return "0 tests"
    cell = f"{counts['total']} tests"
    if counts["failed"]:
        cell += f", {counts['failed']} FAILED"
    if counts["skipped"]:
        cell += f", {counts['skipped']} skipped"
    return cell


def _odoo_cell(counts, rc):
    if not counts["finished"]:
        return f"DID NOT FINISH (exit {rc})"
    cell = f"{counts['total']} tests"
    bad = counts["failed"] + counts["errors"]
    if bad:
        cell += f", {counts['failed']} FAILED, {counts['errors']} ERRORS"
    if counts["skipped"]:
        cell += f", {counts['skipped']} skipped"
    if rc not in ("0", "") and not bad:
        cell += f" (exit {rc})"
    return cell


def compare(pytest_by_addon, odoo_by_addon):
    """Table rows ``(addon, pytest cell, odoo cell, verdict)``, and whether
    both runners ran the same number of tests per addon, all passing."""
    rows, ok = [], True
    for addon, (odoo, rc) in sorted(odoo_by_addon.items()):
        mine = pytest_by_addon.get(addon)
        problems = []
        if mine and mine["failed"]:
            problems.append("pytest failed")
        if not odoo["finished"] or odoo["failed"] or odoo["errors"] or rc != "0":
            problems.append("Odoo runner failed")
        if (mine["total"] if mine else 0) != odoo["total"]:
            problems.append("COUNTS DIFFER")
        ok = ok and not problems
        rows.append(
            (
                addon,
                _pytest_cell(mine),
                _odoo_cell(odoo, rc),
                ", ".join(problems) or "ok",
            )
        )
    for addon in sorted(set(pytest_by_addon) - set(odoo_by_addon)):
        ok = False
        cell = _pytest_cell(pytest_by_addon[addon])
        rows.append((addon, cell, "NOT RUN", "COUNTS DIFFER"))
    return rows, ok


def render(rows):
    header = ("addon", "pytest-odoo", "Odoo runner", "verdict")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = []
    for row in [header, *rows]:
        cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        lines.append(" | ".join(cells).rstrip())
        if row is header:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _odoo_runs(directory):
    runs = {}
    for log in sorted(pathlib.Path(directory).glob("odoo-*.log")):
        addon = log.stem[len("odoo-") :]
        rc_file = log.with_suffix(".rc")
        rc = rc_file.read_text().strip() if rc_file.exists() else "?"
        runs[addon] = (odoo_log_counts(log.read_text(errors="replace")), rc)
    return runs


def main(argv):
    if len(argv) == 2 and argv[0] == "odoo-log":
        print(json.dumps(odoo_log_counts(pathlib.Path(argv[1]).read_text())))
        return 0
    if len(argv) == 3 and argv[0] == "table":
        xml_path = pathlib.Path(argv[1])
        mine = pytest_counts_by_addon(xml_path) if xml_path.exists() else {}
        rows, ok = compare(mine, _odoo_runs(argv[2]))
        print(render(rows))
        return 0 if ok and rows else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
