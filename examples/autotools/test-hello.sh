#!/bin/sh
# make check: the program greets through the library, and says whether
# static probes are compiled in as configure decided ($STATIC_PROBES).
status=0
fail () { echo "FAIL: $*"; status=1; }

out=`./hello autotools probes` || fail "./hello exited with status $?"
expected="hello, autotools
hello, probes
goodbye, probes"
test "$out" = "$expected" || fail "./hello printed '$out', not '$expected'"

out=`./hello --probes` || fail "./hello --probes exited with status $?"
expected="static probes: ${STATIC_PROBES-unset}
enabled: 0"
test "$out" = "$expected" || fail "./hello --probes printed '$out', not '$expected'"
exit $status
