#!/usr/bin/env bash
# Run every test: tier 1 (anywhere), tier 2 (inside Odoo 18 + PostgreSQL),
# then the pre-commit checks.  Prints one summary; exits non-zero if anything
# failed.  A tier that could not run is reported as SKIPPED, never as passed.
#   PYTEST_ARGS="-k webhook"  extra pytest arguments for both tiers
#   SKIP_PRECOMMIT=1          skip the pre-commit checks (CI never sets it)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
[ -x "$PY" ] || { echo "Run 'make setup' first."; exit 2; }
reports="$LOCAL/reports"
mkdir -p "$reports"
rm -f "$reports"/*.xml
status=0

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

say "Tier 1: sandboxes and pure helpers"
t1=$SECONDS
# shellcheck disable=SC2086
"$PY" -m pytest -p no:odoo -p no:cacheprovider -q tests/tier1 \
    --junitxml="$reports/tier1.xml" ${PYTEST_ARGS:-} || status=1
tier1="$( [ -f "$reports/tier1.xml" ] && counts "$reports/tier1.xml" || echo "did not run")"
tier1="$tier1 ($((SECONDS - t1)) s)"

# shellcheck disable=SC1090
. "$ODOO_ENV" 2>/dev/null || ODOO_MODE=none
if [ "${ODOO_MODE:-none}" = none ]; then
    tier2="SKIPPED: no Odoo 18 was found by 'make setup' (set ODOO_SRC and rerun it)"
    skipped2=1
else
    skipped2=0
    say "Tier 2: inside Odoo 18"
    t2=$SECONDS
    pg_start
    addons="$(repo_addons)"
    # the database follows the code: install new addons, update the others
    odoo_cmd -d "$TEST_DB" -i "$addons" -u "$addons" --stop-after-init || status=1
    dirs=()
    for addon in ${addons//,/ }; do
        for base in "$ROOT" "$ROOT/tests/addons"; do
            [ -d "$base/$addon/tests" ] && dirs+=("$base/$addon/tests")
        done
    done
    # shellcheck disable=SC2086
    "$PY" -m pytest -p no:cacheprovider -q --odoo-config "$ODOO_CONF" \
        --odoo-database "$TEST_DB" --odoo-http "${dirs[@]}" \
        --junitxml="$reports/tier2.xml" ${PYTEST_ARGS:-} || status=1
    tier2="$( [ -f "$reports/tier2.xml" ] && counts "$reports/tier2.xml" || echo "did not run")"
    tier2="$tier2 ($((SECONDS - t2)) s)"
fi

if [ "${SKIP_PRECOMMIT:-0}" = 1 ]; then
    checks="skipped (SKIP_PRECOMMIT=1)"
else
    say "pre-commit checks"
    if PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$HOME/.cache/pre-commit}" \
        "$VENV/bin/pre-commit" run --all-files --show-diff-on-failure; then
        checks="passed"
    else
        checks="FAILED"
        status=1
    fi
fi

printf '\n%s\n' "================================ SUMMARY ================================"
echo "TIER 1: $tier1"
if [ "$skipped2" = 1 ]; then
    loud "TIER 2 $tier2"
else
    echo "TIER 2: $tier2"
fi
echo "PRE-COMMIT: $checks"
[ "$status" = 0 ] && echo "RESULT: OK" || echo "RESULT: FAILED"
exit "$status"
