#!/usr/bin/env bash
# Long fuzzing, beyond what CI runs: the property tests of tests/fuzz (the three importers on
# arbitrary bytes, mutated seed files and CSV-shaped files; the period, number, boolean and
# value-type parsers and the privacy and CSV-output helpers on arbitrary text), in rounds. Each
# round runs them with TUOPIN_FUZZ_CASES=FACTOR (FACTOR × 6,600 cases: 1,800 importer files and
# 4,800 parser inputs per unit) and a fresh PROPTEST_RNG_SEED, in a release build, at the lowest
# CPU priority. A failing case (a panic, an Err for file content, a broken promise) is shrunk by
# proptest to a minimal input, which goes into the round's log and the findings file with the
# seed that reproduces it; the run goes on with the next round.
#
#   bench/fuzz.sh                     until 10,000,000 cases or 4 hours, whichever comes first
#   FUZZ_CASES=1000000 bench/fuzz.sh  stop after this many cases
#   FUZZ_MINUTES=25 bench/fuzz.sh     stop after this many minutes (the round running is cut
#                                     short; the properties it finished count)
#   FUZZ_FACTOR=50                    cases per base case in a round (default 50: 330,000 cases)
#   FUZZ_THREADS=1                    test threads (default 2)
#   FUZZ_OUT=target/fuzz              where the logs, findings and summary go
#
# Reproduce a finding: PROPTEST_RNG_SEED=SEED TUOPIN_FUZZ_CASES=FACTOR \
#   cargo test --release --test tests fuzz::NAME -- --nocapture
set -uo pipefail
cd "$(dirname "$0")/.."

target_cases=${FUZZ_CASES:-10000000}
minutes=${FUZZ_MINUTES:-240}
factor=${FUZZ_FACTOR:-50}
threads=${FUZZ_THREADS:-2}
out=${FUZZ_OUT:-target/fuzz}
mkdir -p "$out"
findings="$out/findings.txt"
summary="$out/summary.txt"
: >"$findings"

echo "building the release test binary"
nice -n 19 cargo test --release --test tests --no-run >"$out/build.log" 2>&1 || {
    cat "$out/build.log"
    exit 2
}

start=$(date +%s)
deadline=$((start + minutes * 60))
importer_cases=0 parser_cases=0 accepted=0 rejected=0 rounds=0 found=0
while :; do
    now=$(date +%s)
    total=$((importer_cases + parser_cases))
    if [ "$total" -ge "$target_cases" ] || [ "$now" -ge "$deadline" ]; then
        break
    fi
    rounds=$((rounds + 1))
    seed=$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')
    log="$out/round-$rounds.log"
    RUST_BACKTRACE=0 PROPTEST_RNG_SEED=$seed TUOPIN_FUZZ_CASES=$factor timeout --kill-after=30 $((deadline - now)) \
        nice -n 19 cargo test --release --test tests fuzz:: -- --nocapture --test-threads="$threads" \
        >"$log" 2>&1
    status=$?
    # Each property prints "fuzz NAME: N cases in T s" when it has run (failed or not), the
    # importers also "fuzz NAME: A files accepted, R rejected"; the harness may prefix the line.
    read -r i p a r < <(awk '
        match($0, /fuzz [a-z]+\/[a-z-]+: [0-9]+ cases in/) {
            split(substr($0, RSTART, RLENGTH), f, " ")
            if (f[2] ~ /^importers/) i += f[3]; else p += f[3]
        }
        match($0, /fuzz importers\/[a-z-]+: [0-9]+ files accepted, [0-9]+ rejected/) {
            split(substr($0, RSTART, RLENGTH), f, " ")
            a += f[3]; r += f[6]
        }
        END { printf "%d %d %d %d\n", i, p, a, r }' "$log")
    importer_cases=$((importer_cases + i)) parser_cases=$((parser_cases + p))
    accepted=$((accepted + a)) rejected=$((rejected + r))
    if grep -q "minimal failing input" "$log"; then
        found=$((found + 1))
        {
            echo "== round $rounds, PROPTEST_RNG_SEED=$seed TUOPIN_FUZZ_CASES=$factor"
            # The property's failure (why) and the shrunk input, printed with {:#?}.
            awk '/: Test failed: / { on = 1 }
                 on && (/^test / || /^failures:/ || /^note:/ || /^stack backtrace/) { on = 0 }
                 on' "$log"
        } >>"$findings"
    elif [ "$status" -ne 0 ] && [ "$status" -ne 124 ]; then
        # Not a shrunk property failure and not our deadline: the test binary itself died.
        found=$((found + 1))
        echo "== round $rounds, PROPTEST_RNG_SEED=$seed: exit $status without a shrunk case, see $log" \
            >>"$findings"
    fi
    echo "round $rounds: $i importer + $p parser cases (seed $seed, exit $status)"
done

elapsed=$(($(date +%s) - start))
total=$((importer_cases + parser_cases))
rate=$(awk -v t="$total" -v s="$elapsed" 'BEGIN { printf "%.0f", (s > 0 ? t / s : 0) }')
projected=$(awk -v t="$total" -v s="$elapsed" 'BEGIN { if (t > 0) printf "%.1f", 10000000 * s / t / 3600; else print "?" }')
{
    echo "date:      $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "machine:   $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (1, 5, 15 min), nice 19, $threads test threads"
    echo "rounds:    $rounds (TUOPIN_FUZZ_CASES=$factor each)"
    echo "cases:     $total ($importer_cases importer files: $accepted accepted and written, $rejected rejected; $parser_cases parser and helper inputs)"
    echo "time:      ${elapsed} s ($rate cases/s); 10,000,000 cases at this rate: ${projected} h"
    echo "findings:  $found (details in $findings)"
} | tee "$summary"
[ "$found" -eq 0 ]
