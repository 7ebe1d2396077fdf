#!/usr/bin/env bash
# Set everything up from a fresh clone; safe to run again (each step checks
# what is already there):
#   1. find Odoo 18 (never fetched, copied or built: see find_odoo in lib.sh);
#   2. virtualenv .venv with pinned dependencies; Chromium for the tours
#      (apt-get when run as root, else the command to run is printed);
#   3. PostgreSQL cluster in .local/pg on a free loopback port;
#   4. .local/odoo.conf;
#   5. test database with every addon of the repository installed (or updated).
# Without Odoo it stops after step 2, says so loudly and exits 0: tier 1 runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
start=$SECONDS
mkdir -p "$LOCAL"
rm -f "$LOCAL/READY"

# each step prints the time the previous one took
step_start=""
step() {
    [ -z "$step_start" ] || echo "    ($((SECONDS - step_start)) s)"
    step_start=$SECONDS
    say "$*"
}

find_odoo
cat >"$ODOO_ENV" <<ENV
ODOO_MODE=$ODOO_MODE
ODOO_SRC=$ODOO_SRC
ODOO_SITE=$ODOO_SITE
ENV
[ "$ODOO_MODE" = none ] || echo "Odoo 18: $ODOO_MODE ${ODOO_SRC:-}${ODOO_SITE:+ (site-packages $ODOO_SITE)}"

step "Python environment (.venv)"
if [ ! -x "$PY" ]; then
    # an Odoo installed in the system python is reused, not copied
    flags=()
    [ "$ODOO_MODE" = installed ] && [ -z "$ODOO_SITE" ] && flags=(--system-site-packages)
    python3 -m venv "${flags[@]}" "$VENV"
fi
purelib="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if [ -n "$ODOO_SITE" ]; then
    echo "$ODOO_SITE" >"$purelib/odoo-site.pth"
fi
# this machine's pip.conf names local indexes that may be absent: one warning
# per package and per index would bury the real output
# (filtered out of stderr only: pip's own exit status still stops the set-up)
pip_install() {
    "$PY" -m pip install -q "$@" 2> >(grep -v 'is ignored: it is neither' >&2)
}
pip_install --upgrade 'pip>=24'
constraints="$LOCAL/odoo-constraints.txt"
if [ "$ODOO_MODE" = src ]; then
    # Odoo's pins win over what the OCA wheels and our own lists would pull
    # (lxml, Werkzeug, requests, urllib3, docutils): its requirements.txt is
    # installed as is and then used as constraints; its environment markers
    # select the lines of this Python. python-ldap needs system headers and
    # only serves the auth_ldap addon: left out.
    grep -v -i '^python-ldap' "$ODOO_SRC/requirements.txt" >"$constraints"
    # old sdists in Odoo's list still import pkg_resources in their setup.py
    echo 'setuptools<80' >"$LOCAL/build-constraints.txt"
    # (pip 25.3+ reads build constraints from --build-constraint only;
    # older pips from PIP_CONSTRAINT)
    if "$PY" -m pip install --help | grep -q -- --build-constraint; then
        pip_install --build-constraint "$LOCAL/build-constraints.txt" -r "$constraints"
    else
        PIP_CONSTRAINT="$LOCAL/build-constraints.txt" pip_install -r "$constraints"
    fi
    # lxml 5.2 moved lxml.html.clean out into its own distribution
    if ! "$PY" -c 'import lxml.html.clean' 2>/dev/null; then
        pip_install lxml_html_clean -c "$constraints"
    fi
    # the source tree is used in place: a .pth file puts it on the venv's path
    echo "$ODOO_SRC" >"$purelib/odoo-src.pth"
elif [ "$ODOO_MODE" = installed ]; then
    # what the installed Odoo runs with wins, as its requirements.txt would
    python3 -m pip freeze 2>/dev/null | grep '==' | grep -v -i '^odoo==' >"$constraints" || true
else
    : >"$constraints"
