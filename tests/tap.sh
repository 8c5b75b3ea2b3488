# TAP helpers for the shell tests; source it: . "$(dirname "$0")/tap.sh"
n=0 fails=0

# ok NAME STATUS [DETAIL]: a result; DETAIL (any lines) is shown on failure
ok() {
    n=$((n + 1))
    if [ "$2" = 0 ]; then
        echo "ok $n $1"
    else
        echo "not ok $n $1"
        [ -n "${3:-}" ] && printf '%s\n' "$3" | head -c 3000 | sed 's/^/# /'
        fails=$((fails + 1))
    fi
}

# wait_for SECONDS CMD...: until CMD succeeds; status 1 if it never does
wait_for() {
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -ge $end ] && return 1
        sleep 0.05
    done
}

# the plan, and the exit status of the whole test
tap_done() {
    echo "1..$n"
    [ "$fails" = 0 ]
}
