#!/bin/sh
# The real kernel's fork+exit+wait rate on this machine, for comparison with
# `pidns storm --workload wide`: a fresh PID namespace whose init forks a
# child, the child _exits, init waits for it, N times (default 3000), REPS
# times (default 5). Needs root (unshare(CLONE_NEWPID)) and a C compiler.
#
#   bench/kernel/run.sh [N] [REPS]
set -e
case "${1:-}" in
  -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
here=$(dirname "$0")
out=${TMPDIR:-/tmp}/pidns-forkrate
cc -O2 -o "$out" "$here/forkrate.c"
n=${1:-3000}
reps=${2:-5}
i=0
while [ "$i" -lt "$reps" ]; do
    "$out" "$n"
    i=$((i + 1))
done
