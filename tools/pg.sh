#!/usr/bin/env bash
# The project-local PostgreSQL cluster made by `make setup` (.local/pg):
#     tools/pg.sh start|stop|status|port|psql [psql args]
# `start` is what `make test` does first: a new session has no running
# cluster, and its port may have been taken meanwhile (then a free one is
# chosen and written to .local/pg/port and .local/odoo.conf).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ -f "$PGDATA/PG_VERSION" ] || { echo "No cluster in $PGDATA: run 'make setup'." >&2; exit 2; }
case "${1:-status}" in
    start) pg_start; echo "PostgreSQL running on 127.0.0.1:$(pg_port)" ;;
    stop) pg_stop; echo "PostgreSQL stopped" ;;
    status) if pg_running; then echo "running on 127.0.0.1:$(pg_port)"; else echo "stopped"; exit 3; fi ;;
    port) pg_port ;;
    psql) shift; pg_start; exec "$(pg_bin)/psql" -h 127.0.0.1 -p "$(pg_port)" -U odoo -d "$TEST_DB" "$@" ;;
    *) echo "usage: $0 start|stop|status|port|psql [args]" >&2; exit 2 ;;
esac
