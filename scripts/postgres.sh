#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks, listening on 127.0.0.1 only.
#
#   eval "$(scripts/postgres.sh start)"   # prints export lines: the URL, the folder, the port
#   scripts/postgres.sh restart DIR        # restart it (the tests use this)
#   scripts/postgres.sh stop DIR           # stop it and delete the folder
#
# The server refuses to run as root, so as root the cluster belongs to the `postgres` system
# user. Authentication is by password (SCRAM) over TCP; the superuser's password is random.
set -euo pipefail

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$found" ]; then
        found=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")
    fi
    if [ ! -x "$found/initdb" ]; then
        echo "postgres.sh: PostgreSQL's binaries (initdb, pg_ctl) are not installed" >&2
        exit 1
    fi
    echo "$found"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local bin dir port password
    bin=$(bindir)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/mlops-quiz-pg.XXXXXX")
    chmod 755 "$dir"
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    printf '%s\n' "$password" > "$dir/pwfile"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
        --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-instructions >/dev/null
    rm -f "$dir/pwfile"
    port=$(free_port)
    echo "$port" > "$dir/port"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/port"; fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" \
        start >/dev/null
    echo "export MLOPS_QUIZ_PG_DIR=$dir"
    echo "export MLOPS_QUIZ_TEST_POSTGRES=postgresql+psycopg://postgres:$password@127.0.0.1:$port/postgres"
}

restart() {
    local bin dir="$1" port
    bin=$(bindir)
    port=$(cat "$dir/port")
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" \
        restart >/dev/null
}

stop() {
    local bin dir="$1"
    bin=$(bindir)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null 2>&1 || true
    fi
    case "$dir" in
        */mlops-quiz-pg.*) rm -rf "$dir" ;;
    esac
}

case "${1:-}" in
    start) start ;;
    restart) restart "${2:?give the folder of the cluster}" ;;
    stop) stop "${2:?give the folder of the cluster}" ;;
    *) echo "usage: $0 start | restart DIR | stop DIR" >&2; exit 2 ;;
esac
