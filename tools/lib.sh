# Shared by tools/setup.sh and tools/test.sh: where things live, how to find
# Odoo, how to run the project-local PostgreSQL cluster.  Sourced, not run.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
LOCAL="$ROOT/.local"
PGDIR="$LOCAL/pg"
PGDATA="$PGDIR/data"
PGRUN="$PGDIR/run"
ODOO_CONF="$LOCAL/odoo.conf"
ODOO_ENV="$LOCAL/odoo.env"
TEST_DB="${TEST_DB:-marketing_test}"
# where this project keeps its Odoo by default; ODOO_DEFAULT_SRC overrides it
DEFAULT_ODOO_SRC="${ODOO_DEFAULT_SRC:-/opt/odoo18}"

say() { printf '\n==> %s\n' "$*"; }
loud() {
    printf '\n%s\n' "################################################################"
    printf '# %s\n' "$@"
    printf '%s\n\n' "################################################################"
}

# The browser Odoo's tours (HttpCase.start_tour) drive, by the names Odoo's
# test runner looks for (odoo/tests/common.py, _find_executable); empty if none.
find_browser() {
    local name
    for name in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$name" && return
    done
    return 0
}

browser_howto() {
    echo "Install a headless browser for the tours, as root on Debian/Ubuntu:"
    echo "    apt-get update && apt-get install -y chromium"
    echo "(or Google Chrome); Odoo's runner finds 'chromium' or 'google-chrome' on PATH."
}

# PostgreSQL refuses to run as root: run its commands as `postgres` then.
pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
    done
    dirname "$(command -v pg_ctl)"
}
as_pg_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Is $1 an Odoo 18 source tree?
is_odoo18_src() {
    [ -f "$1/odoo/release.py" ] && grep -Eq '^version_info = \(18,' "$1/odoo/release.py"
}

# How to get an Odoo 18 community source tree and use it: printed when none
# is found (the project itself never downloads Odoo).
odoo_howto() {
    cat <<HOWTO
To get Odoo 18 community and use it (about 1 GB; PostgreSQL 12+ needed too):

    git clone --depth 1 -b 18.0 https://github.com/odoo/odoo $DEFAULT_ODOO_SRC
    make setup

or, for a clone elsewhere:

    git clone --depth 1 -b 18.0 https://github.com/odoo/odoo /path/to/odoo18
    ODOO_SRC=/path/to/odoo18 make setup

('make setup' installs its Python requirements into .venv and remembers
the tree in .local/odoo.env: 'make test' needs nothing more.)
HOWTO
}

# Sets ODOO_MODE and ODOO_SRC, looking in this order:
#   1. $ODOO_SRC: a source tree, used in place (mode src); set but wrong is an
#      error, not a silent fallback;
#   2. an `odoo` 18 importable by python3: its source tree if it is one (an
#      editable install, a .pth), mode src; else an installed distribution,
#      mode installed, with ODOO_SITE its site-packages (reused, not copied);
#   3. $DEFAULT_ODOO_SRC (/opt/odoo18) if it holds an Odoo 18 source tree;
#   4. none: tier 2 is skipped.
# Nothing is ever downloaded, copied or built.
find_odoo() {
    ODOO_MODE=none
    ODOO_SITE=""
    if [ -n "${ODOO_SRC:-}" ]; then
        if is_odoo18_src "$ODOO_SRC"; then
            ODOO_MODE=src
            ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
            return
        fi
        loud "ODOO_SRC=$ODOO_SRC is not an Odoo 18 source tree" \
             "(no odoo/release.py with version 18). Fix or unset it."
        odoo_howto
        exit 1
    fi
    local found
    if found="$(python3 - 2>/dev/null <<'PY'
import os, sys, sysconfig
import odoo.release
assert odoo.release.version_info[0] == 18
print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.release.__file__))))
print(sysconfig.get_paths()["purelib"] if sys.prefix != sys.base_prefix else "")
PY
)"; then
        ODOO_SRC="$(sed -n 1p <<<"$found")"
        if is_odoo18_src "$ODOO_SRC"; then
            ODOO_MODE=src
        else
            ODOO_MODE=installed
            ODOO_SRC=""
            # python3 is itself a virtualenv: a .pth file will reach its
            # packages (--system-site-packages would only reach the base)
            ODOO_SITE="$(sed -n 2p <<<"$found")"
        fi
        return
    fi
    if is_odoo18_src "$DEFAULT_ODOO_SRC"; then
        ODOO_MODE=src
        ODOO_SRC="$DEFAULT_ODOO_SRC"
        return
    fi
    ODOO_SRC=""
}

# Directory holding the OCA addons installed from wheels (odoo/addons namespace).
oca_addons_dir() {
    "$PY" - <<'PY'
import importlib.util, pathlib
spec = importlib.util.find_spec("odoo.addons.queue_job")
print(pathlib.Path(spec.origin).parent.parent)
PY
}

# Addons of this repository: root folders and tests/addons with a manifest.
repo_addons() {
    local dir
    for dir in "$ROOT"/*/ "$ROOT"/tests/addons/*/; do
        [ -f "$dir/__manifest__.py" ] && basename "$dir"
    done | paste -sd, -
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_port() { cat "$PGDIR/port"; }

# psql as the cluster's superuser, over TCP (trust on loopback)
psql_pg() {
    as_pg_user "$(pg_bin)/psql" -h 127.0.0.1 -p "$(pg_port)" -U postgres -X "$@"
}

pg_running() {
    [ -f "$PGDIR/port" ] && as_pg_user "$(pg_bin)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

pg_start() {
    pg_running && return
    local port
    port="$(pg_port)"
    # a port taken since the set-up (another cluster, a new session): pick again
    if ! python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', $port))" 2>/dev/null; then
        port="$(free_port)"
        echo "$port" >"$PGDIR/port"
        sed -i "s/^db_port = .*/db_port = $port/" "$ODOO_CONF" 2>/dev/null || true
    fi
    as_pg_user "$(pg_bin)/pg_ctl" -D "$PGDATA" -l "$PGDIR/server.log" -w \
        -o "-p $port -k $PGRUN -c listen_addresses=127.0.0.1" start >/dev/null
}

pg_stop() {
    pg_running || return 0
    as_pg_user "$(pg_bin)/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
}

# Install the given addons (comma-separated) in $TEST_DB and update them:
# Odoo creates the database when it is missing, `-i` installs addons added
# since the last run, `-u` reloads the data and schema of the others.
install_addons() {
    odoo_cmd -d "$TEST_DB" -i "$1" -u "$1" --stop-after-init
}

odoo_cmd() {
    # shellcheck disable=SC1090
    . "$ODOO_ENV"
    if [ "$ODOO_MODE" = src ]; then
        "$PY" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" "$@"
    else
        "$PY" -m odoo -c "$ODOO_CONF" "$@"
    fi
}
