#!/usr/bin/env bash
# A throwaway Virtuoso Open Source server holding one graph file, for trying the graph in a real triplestore.
#
#   scripts/virtuoso.sh start DIR GRAPH.ttl [SQL_PORT [HTTP_PORT]]
#       create a fresh database in DIR (its own virtuoso.ini, no demo database), start the server on
#       127.0.0.1 only, bulk-load GRAPH.ttl unchanged into the named graph $GRAPH_IRI and print the
#       SPARQL endpoint. Ports default to Virtuoso's usual 1111 (SQL) and 8890 (HTTP).
#   scripts/virtuoso.sh stop DIR
#       checkpoint and shut the server down; kill it if it does not stop within 30 s.
#
# Needs virtuoso-t and isql-vt (Debian: apt-get install -y --no-install-recommends virtuoso-opensource-7-bin).
# The database keeps Virtuoso's default dba/dba account, which is why it listens on loopback only.
set -euo pipefail

GRAPH_IRI=${GRAPH_IRI:-https://w3id.org/dangjian-kg/graph}
VIRTUOSO=${VIRTUOSO:-virtuoso-t}
ISQL=${ISQL:-isql-vt}

die() { echo "virtuoso.sh: $*" >&2; exit 1; }

isql() {  # isql PORT SQL...: run statements as dba; isql-vt exits 0 even when a statement fails
    "$ISQL" "127.0.0.1:$1" dba dba VERBOSE=OFF BANNER=OFF PROMPT=OFF ECHO=OFF exec="$2"
}

write_ini() {  # write_ini DIR SQL_PORT HTTP_PORT GRAPH_DIR
    cat >"$1/virtuoso.ini" <<EOF
; Written by scripts/virtuoso.sh: a throwaway database for one graph file.
[Database]
DatabaseFile       = $1/virtuoso.db
ErrorLogFile       = $1/virtuoso.log
LockFile           = $1/virtuoso.lck
TransactionFile    = $1/virtuoso.trx
xa_persistent_file = $1/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $1/virtuoso-temp.db
TransactionFile    = $1/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:$2
DisableUnixSocket  = 1
ServerThreads      = 10
; checkpoints only when asked (after the load, at shutdown)
CheckpointInterval = 0
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
; the bulk loader reads only from these directories
DirsAllowed        = ., $1, $4

[HTTPServer]
ServerPort            = 127.0.0.1:$3
ServerRoot            = $1
ServerThreads         = 4
MaxClientConnections  = 4

[SPARQL]
ResultSetMaxRows       = 100000
MaxQueryExecutionTime  = 60
MaxQueryCostEstimationTime = 400
EOF
}

start() {
    [[ $# -ge 2 ]] || die "usage: $0 start DIR GRAPH.ttl [SQL_PORT [HTTP_PORT]]"
    local dir graph sql_port=${3:-1111} http_port=${4:-8890}
    command -v "$VIRTUOSO" >/dev/null || die "$VIRTUOSO not found (apt-get install virtuoso-opensource-7-bin)"
    command -v "$ISQL" >/dev/null || die "$ISQL not found (apt-get install virtuoso-opensource-7-bin)"
    [[ -f $2 ]] || die "$2: no such graph file"
    mkdir -p "$1"
    dir=$(cd "$1" && pwd)
    graph=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
    [[ -e $dir/virtuoso.db ]] && die "$dir already holds a database; stop it and remove it, or choose another DIR"
    write_ini "$dir" "$sql_port" "$http_port" "$(dirname "$graph")"
    echo "$sql_port" >"$dir/sql.port"
    # +wait: the server detaches (its own session) and this returns once it is online
    local started=0
    (cd "$dir" && "$VIRTUOSO" +configfile "$dir/virtuoso.ini" +wait) >"$dir/start.out" 2>&1 || started=$?
    # record the server's pid even when startup failed half-way, so that 'stop' can still end it
    [[ -f $dir/virtuoso.lck ]] && sed -n 's/^VIRT_PID=//p' "$dir/virtuoso.lck" >"$dir/virtuoso.pid"
    if (( started != 0 )); then
        cat "$dir/start.out" >&2; tail -n 20 "$dir/virtuoso.log" >&2 || true
        die "server did not start (exit $started)"
    fi
    local tries=0
    until isql "$sql_port" "select 1;" >/dev/null 2>&1; do
        (( ++tries < 60 )) || { tail -n 20 "$dir/virtuoso.log" >&2; die "server does not answer on port $sql_port"; }
        sleep 0.5
    done
    local loaded
    loaded=$(isql "$sql_port" "ld_add('$graph', '$GRAPH_IRI'); rdf_loader_run(); checkpoint;
        select 'LOAD_FAILED=' || cast(count(*) as varchar) from DB.DBA.LOAD_LIST where ll_state <> 2 or ll_error is not null;
        select 'TRIPLES=' || cast(count(*) as varchar) from DB.DBA.RDF_QUAD where g = iri_to_id('$GRAPH_IRI');" 2>&1)
    if ! grep -q '^LOAD_FAILED=0$' <<<"$loaded" || grep -q '^TRIPLES=0$' <<<"$loaded"; then
        echo "$loaded" >&2
        isql "$sql_port" "select ll_file, ll_error from DB.DBA.LOAD_LIST;" >&2 || true
        die "bulk load of $graph failed"
    fi
    echo "loaded $graph: $(sed -n 's/^TRIPLES=//p' <<<"$loaded") triples in <$GRAPH_IRI>"
    echo "SPARQL endpoint: http://127.0.0.1:$http_port/sparql (default-graph-uri=$GRAPH_IRI)"
}

stop() {
    [[ $# -eq 1 ]] || die "usage: $0 stop DIR"
    local dir=$1 pid sql_port
    [[ -f $dir/virtuoso.pid ]] || { echo "no server recorded in $dir"; return 0; }
    pid=$(cat "$dir/virtuoso.pid")
    sql_port=$(cat "$dir/sql.port")
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        isql "$sql_port" "shutdown;" >/dev/null 2>&1 || true
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "server $pid did not shut down; killing it" >&2
            # the server leads its own process group (it detached with setsid)
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$dir/virtuoso.pid"
    echo "stopped"
}

case ${1:-} in
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    *) die "usage: $0 start DIR GRAPH.ttl [SQL_PORT [HTTP_PORT]] | stop DIR" ;;
esac
