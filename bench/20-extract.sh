#!/usr/bin/env bash
# Extract throughput: `cscdw extract` on the ~200 MB referral CSV that
# 10-read.sh generates, mapped into two entities (person and referral, 17
# fields with dates, codes and ids) so the file is read twice: the whole
# stage (reading, typing, model building, duplicate and orphan checks).
# Prints the command's own MB/s (wall, best of 3), the CPU seconds and peak
# RSS. Target: 100 MB/s.
set -euo pipefail
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/cscdw-bench}
MB=${READ_BENCH_MB:-200}
src="$BENCH_DIR/read-$MB/referrals-utf8.csv"
[ -s "$src" ] || { echo "20-extract: $src missing (10-read.sh makes it)"; exit 0; }
dir="$BENCH_DIR/extract-$MB"
mkdir -p "$dir/in"
ln -sf "$src" "$dir/in/referrals.csv"
cat > "$dir/profile.yaml" <<'YAML'
profile: bench
system: bench
defaults: { dates: dd/mm/yyyy }
entities:
  person:
    file: referrals.csv
    fields:
      id: person_id
      upn: upn
      sex: sex
      birth_date: dob
      ethnicity: ethnicity
      postcode: postcode
  referral:
    file: referrals.csv
    fields:
      id: referral_id
      person_id: person_id
      referral_date: referral_date
      source: source
      primary_need: primary_need
      team_id: team
      worker_id: worker
      closure_date: closure_date
      closure_reason: closure_reason
YAML
best=""
for i in 1 2 3; do
    /usr/bin/time -f "%U %S %M" -o "$dir/time" "$CSCDW" extract --profile "$dir/profile.yaml" \
        --input "$dir/in" > "$dir/summary"
    rate=$(sed -n 's/^time: .* s, \([0-9.]*\) MB\/s$/\1/p' "$dir/summary")
    read -r user sys rss < "$dir/time"
    if [ -z "$best" ] || awk -v a="$rate" -v b="$best" 'BEGIN { exit !(a > b) }'; then
        best=$rate; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }'); peak=$rss
    fi
done
bytes=$(sed -n 's/^files read: [0-9]* (\([0-9.]*\) MB)$/\1/p' "$dir/summary")
records=$(sed -n 's/^  (total) *\([0-9]*\)$/\1/p' "$dir/summary")
cpu_rate=$(awk -v b="$bytes" -v c="$cpu" 'BEGIN { printf "%.1f", (c > 0 ? b / c : 0) }')
printf 'extract  %s MB read, %s records: %s MB/s wall (best of 3), %s s CPU (%s MB/s per CPU second), peak RSS %d MB\n' \
    "$bytes" "$records" "$best" "$cpu" "$cpu_rate" $((peak / 1024))
