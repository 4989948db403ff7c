#!/usr/bin/env bash
# Runs --edit-cost in N fresh processes, one generator alone, and prints each one's figures on one line: the process-to-
# process spread of an edit's cost. Extra variables pass through, e.g.
#   SG_EDIT_KINDS=method tests/SymbolicGrad.Benchmarks/EditCost/edit-cost-runs.sh 10
#   SG_EDIT_WARMUP=30 …                       (the harness's warm-up before it waited for the JIT)
#   SG_EDIT_BASELINE=/path/SymbolicGrad.Generator.dll …   (another build of the generator instead of this one)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-10}
dll=bin/Release/net10.0/SymbolicGrad.Benchmarks.dll
[ -f "$dll" ] || dotnet build -c Release --nologo -v q
for i in $(seq 1 "$n"); do
    out=$(SG_EDIT_ALONE=1 dotnet "$dll" --edit-cost)
    cold=$(grep -o 'Cold first compile[^:]*: [0-9]* ms thread CPU' <<<"$out" | grep -o '[0-9]* ms thread CPU')
    rows=$(grep -E '^(first compile|edit one method|edit elsewhere|insert in method|  allocated)' <<<"$out" | sed -E 's/ +/ /g' | paste -sd '|')
    echo "$i load $(cut -d' ' -f1 /proc/loadavg) | cold $cold | $rows"
done
