# Helpers for database tests: source this file (after nothing else). Each
# script gets a throwaway local warehouse $W in its own temp folder, started
# on first use and stopped (before the folder is removed) when it exits.
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
SRCROOT=${SRCROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$SRCROOT" || exit 1
export CSCDW_PG_NOSYNC=1                 # a test cluster need not survive a power cut
unset PGHOST PGHOSTADDR PGDATABASE PGSERVICE PGUSER PGPASSWORD PGPORT
chmod 755 "$TMP"                         # as root the cluster runs as user cscdw
W="$TMP/wh"
db_clusters=("$W")
db_cleanup() {
    # stop every cluster first: a postmaster whose folder vanished would
    # later remove a new cluster's socket at the same path
    for w in "${db_clusters[@]}"; do "$CSCDW" warehouse stop --warehouse-dir "$w" >/dev/null 2>&1; done
    rm -rf "$TMP"
}
trap db_cleanup EXIT
if ! "$CSCDW" warehouse status --warehouse-dir "$TMP/probe" >/dev/null 2>&1; then
    echo "skip: PostgreSQL server programs not found (make deps installs postgresql-15)"
    exit 77
fi
rm -rf "$TMP/probe"

# sql [-d DIR] QUERY: one query on the warehouse, unaligned, tuples only
sql() {
    local dir=$W
    if [ "$1" = -d ]; then dir=$2; shift 2; fi
    "$CSCDW" warehouse psql --warehouse-dir "$dir" -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}
# expect_sql QUERY WANT: the query's output must be exactly WANT
expect_sql() {
    local got
    got=$(sql "$1") || fail "query failed: $1"
    [ "$got" = "$2" ] || fail "query: $1
  got:  $(printf '%s' "$got" | head -20)
  want: $2"
}
# checksums [DIR]: "table md5" for every dimension and fact table (a
# partitioned fact counts as one table), one line each, sorted
checksums() {
    local dir=${1:-$W} q=""
    for t in $(sql -d "$dir" "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace
                 AND relkind IN ('r', 'p') AND NOT relispartition
                 AND (relname LIKE 'dim\_%' OR relname LIKE 'fact\_%' OR relname LIKE 'meta\_%')
                 ORDER BY 1"); do
        q="$q${q:+ UNION ALL }SELECT '$t', md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM $t x"
    done
    sql -d "$dir" "$q ORDER BY 1"
}
# job FILE INPUT PROFILE LA REFDATE [WAREHOUSE_DIR]: write a job file
job() {
    cat > "$1" <<YAML
job: dbtest
la:
  code: "$4"
  name: Test LA $4
collection_year: 2025-26
reference_date: $5
source:
  profile: $3
  input: $2
returns: []
output: $TMP/out-$4
warehouse:
  local: ${6:-$W}
YAML
}
# changed_tables BEFORE AFTER: the tables whose checksum differs between two
# `checksums` files, sorted, each followed by a space
changed_tables() {
    diff "$1" "$2" | grep '^>' | cut -d'|' -f1 | tr -d '> ' | sort | tr '\n' ' '
}
