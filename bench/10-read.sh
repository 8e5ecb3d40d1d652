#!/usr/bin/env bash
# Reader throughput: ~200 MB of realistic case-system CSV streamed through
# the text source and the CSV reader (bench/bench_read.c), as UTF-8, as a
# Windows-1252 copy, a UTF-16LE copy (with BOM, as SQL Server tools write it)
# and a gzip copy. MB/s is the UTF-8 text volume (the same data in every case,
# so UTF-16's doubled bytes are not counted) over the CPU time of the reading
# process (one core; other work on the machine does not distort it), best of
# 3 runs; wall-clock MB/s is shown beside it. Targets: 150 MB/s for UTF-8,
# 100 MB/s through conversion or gzip. Peak RSS shows memory stays flat.
# READ_BENCH_MB changes the size (default 200).
set -euo pipefail
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/cscdw-bench}
MB=${READ_BENCH_MB:-200}
bin="$BUILD/bench/bench_read"
[ -x "$bin" ] || { echo "10-read: $bin not built (run make bench)"; exit 1; }
dir="$BENCH_DIR/read-$MB"
mkdir -p "$dir"
utf8="$dir/referrals-utf8.csv"

if [ ! -s "$utf8" ]; then
    # Referral-like rows: ids, names with accents, dd/mm/yyyy dates, codes,
    # empty cells, quoted notes with commas, doubled quotes, £ and the odd
    # embedded line break. Only characters Windows-1252 can also hold.
    awk -v target=$((MB * 1000 * 1000)) '
    function pick(list, n) { return list[1 + int(rand() * n)] }
    function date(y0, years) {
        return sprintf("%02d/%02d/%04d", 1 + int(rand() * 28), 1 + int(rand() * 12),
                       y0 + int(rand() * years))
    }
    BEGIN {
        srand(20250331);
        nf = split("Oliver,Amelia,Zoë,Noah,Chloé,Muhammad,Isla,Renée,Jack,Aoife,Siân," \
                   "Dylan,Léa,Harry,Ffion", fn, ",");
        ns = split("Smith,Jones,O’Neill,Brontë,Patel,Khan,Müller,Williams,Nowak,Davies," \
                   "Hughes,Ahmed,Évora,Taylor", sn, ",");
        ne = split("WBRI,WIRI,WOTH,MWBC,MWBA,AIND,APKN,BCRB,BAFR,CHNE,OOTH,REFU", eth, ",");
        nt = split("Assessment North,Assessment South,Children in Need East," \
                   "Child Protection West,Looked After,Leaving Care,Disabled Children", team, ",");
        notes[1] = "Concerns raised by school about attendance, presentation and hunger";
        notes[2] = "Police notification; \"domestic incident\" attended overnight";
        notes[3] = "Health visitor referral – mother struggling, £40 food voucher given";
        notes[4] = "Self-referral by parent requesting help with behaviour";
        notes[5] = "Anonymous call: child left alone, neighbour says \"again\"";
        notes[6] = "Step-down from CP plan, review in 3 months";
        letters = "ABDEFGHJLNPQRSTUWXYZ";
        printf "%s\r\n", "person_id,upn,forename,surname,sex,dob,ethnicity,referral_id," \
            "referral_date,source,primary_need,team,worker,postcode,closure_date," \
            "closure_reason,notes";
        n = 0; bytes = 0;
        while (bytes < target) {
            n++;
            closed = rand() < 0.6;
            note = pick(notes, 6);
            gsub(/"/, "\"\"", note);
            if (rand() < 0.02) note = note "\r\nFollow-up: visit booked, child seen alone";
            line = sprintf("%d,%s,%s,%s,%d,%s,%s,%d,%s,RC%d,N%d,%s,W%04d,AB%d %d%s%s,%s,%s,\"%s\"",
                100000 + n,
                rand() < 0.1 ? "" : sprintf("A%06d%06d", int(rand() * 1e6), int(rand() * 1e6)),
                pick(fn, nf), pick(sn, ns), 1 + int(rand() * 2), date(2006, 18), pick(eth, ne),
                5000000 + n, date(2019, 6), 1 + int(rand() * 10), 1 + int(rand() * 8),
                pick(team, nt), int(rand() * 400), 1 + int(rand() * 30), int(rand() * 10),
                substr(letters, 1 + int(rand() * 20), 1), substr(letters, 1 + int(rand() * 20), 1),
                closed ? date(2025, 1) : "", closed ? "RC" (1 + int(rand() * 8)) : "", note);
            printf "%s\r\n", line;
            bytes += length(line) + 2;
        }
    }' > "$utf8.tmp"
    mv "$utf8.tmp" "$utf8"
fi
[ -s "$dir/referrals-cp1252.csv" ] || iconv -f UTF-8 -t WINDOWS-1252 "$utf8" > "$dir/referrals-cp1252.csv"
if [ ! -s "$dir/referrals-utf16le.csv" ]; then
    { printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$utf8"; } > "$dir/referrals-utf16le.csv"
fi
[ -s "$dir/referrals-utf8.csv.gz" ] || gzip -c -6 "$utf8" > "$dir/referrals-utf8.csv.gz"

text_bytes=$(stat -c %s "$utf8")
run_case() {   # label target file [encoding]
    local label=$1 target=$2 file=$3 enc=${4:-} best="" wall="" rss="" recs="" out cpu
    for _ in 1 2 3; do
        out=$("$bin" "$file" $enc | tail -1)
        cpu=$(sed 's/.* cpu=\([^ ]*\).*/\1/' <<<"$out")
        if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$cpu
            wall=$(sed 's/.* wall=\([^ ]*\).*/\1/' <<<"$out")
            rss=$(sed 's/.* rss_kb=\([^ ]*\).*/\1/' <<<"$out")
            recs=$(sed 's/.* records=\([^ ]*\).*/\1/' <<<"$out")
        fi
    done
    awk -v l="$label" -v t="$target" -v s="$best" -v w="$wall" -v tb="$text_bytes" \
        -v fb="$(stat -c %s "$file")" -v rss="$rss" -v recs="$recs" 'BEGIN {
        mbs = tb / 1e6 / s;
        printf "read %-9s %6.1f MB file  CPU %6.3f s  %6.1f MB/s (target %d: %s)  wall %6.1f MB/s  %5.2f M records/s  peak RSS %.1f MiB\n",
            l, fb / 1e6, s, mbs, t, (mbs >= t ? "ok" : "BELOW"), tb / 1e6 / w, recs / s / 1e6, rss / 1024 }'
}
echo "read: $(awk -v b="$text_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB of UTF-8 CSV, best of 3, one core"
run_case utf-8 150 "$utf8"
run_case cp1252 100 "$dir/referrals-cp1252.csv" windows-1252
run_case utf-16le 100 "$dir/referrals-utf16le.csv"
run_case gzip 100 "$dir/referrals-utf8.csv.gz"
