#!/usr/bin/env bash
# The tests under Odoo's own runner, as OCA's CI runs them: each addon of the
# repository installed ALONE in a fresh database with
#   odoo -i <addon> --test-enable --stop-after-init
# (at_install and post_install tests, the HTTP server on a free loopback
# port for the HttpCase tests), one database after the other, each dropped
# when done.  Its log goes to .local/reports/odoo-<addon>.log and Odoo's exit
# code to odoo-<addon>.rc; tools/runner_counts.py compares the counts with
# pytest-odoo's (tools/test.sh prints the table).
#
# Like OCA's CI, an addon's dependencies are installed first without tests,
# then the addon itself with them.  To keep this quick, the dependencies
# every addon shares are installed once into template databases that each
# fresh database is copied from (with its filestore):
#   <db>_deps: the dependencies of connector_marketing_base, web assets built
#              (Odoo builds them before running HttpCase tests: minutes);
#   <db>_base: that plus connector_marketing_base.
#   tools/odoo_runner.sh [addon ...]   (default: every addon of the repository)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
# shellcheck disable=SC1090
. "$ODOO_ENV"
reports="$LOCAL/reports"
mkdir -p "$reports"
rm -f "$reports"/odoo-*.log "$reports"/odoo-*.rc
BASE_ADDON=connector_marketing_base
prefix="${TEST_DB}_runner"
filestore="$LOCAL/data/filestore"

# "a,b,c" of an addon's manifest "depends"
manifest_depends() {
    local dir
    for dir in "$ROOT/$1" "$ROOT/tests/addons/$1"; do
        [ -f "$dir/__manifest__.py" ] || continue
        "$PY" -c 'import ast, sys; print(",".join(ast.literal_eval(open(sys.argv[1]).read()).get("depends", [])))' \
            "$dir/__manifest__.py"
        return
    done
}

drop_db() {
    psql_pg -d postgres -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "${filestore:?}/$1"
}

copy_db() {
    drop_db "$2"
    psql_pg -d postgres -qc "CREATE DATABASE \"$2\" OWNER odoo TEMPLATE \"$1\"" || return 1
    if [ -d "$filestore/$1" ]; then cp -a "$filestore/$1" "$filestore/$2"; fi
}

installed() {
    psql_pg -d "$1" -tAc "SELECT name FROM ir_module_module WHERE state = 'installed'"
}

# install without tests; its log only shown when it fails
install_quiet() {
    local db="$1" modules="$2" log
    log="$(mktemp)"
    if ! odoo_cmd -d "$db" -i "$modules" --stop-after-init --no-http >"$log" 2>&1; then
        tail -n 40 "$log"
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

odoo_shell() {
    if [ "$ODOO_MODE" = src ]; then
        "$PY" "$ODOO_SRC/odoo-bin" shell -c "$ODOO_CONF" "$@"
    else
        "$PY" -m odoo shell -c "$ODOO_CONF" "$@"
    fi
}

drop_all() {
    local db
    for db in $(psql_pg -d postgres -tAc \
        "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}\_%'"); do
        drop_db "$db"
    done
}

build_templates() {
    say "Odoo runner: template databases (dependencies only, no tests)"
    local t0=$SECONDS
    drop_all
    install_quiet "${prefix}_deps" "$(manifest_depends "$BASE_ADDON")" || return 1
    # the assets Odoo builds before HttpCase tests, built once here
    echo 'env["ir.qweb"]._pregenerate_assets_bundles(); env.cr.commit()' \
        | odoo_shell -d "${prefix}_deps" --no-http --log-level=warn >/dev/null || return 1
    copy_db "${prefix}_deps" "${prefix}_base" || return 1
    install_quiet "${prefix}_base" "$BASE_ADDON" || return 1
    echo "    ($((SECONDS - t0)) s)"
}

# Is connector_marketing_base among $1's dependencies (through repo addons)?
needs_base() {
    local dep
    for dep in $(manifest_depends "$1" | tr , ' '); do
        [ "$dep" = "$BASE_ADDON" ] && return 0
        [ -n "$(manifest_depends "$dep")" ] && needs_base "$dep" && return 0
    done
    return 1
}

run_addon() {
    local addon="$1" db="${prefix}_$1" t0=$SECONDS missing dep rc
    local log="$reports/odoo-$addon.log"
    say "Odoo runner: $addon alone in a fresh database ($db)"
    if [ "$addon" = "$BASE_ADDON" ]; then
        copy_db "${prefix}_deps" "$db"
    elif needs_base "$addon"; then
        copy_db "${prefix}_base" "$db"
    else
        drop_db "$db"
    fi || { echo 1 >"$reports/odoo-$addon.rc"; return; }
    # its other dependencies, without tests (a fresh database gets them all)
    missing=()
    for dep in $(manifest_depends "$addon" | tr , ' '); do
        installed "$db" 2>/dev/null | grep -qx "$dep" || missing+=("$dep")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        install_quiet "$db" "$(IFS=,; echo "${missing[*]}")" \
            || { echo 1 >"$reports/odoo-$addon.rc"; drop_db "$db"; return; }
    fi
    odoo_cmd -d "$db" -i "$addon" --test-enable --stop-after-init \
        --http-interface 127.0.0.1 --http-port "$(free_port)" --log-level=test \
        >"$log" 2>&1
    rc=$?
    echo "$rc" >"$reports/odoo-$addon.rc"
    grep -E ' odoo\.tests\.result: .* when loading database |(ERROR|CRITICAL) .*(FAIL|ERROR): ' \
        "$log" | cut -c1-200
    drop_db "$db"
    echo "    ($((SECONDS - t0)) s, exit $rc, log: ${log#"$ROOT"/})"
}

main() {
    local addons=("$@")
    [ "${#addons[@]}" -gt 0 ] || read -r -a addons <<<"$(repo_addons | tr , ' ')"
    pg_start
    if ! build_templates; then
        echo "Odoo runner: the template databases could not be built"
        drop_all
        return 1
    fi
    local addon
    for addon in "${addons[@]}"; do
        run_addon "$addon"
    done
    drop_all
}

main "$@"
