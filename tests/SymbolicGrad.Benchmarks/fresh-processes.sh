#!/usr/bin/env bash
# Runs --pool-stats in N fresh processes and prints each one's RESULT line: a process that is slow for its whole life
# shows as an outlier, with its pool counters and buffer placement beside it.
#   tests/SymbolicGrad.Benchmarks/fresh-processes.sh [N] [extra --pool-stats options…]
# Prefix with `chrt -f 1` to keep other processes off the cores (a quiet machine on a busy one; the kernel still
# throttles real-time threads to 95 % of each second), and with DOTNET_TieredCompilation=0 to take the JIT out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
n=${1:-10}
shift || true
dll=bin/Release/net10.0/SymbolicGrad.Benchmarks.dll
[ -f "$dll" ] || dotnet build -c Release --nologo -v q
for i in $(seq 1 "$n"); do
    line=$(dotnet "$dll" --pool-stats --seconds 2 --late 0 "$@" | grep '^RESULT')
    echo "$i ${line#RESULT }"
done
