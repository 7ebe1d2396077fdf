# Source it in an interactive shell to work with what `make setup` made:
#     . tools/env.sh
# puts .venv/bin first on PATH and points psql (PGHOST, PGPORT, PGUSER,
# PGDATABASE) and Odoo (ODOO_RC: odoo-bin/`python -m odoo` read it) at the
# project-local cluster and configuration. Scripts use tools/lib.sh instead.
# shellcheck shell=bash
_envsh_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_envsh_root/.venv/bin:$PATH"
export ODOO_RC="$_envsh_root/.local/odoo.conf"
export PGHOST=127.0.0.1 PGUSER=odoo PGDATABASE="${TEST_DB:-marketing_test}"
[ -f "$_envsh_root/.local/pg/port" ] && PGPORT="$(cat "$_envsh_root/.local/pg/port")" && export PGPORT
[ -f "$_envsh_root/.local/odoo.env" ] && . "$_envsh_root/.local/odoo.env"
unset _envsh_root
