#!/bin/sh
# Record .expected transcripts for scenarios with the real-kernel oracle.
#
#   scripts/record-scenarios.sh [options] DIR|FILE.pidns ...
#
# Each scenario is run RUNS times (default 5) through the oracle
# (default /tmp/oracle/pidns-oracle; override with ORACLE=path). When every run
# exits with the wanted status and prints the same transcript, NAME.expected is
# (re)written. A scenario that must stop with a scenario error has NAME.exit
# holding "STATUS LINE" (e.g. "2 15"): every run must exit with STATUS and
# print "FILE:LINE: ..." first on stderr; NAME.expected then holds the lines
# printed before the bad one.
#
# Options:
#   --check   compare with the stored NAME.expected instead of writing it
#   --prune   delete scenarios (.pidns/.expected/.exit) that are
#             nondeterministic or that the oracle cannot answer (exit 3)
#   -j N      run N scenarios in parallel (default 1; each oracle run has its
#             own fresh PID namespace, so parallel runs do not interfere)
#
# Prints one line per scenario: "ok", "DIFF", "NONDET", "FAIL" (wrong exit
# status / oracle failure). Exit status 0 when every scenario was ok.
# Needs root (the oracle unshares a PID namespace).

ORACLE=${ORACLE:-/tmp/oracle/pidns-oracle}
RUNS=${RUNS:-5}
check=0
prune=0
jobs=1
while [ $# -gt 0 ]; do
    case "$1" in
    --check) check=1; shift ;;
    --prune) prune=1; shift ;;
    -j) jobs=$2; shift 2 ;;
    --one) shift; break ;;
    *) break ;;
    esac
done

if [ ! -x "$ORACLE" ]; then
    src=${ORACLE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)/shared/tools/pidns-oracle}
    if [ -d "$src" ]; then
        mkdir -p /tmp/oracle && cp "$src"/* /tmp/oracle/ && (cd /tmp/oracle && ./build.sh) || exit 1
        ORACLE=/tmp/oracle/pidns-oracle
    else
        echo "oracle not found: $ORACLE" >&2
        exit 1
    fi
fi

# One scenario; prints its status line. Called as "$0 --one FILE" by xargs.
one() {
    s=$1
    base=${s%.pidns}
    name=$(basename "$base")
    tmp=$(mktemp -d /tmp/pidns-rec.XXXXXX)
    want_rc=0
    want_line=
    if [ -f "$base.exit" ]; then
        read -r want_rc want_line <"$base.exit"
    fi
    status=ok
    msg=
    i=1
    while [ $i -le "$RUNS" ]; do
        "$ORACLE" "$s" >"$tmp/out.$i" 2>"$tmp/err.$i"
        rc=$?
        if [ $rc -ne "$want_rc" ]; then
            status=FAIL
            msg="run $i exit status $rc (want $want_rc): $(head -c 300 "$tmp/err.$i" | tr '\n' ' ')"
            break
        fi
        if [ -n "$want_line" ] && ! head -n 1 "$tmp/err.$i" | grep -q "^$s:$want_line: "; then
            status=FAIL
            msg="run $i stderr is not '$s:$want_line: ...': $(head -c 300 "$tmp/err.$i")"
            break
        fi
        if [ $i -gt 1 ] && ! cmp -s "$tmp/out.1" "$tmp/out.$i"; then
            status=NONDET
            msg="run $i differs from run 1: $(diff "$tmp/out.1" "$tmp/out.$i" | grep '^[<>]' | head -4 | tr '\n' ' ')"
            break
        fi
        i=$((i + 1))
    done
    if [ $status = ok ]; then
        if [ $check -eq 1 ]; then
            if ! cmp -s "$tmp/out.1" "$base.expected"; then
                status=DIFF
                msg=$(diff "$base.expected" "$tmp/out.1" | grep '^[<>]' | head -4 | tr '\n' ' ')
            fi
        else
            cp "$tmp/out.1" "$base.expected"
        fi
    fi
    rm -rf "$tmp"
    echo "$status $s${msg:+: $msg}"
    if [ $prune -eq 1 ] && { [ $status = NONDET ] || [ $status = FAIL ]; }; then
        rm -f "$s" "$base.expected" "$base.exit"
    fi
    [ $status = ok ]
}

if [ "$1" = "" ]; then
    echo "usage: $0 [--check] [--prune] [-j N] DIR|FILE.pidns ..." >&2
    exit 2
fi

# single-scenario mode (used by the parallel runner)
if [ -n "$PIDNS_REC_ONE" ]; then
    one "$1"
    exit $?
fi

list=$(mktemp /tmp/pidns-rec-list.XXXXXX)
for a in "$@"; do
    if [ -d "$a" ]; then
        ls "$a"/*.pidns 2>/dev/null
    else
        echo "$a"
    fi
done | sort >"$list"

res=$(mktemp /tmp/pidns-rec-res.XXXXXX)
export ORACLE RUNS
PIDNS_REC_ONE=1 check=$check prune=$prune \
    xargs -P "$jobs" -n 1 env PIDNS_REC_ONE=1 sh "$0" $( [ $check -eq 1 ] && echo --check ) \
    $( [ $prune -eq 1 ] && echo --prune ) <"$list" | tee "$res"
total=$(wc -l <"$res")
okc=$(grep -c '^ok ' "$res")
echo "== $okc/$total ok ($(grep -c '^NONDET' "$res") nondeterministic, $(grep -c '^FAIL' "$res") failed, $(grep -c '^DIFF' "$res") differ)"
rm -f "$list" "$res"
[ "$okc" -eq "$total" ]
