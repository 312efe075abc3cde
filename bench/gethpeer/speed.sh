#!/usr/bin/env bash
# speed.sh times go-ethereum v1.17.10 against balexec on the same blocks
# (BenchmarkInsert: bench's eight workloads and the hive chain, both sender
# regimes, four importers), keeps the raw output and prints the benchstat
# tables: every importer side by side, then balexec against go-ethereum
# processor for processor.
#
# Usage: ./speed.sh [-bench regexp]
#   -bench   the go test -bench pattern (default BenchmarkInsert), e.g.
#            'BenchmarkInsert/workload=erc20/' or 'BenchmarkInsert/workload=(dex|nft)/senders=warm/'
# Environment (defaults in brackets):
#   COUNT [10]  CPU [1,2]  BENCHTIME [3x]  TIMEOUT [0: none]
#   TAGS [none]  build tags, e.g. libsecp256k1 (balexec's recovery through the C library)
#   BLOCKS [0: bench default, 4]  GASLIMIT [0: bench default, 100M]  (bench workloads' size)
#   OUT [testdata/speed]  where the raw output goes: insert-<UTC date and time>[-<tags>].txt, copied to insert[-<tags>].txt
#
# Run it on a quiet machine: the figures are only as good as the machine
# is idle.
set -euo pipefail

cd "$(dirname "$0")"

bench=BenchmarkInsert
while [[ $# -gt 0 ]]; do
	case "$1" in
	-bench)
		bench="${2:?-bench needs a pattern}"
		shift 2
		;;
	-bench=*)
		bench="${1#-bench=}"
		shift
		;;
	*)
		echo "usage: $0 [-bench regexp]" >&2
		exit 2
		;;
	esac
done

count="${COUNT:-10}"
cpu="${CPU:-1,2}"
benchtime="${BENCHTIME:-3x}"
timeout="${TIMEOUT:-0}"
blocks="${BLOCKS:-0}"
gaslimit="${GASLIMIT:-0}"
out="${OUT:-testdata/speed}"
tags="${TAGS:-}"
benchstat=(go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da)

mkdir -p "$out"
raw="$out/insert-$(date -u +%Y-%m-%dT%H%M%SZ)${tags:+-$tags}.txt"
{
	# Configuration lines (benchfmt "key: value"), kept with the results.
	echo "balexec-commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- ../.. 2>/dev/null || echo -dirty)"
	echo "go-version: $(go env GOVERSION)"
	echo "bench-args: -tags=$tags -bench=$bench -benchtime=$benchtime -count=$count -cpu=$cpu -blocks=$blocks -gaslimit=$gaslimit"
	echo "loadavg-at-start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
} >"$raw"
# One process per core count, started with GOMAXPROCS already at it: the
# testing package times the first run of each sub-benchmark before it
# applies -cpu (with -benchtime=1x that run is the first result), so in one
# process with -cpu=1,2 every first one-core result was a two-core run.
bin=$(mktemp -d)/gethpeer.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -tags="$tags" -o "$bin" .
for procs in ${cpu//,/ }; do
	GOMAXPROCS="$procs" "$bin" -test.run='^$' -test.bench="$bench" -test.benchtime="$benchtime" -test.count="$count" \
		-test.cpu="$procs" -test.timeout="$timeout" -blocks="$blocks" -gaslimit="$gaslimit" | tee -a "$raw"
done
echo "loadavg-at-end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)" >>"$raw"
latest="$out/insert${tags:+-$tags}.txt"
if [[ "$raw" != "$latest" ]]; then
	cp "$raw" "$latest"
fi

rows=/workload,/senders,/gomaxprocs
echo
echo "== every importer (vs base: geth-seq); raw data: $raw"
"${benchstat[@]}" -col /impl -row "$rows" "$raw"
echo
echo "== balexec against go-ethereum, parallel (vs base: geth-par)"
"${benchstat[@]}" -col '/impl@(geth-par balexec-par)' -row "$rows" "$raw"
echo
echo "== balexec against go-ethereum, sequential (vs base: geth-seq)"
"${benchstat[@]}" -col '/impl@(geth-seq balexec-seq)' -row "$rows" "$raw"