fi
pip_install -r requirements.txt -r test-requirements.txt -c "$constraints"
# Odoo's evented (websocket) process of prefork mode lets gevent load its
# plugins through pkg_resources; the pkg_resources of the setuptools a venv
# starts with (65) cannot find distributions whose metadata folder has a
# normalized name (zope_interface-*.dist-info), so that process crash-looped
# with "The 'zope.interface' distribution was not found". A newer one can.
pip_install 'setuptools>=75,<80'
# --no-deps: the OCA wheels require the `odoo` distribution, not on PyPI
pip_install --no-deps -r oca-requirements.txt
# conflicts are shown here rather than discovered in the middle of the tests
# (the OCA wheels' requirement on the `odoo` distribution is expected)
"$PY" -m pip check 2>&1 | grep -v -i '^odoo-addon-.* requires odoo,' \
    | grep -v '^No broken requirements' | sed 's/^/pip check: /' || true

step "Browser for the tours (Chromium)"
if [ -n "$(find_browser)" ]; then
    echo "found $(find_browser)"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq chromium >/dev/null; then
        echo "installed $(find_browser)"
    else
        loud "apt-get could not install chromium: the tours will be SKIPPED"
        browser_howto
    fi
else
    loud "NO CHROMIUM FOUND: the tours (HttpCase.start_tour) will be SKIPPED"
    browser_howto
fi

if [ "$ODOO_MODE" = none ]; then
    loud "NO ODOO 18 FOUND: tier 2 will be SKIPPED (set ODOO_SRC=/path/to/odoo-18-source)" \
         "Looked at: \$ODOO_SRC, 'import odoo' in python3, $DEFAULT_ODOO_SRC." \
         "Tier 1 is set up; set ODOO_SRC and run 'make setup' again for tier 2."
    odoo_howto
    echo "Set-up for tier 1 done in $((SECONDS - start)) s."
    exit 0
fi

step "PostgreSQL cluster (.local/pg)"
if [ ! -f "$PGDATA/PG_VERSION" ]; then
    rm -rf "$PGDIR"
    mkdir -p "$PGDIR" "$PGRUN"
    # PostgreSQL refuses to run as root: the cluster belongs to `postgres`
    [ "$(id -u)" = 0 ] && chown -R postgres "$PGDIR"
    as_pg_user test -w "$PGDIR" || {
        loud "The postgres user cannot write to $PGDIR: a parent folder is" \
             "not searchable by others (a clone under /root?). Clone elsewhere" \
             "or 'chmod o+x' the parent folders."
        exit 1
    }
    # a throw-away cluster on loopback only: trust authentication is enough
    as_pg_user "$(pg_bin)/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 \
        --locale=C >/dev/null
    free_port >"$PGDIR/port"
fi
pg_start
port="$(pg_port)"
psql_pg -tAc "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1 \
    || psql_pg -qc "CREATE ROLE odoo LOGIN CREATEDB SUPERUSER"
echo "PostgreSQL on 127.0.0.1:$port (socket dir $PGRUN)"

step "Odoo configuration (.local/odoo.conf)"
if [ "$ODOO_MODE" = src ]; then
    odoo_paths="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
else
    # an installed Odoo keeps its addons in odoo/addons; the namespace may also
    # list the OCA wheels' folder, added below anyway
    odoo_paths="$("$PY" -c 'import odoo.addons as a; print(",".join(a.__path__))' \
        | tr , '\n' | grep -vx "$(oca_addons_dir)" | paste -sd, -)"
fi
# keep the HTTP port of an earlier set-up (bookmarks, running demos)
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

step "Test database $TEST_DB"
# before the first addon lands, the OCA stack alone proves the set-up works
addons="$(repo_addons)"
addons="${addons:-queue_job,component,component_event,connector}"
install_addons "$addons"
echo "Installed: $addons"
echo "    ($((SECONDS - step_start)) s)"

cat >"$LOCAL/READY" <<READY
Environment ready ($(date -u +%FT%TZ), 'make setup' took $((SECONDS - start)) s).
  python:    $PY (Odoo 18: $ODOO_MODE ${ODOO_SRC})
  config:    $ODOO_CONF (PostgreSQL 127.0.0.1:$port, user odoo)
  test db:   $TEST_DB with $addons
  shell:     . tools/env.sh   (PATH, PGHOST/PGPORT/PGUSER/PGDATABASE, ODOO_RC)
  one test:  .venv/bin/pytest --odoo-config .local/odoo.conf --odoo-database $TEST_DB --odoo-http <addon>/tests/test_x.py
  cluster stopped (new session)?  'make test' starts it, or: tools/pg.sh start
READY
echo
echo "Set-up done in $((SECONDS - start)) s (.local/READY written)."
