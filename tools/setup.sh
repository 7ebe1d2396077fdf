#!/usr/bin/env bash
# Set everything up from a fresh clone; safe to run again.
#   virtualenv .venv with pinned dependencies, Odoo 18 found (never fetched),
#   PostgreSQL cluster in .local/pg on a free loopback port, .local/odoo.conf,
#   test database with every addon of the repository installed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
start=$SECONDS
mkdir -p "$LOCAL"

find_odoo
cat >"$ODOO_ENV" <<ENV
ODOO_MODE=$ODOO_MODE
ODOO_SRC=$ODOO_SRC
ENV

say "Python environment (.venv)"
if [ ! -x "$PY" ]; then
    # an Odoo installed in the system python is reused, not copied
    flags=()
    [ "$ODOO_MODE" = installed ] && flags=(--system-site-packages)
    python3 -m venv "${flags[@]}" "$VENV"
fi
"$PY" -m pip install -q --upgrade pip
constraints="$LOCAL/odoo-constraints.txt"
if [ "$ODOO_MODE" = src ]; then
    # Odoo's pins win over what the OCA wheels would pull (lxml, Werkzeug,
    # requests, urllib3, docutils). python-ldap needs system headers and only
    # serves the auth_ldap addon: left out.
    grep -v -i '^python-ldap' "$ODOO_SRC/requirements.txt" >"$constraints"
    # old sdists in Odoo's list still import pkg_resources in their setup.py
    echo 'setuptools<80' >"$LOCAL/build-constraints.txt"
    PIP_CONSTRAINT="$LOCAL/build-constraints.txt" \
        "$PY" -m pip install -q -r "$constraints"
    "$PY" -m pip install -q lxml_html_clean -c "$constraints"
    echo "$ODOO_SRC" >"$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/odoo-src.pth"
else
    : >"$constraints"
fi
"$PY" -m pip install -q -r requirements.txt -r test-requirements.txt -c "$constraints"
"$PY" -m pip install -q --no-deps -r oca-requirements.txt

if [ "$ODOO_MODE" = none ]; then
    loud "NO ODOO 18 FOUND: tier 2 (tests inside Odoo) will be SKIPPED." \
         "Looked at: \$ODOO_SRC, 'import odoo' in python3, $DEFAULT_ODOO_SRC." \
         "Set ODOO_SRC=/path/to/odoo-18-source and run 'make setup' again."
    echo "Set-up for tier 1 done in $((SECONDS - start)) s."
    exit 0
fi
echo "Odoo 18: $ODOO_MODE ${ODOO_SRC:-(importable)}"

say "PostgreSQL cluster (.local/pg)"
if [ ! -f "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDIR" "$PGRUN"
    [ "$(id -u)" = 0 ] && chown -R postgres "$PGDIR"
    # a throw-away cluster on loopback only: trust authentication is enough
    as_pg_user "$(pg_bin)/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
    free_port >"$PGDIR/port"
fi
pg_start
port="$(pg_port)"
as_pg_user "$(pg_bin)/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
    "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1 \
    || as_pg_user "$(pg_bin)/psql" -h 127.0.0.1 -p "$port" -U postgres -qc \
        "CREATE ROLE odoo LOGIN CREATEDB SUPERUSER"
echo "PostgreSQL on 127.0.0.1:$port"

say "Odoo configuration (.local/odoo.conf)"
if [ "$ODOO_MODE" = src ]; then
    odoo_paths="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
else
    odoo_paths="$("$PY" -c 'import odoo.addons as a; print(",".join(a.__path__))')"
fi
http_port="$(grep -s '^http_port' "$ODOO_CONF" | awk '{print $3}' || true)"
cat >"$ODOO_CONF" <<CONF
[options]
db_host = 127.0.0.1
db_port = $port
db_user = odoo
db_password = False
addons_path = $odoo_paths,$(oca_addons_dir),$ROOT,$ROOT/tests/addons
data_dir = $LOCAL/data
http_interface = 127.0.0.1
http_port = ${http_port:-$(free_port)}
without_demo = all
log_level = warn
CONF

say "Test database $TEST_DB"
addons="$(repo_addons)"
if as_pg_user "$(pg_bin)/psql" -h 127.0.0.1 -p "$port" -U postgres -lqt \
    | cut -d'|' -f1 | grep -qw "$TEST_DB"; then
    # -i for addons added since the last set-up, -u for code changes
    odoo_cmd -d "$TEST_DB" -i "$addons" -u "$addons" --stop-after-init
else
    odoo_cmd -d "$TEST_DB" -i "$addons" --stop-after-init
fi
echo "Installed: $addons"
echo "Set-up done in $((SECONDS - start)) s."
