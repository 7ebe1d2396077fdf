"""The set-up's search for Odoo and the count comparison of the two runners."""

import importlib.util
import os
import pathlib
import subprocess
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLONE = "git clone --depth 1 -b 18.0 https://github.com/odoo/odoo"


def _find_odoo(tmp_path, **env):
    """Run lib.sh's find_odoo with a python3 that has no ``odoo``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    script = textwrap.dedent(
        """
        . tools/lib.sh
        find_odoo
        echo "MODE=$ODOO_MODE"
        if [ "$ODOO_MODE" = none ]; then odoo_howto; fi
        """
    )
    environ = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "ODOO_DEFAULT_SRC": str(tmp_path / "no-odoo-here"),
        **env,
    }
    return subprocess.run(
        ["bash", "-c", script],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_odoo_prints_how_to_get_it(tmp_path):
    done = _find_odoo(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "MODE=none" in done.stdout
    assert f"{CLONE} {tmp_path / 'no-odoo-here'}" in done.stdout
    assert "ODOO_SRC=/path/to/odoo18 make setup" in done.stdout


def test_wrong_odoo_src_is_an_error_with_the_instructions(tmp_path):
    (tmp_path / "odoo" / "odoo").mkdir(parents=True)
    (tmp_path / "odoo" / "odoo" / "release.py").write_text("version_info = (17, 0)\n")
    done = _find_odoo(tmp_path, ODOO_SRC=str(tmp_path / "odoo"))
    assert done.returncode == 1
    assert "is not an Odoo 18 source tree" in done.stdout
    assert CLONE in done.stdout
    assert "MODE=" not in done.stdout


def test_an_odoo_18_source_tree_is_used(tmp_path):
    (tmp_path / "odoo" / "odoo").mkdir(parents=True)
    (tmp_path / "odoo" / "odoo" / "release.py").write_text("version_info = (18, 0)\n")
    done = _find_odoo(tmp_path, ODOO_SRC=str(tmp_path / "odoo"))
    assert done.returncode == 0, done.stderr
    assert "MODE=src" in done.stdout
    assert CLONE not in done.stdout


def _runner_counts():
    spec = importlib.util.spec_from_file_location(
        "runner_counts", ROOT / "tools/runner_counts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# lines as Odoo 18 writes them (odoo/tests/result.py, odoo/service/server.py)
ODOO_LOG = """\
2026-12-03 10:41:55,948 1166 INFO db odoo.addons.x.tests.test_a: Starting TestA.test_one ...
2026-12-03 10:41:56,001 1166 INFO db odoo.addons.x.tests.test_a: skipped TestA.test_two : no key
2026-12-03 10:42:31,858 1166 INFO db odoo.service.server: 12 post-tests in 51.48s, 6124 queries
2026-12-03 10:42:31,859 1166 ERROR db odoo.tests.result: 1 failed, 2 error(s) of 12 tests when loading database 'db'
"""  # noqa: E501


def test_odoo_log_counts():
    counts = _runner_counts().odoo_log_counts(ODOO_LOG)
    assert counts == {
        "total": 12,
        "failed": 1,
        "errors": 2,
        "skipped": 1,
        "finished": True,
    }


def test_an_unfinished_log_is_not_a_pass():
    module = _runner_counts()
    counts = module.odoo_log_counts(ODOO_LOG.splitlines()[0])
    assert counts["finished"] is False
    rows, ok = module.compare(
        {"x": {"total": 0, "failed": 0, "skipped": 0}}, {"x": (counts, "1")}
    )
    assert not ok
    assert "DID NOT FINISH" in rows[0][2]


def test_pytest_counts_by_addon_and_comparison(tmp_path):
    module = _runner_counts()
    xml = tmp_path / "tier2.xml"
    xml.write_text(
        '<testsuites><testsuite tests="4">'
        '<testcase classname="connector_x.tests.test_a.TestA" name="t1"/>'
        '<testcase classname="connector_x.tests.test_a.TestA" name="t2">'
        "<skipped/></testcase>"
        '<testcase classname="tests.addons.test_y.tests.test_b.TestB" name="t3"/>'
        '<testcase classname="tests.addons.test_y.tests.test_b.TestB" name="t4"/>'
        "</testsuite></testsuites>"
    )
    mine = module.pytest_counts_by_addon(xml)
    assert mine == {
        "connector_x": {"total": 2, "failed": 0, "skipped": 1},
        "test_y": {"total": 2, "failed": 0, "skipped": 0},
    }
    same = {"total": 2, "failed": 0, "errors": 0, "skipped": 0, "finished": True}
    rows, ok = module.compare(mine, {"connector_x": (same, "0"), "test_y": (same, "0")})
    assert ok, rows
    fewer = dict(same, total=1)
    rows, ok = module.compare(
        mine, {"connector_x": (same, "0"), "test_y": (fewer, "0")}
    )
    assert not ok
    assert rows[1][3] == "COUNTS DIFFER"
    # an addon pytest ran but Odoo's runner did not
    rows, ok = module.compare(mine, {"connector_x": (same, "0")})
    assert not ok
    assert rows[-1][2] == "NOT RUN"
