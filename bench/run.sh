#!/usr/bin/env bash
# The benchmark suite: installs the reference tools when missing (sqlite3 from Debian's packages,
# sqlite-utils, openpyxl and pandas from PyPI), then runs every bench. Each prints its figures as ratios against a
# reference measured in the same run. Options pass through to the benches as environment:
#   TUOPIN_BENCH_ROWS=100000 bench/run.sh     smaller run (household rows per file)
#   TUOPIN_BENCH_RUNS=5 bench/run.sh          more timed runs (median; default 3)
#   TUOPIN_BENCH_SCALE=1 bench/run.sh         also the 10× scale run of the check bench
#                                             (10,000,000 households; minutes, ~5 GB of disk)
#   TUOPIN_BENCH_WORKBOOK_ROWS=10000 bench/run.sh   rows of the workbook bench (default 100,000)
#   TUOPIN_BENCH_MONTHS=3 bench/run.sh        fewer months of register in the check bench's 1× database
#   TUOPIN_BENCH_PERSONS=100000 bench/run.sh  persons of the national-export bench (default 1,000,000)
#   bench/run.sh --bench check                one bench only (arguments go to cargo bench)
# Every ratio of issue 16's table is printed as a `bar:` line as it is measured and again together
# at the end; the script exits non-zero when any ratio misses its bar (a bench exits 1 then).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "installing the sqlite3 CLI (reference for imports and queries)"
    if command -v apt-get >/dev/null 2>&1; then
        (apt-get update -qq && apt-get install -y -qq sqlite3) >/dev/null || echo "could not install sqlite3"
    fi
fi
if ! command -v sqlite-utils >/dev/null 2>&1; then
    echo "installing sqlite-utils (reference for CSV import)"
    python3 -m pip install --quiet sqlite-utils || echo "could not install sqlite-utils"
fi

if ! python3 -c "import openpyxl, pandas" >/dev/null 2>&1; then
    echo "installing openpyxl and pandas (the workbook bench writes its .xlsx and reads it with them)"
    python3 -m pip install --quiet openpyxl pandas || echo "could not install openpyxl and pandas"
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sm)"
echo "date:    $(date -u +%Y-%m-%d)"
# Other work on the machine slows every figure; the ratios are measured side by side, so they
# suffer less than the times.
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (1, 5, 15 min averages)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo bench --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?
# The national system's person-level export (issue 14) is measured beside the contract import by
# benches/national.rs (≤ 1.5× sqlite3 .import of the same rows); say so when a run left it out.
if ! grep -q '^bar: national import' "$log"; then
    echo "bar: national import ÷ sqlite3 .import                    not measured in this run (benches/national.rs)" | tee -a "$log"
fi
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (after)"
echo
echo "== issue 16 bars =="
grep '^bar: ' "$log" || echo "(no bar measured)"
if grep -q '^bar: .* MISSED$' "$log"; then
    status=1
fi
exit "$status"
