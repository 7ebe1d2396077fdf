#!/usr/bin/env bash
# Run every test: tier 1 (anywhere), tier 2 (inside Odoo 18 + PostgreSQL),
# then the pre-commit checks.  Prints one summary; exits non-zero if anything
# failed.  A tier that could not run is reported as SKIPPED, never as passed.
#   PYTEST_ARGS="-k webhook"  extra pytest arguments for both tiers
#   SKIP_PRECOMMIT=1          skip the pre-commit checks (CI never sets it)
#   TEST_DB=name              another database than marketing_test
#   REQUIRE_TIER2=1           a skipped tier 2 fails the run (.ci/run sets it:
#                             CI's machine has Odoo, losing it must not go green)
#   ODOO_RUNNER=0             skip the pass under Odoo's own runner
#                             (tools/odoo_runner.sh; make quicktest sets it)
# No `set -e`: a failing tier must not stop the others, every step records
# its failure in $status instead.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
[ -x "$PY" ] || { echo "Run 'make setup' first."; exit 2; }
reports="$LOCAL/reports"
mkdir -p "$reports"
rm -f "$reports"/*.xml
status=0
start=$SECONDS
read -r -a extra <<<"${PYTEST_ARGS:-}"

# "12 passed, 0 failed, 1 skipped" from a JUnit report
counts() {
    "$PY" - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
suites = ET.parse(sys.argv[1]).getroot()
suites = [suites] if suites.tag == "testsuite" else list(suites)
total = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(f"{total - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY
}
report() { [ -f "$1" ] && counts "$1" || echo "DID NOT RUN"; }

# how many tests of a JUnit report Odoo skipped for want of a browser (no
# Chrome/Chromium, or no websocket-client to drive it): the tours
browser_skips() {
    [ -f "$1" ] || { echo 0; return; }
    "$PY" - "$1" <<'PY'
import re, sys, xml.etree.ElementTree as ET
skips = ET.parse(sys.argv[1]).getroot().iter("skipped")
pattern = re.compile(r"chrom|websocket", re.IGNORECASE)
print(sum(1 for s in skips if pattern.search(s.get("message", "") + (s.text or ""))))
PY
}
tours_skipped=0

# pytest, recording a failure in $status. Exit code 5 (no test collected) is
# a failure too, unless PYTEST_ARGS selects tests (-k ...): then a tier may
# well have none.
run_pytest() {
    "$PY" -m pytest "$@" "${extra[@]}"
    local rc=$?
    if [ "$rc" = 5 ] && [ "${#extra[@]}" -gt 0 ]; then
        rc=0
    fi
    [ "$rc" = 0 ] || status=1
}

say "Tier 1: sandboxes and pure helpers (no Odoo)"
t1=$SECONDS
# -p no:odoo: pytest-odoo would load Odoo; tier 1 must run without it
run_pytest -p no:odoo -p no:cacheprovider --rootdir "$ROOT" -q tests/tier1 \
    --junitxml="$reports/tier1.xml"
tier1="$(report "$reports/tier1.xml") ($((SECONDS - t1)) s)"

# shellcheck disable=SC1090
. "$ODOO_ENV" 2>/dev/null || ODOO_MODE=none
skipped2=0
if [ "${ODOO_MODE:-none}" = none ]; then
    tier2="SKIPPED: no Odoo 18 was found by 'make setup' (set ODOO_SRC=/path/to/odoo-18-source and rerun it)"
    skipped2=1
else
    say "Tier 2: inside Odoo 18"
    t2=$SECONDS
    # a new session or a fresh CI machine has no running cluster
    pg_start
    addons="$(repo_addons)"
    addons="${addons:-queue_job,component,component_event,connector}"
    # the database follows the code: create it if it is gone, install new
    # addons, update the others
    update=ok
    install_addons "$addons" || { update=FAILED; status=1; }
    dirs=()
    for addon in ${addons//,/ }; do
        for base in "$ROOT" "$ROOT/tests/addons"; do
            [ -d "$base/$addon/tests" ] && dirs+=("$base/$addon/tests")
        done
    done
    if [ "${#dirs[@]}" = 0 ]; then
        tier2="no addon has tests yet"
    else
        # from the repository root (Odoo's odoo/_monkeypatches/email.py would
        # shadow the standard library from inside the odoo folder); the root
        # conftest.py serves the HttpCase tests
        run_pytest -p no:cacheprovider --rootdir "$ROOT" -q \
            --odoo-config "$ODOO_CONF" --odoo-database "$TEST_DB" --odoo-http \
            "${dirs[@]}" --junitxml="$reports/tier2.xml"
        tier2="$(report "$reports/tier2.xml")"
        tours_skipped="$(browser_skips "$reports/tier2.xml")"
    fi
    tier2="$tier2 ($((SECONDS - t2)) s)"
    [ "$update" = ok ] || tier2="$tier2; INSTALL/UPDATE OF THE ADDONS FAILED"
fi

# prefork mode from this environment: --workers 2 on free loopback ports,
# a /websocket handshake answered 101 by the evented process, no Traceback
# (tests/bench/prefork.py; bounded, stops the server's process group)
if [ "$skipped2" = 1 ]; then
    prefork="SKIPPED (no Odoo 18)"
else
    say "Prefork: --workers 2 and its evented /websocket process"
    if prefork="$("$PY" -m tests.bench.prefork --db "$TEST_DB" --timeout 120)"; then
        :
    else
        status=1
    fi
    echo "$prefork"
    prefork="$(head -n 1 <<<"${prefork#PREFORK: }")"
fi

# the same tests under Odoo's own runner (each addon alone in a fresh
# database, as OCA's CI runs them): the counts must match pytest-odoo's
table=""
if [ "$skipped2" = 1 ]; then
    runner="SKIPPED (no Odoo 18)"
elif [ "${ODOO_RUNNER:-1}" = 0 ]; then
    runner="skipped (ODOO_RUNNER=0)"
elif [ "${#extra[@]}" -gt 0 ]; then
    runner="skipped (PYTEST_ARGS selects tests: the counts cannot match)"
else
    t4=$SECONDS
    "$ROOT/tools/odoo_runner.sh"
    if table="$("$PY" "$ROOT/tools/runner_counts.py" table "$reports/tier2.xml" "$reports")"; then
        runner="same tests as pytest-odoo, all passed"
    else
        runner="FAILED or COUNTS DIFFER (see the table; logs in .local/reports/odoo-*.log)"
        status=1
    fi
    runner="$runner ($((SECONDS - t4)) s)"
fi

if [ "${SKIP_PRECOMMIT:-0}" = 1 ]; then
    checks="skipped (SKIP_PRECOMMIT=1)"
else
    say "pre-commit checks (hooks may fix files in place: review 'git diff')"
    t3=$SECONDS
    # hook environments are cached per user, shared by every clone
    if PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$HOME/.cache/pre-commit}" \
        "$VENV/bin/pre-commit" run --all-files --show-diff-on-failure --color never; then
        checks="passed"
    else
        checks="FAILED"
        status=1
    fi
    checks="$checks ($((SECONDS - t3)) s)"
fi

printf '\n%s\n' "================================ SUMMARY ================================"
echo "TIER 1: $tier1"
if [ "$skipped2" = 1 ]; then
    loud "TIER 2 $tier2"
    [ "${REQUIRE_TIER2:-0}" = 1 ] && { echo "REQUIRE_TIER2=1: a skipped tier 2 is a failure"; status=1; }
else
    echo "TIER 2: $tier2"
fi
echo "PREFORK: $prefork"
if [ "$tours_skipped" != 0 ] || { [ "$skipped2" = 0 ] && [ -z "$(find_browser)" ]; }; then
    loud "TOURS SKIPPED: $tours_skipped browser test(s) did not run (no Chromium/Chrome" \
         "found, or websocket-client missing): the cockpit was NOT tested in a browser"
    browser_howto
fi
echo "ODOO RUNNER: $runner"
[ -z "$table" ] || printf '%s\n' "$table" | sed 's/^/    /'
echo "PRE-COMMIT: $checks"
echo "make test: $((SECONDS - start)) s"
if [ "$status" != 0 ]; then
    echo "RESULT: FAILED"
elif [ "$skipped2" = 1 ]; then
    echo "RESULT: tier 1 OK, TIER 2 NOT RUN"
else
    echo "RESULT: OK"
fi
exit "$status"
