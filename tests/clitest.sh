#!/bin/bash
# What a user sees from the tcevirt command: exit codes, one-line errors,
# manual pages.  TAP output.  usage: clitest.sh TCEVIRT DATADIR PARSEDIR
tcevirt=$1 data=$2 parse=$3
. "$(dirname "$0")/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT


# refuse: exit status 1 and exactly one line on stderr starting "error: "
refuse() {  # refuse NAME FILE
    "$tcevirt" validate "$2" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l < "$tmp/err")
    [ $rc = 1 ] && [ "$lines" = 1 ] && grep -q '^error: ' "$tmp/err" && [ ! -s "$tmp/out" ]
    ok "$1" $? "rc=$rc stderr=$(head -c 300 "$tmp/err")"
}

echo "TAP version 13"
for f in "$parse"/*.xml; do
    refuse "cli/refuses/$(basename "$f" .xml)" "$f"
done

# a 10 MB document and deep nesting
{ printf '<domain type="qemu"><name>big</name><memory>1</memory><os><type>hvm</type></os><description>'
  head -c 10485760 /dev/zero | tr '\0' 'x'
  printf '</description></domain>'; } > "$tmp/huge.xml"
refuse cli/refuses/10MB-document "$tmp/huge.xml"
{ printf '<domain type="qemu"><name>deep</name><memory>1</memory><os><type>hvm</type></os><metadata>'
  for i in $(seq 1 5000); do printf '<x:a xmlns:x="urn:x">'; done; } > "$tmp/deep.xml"
refuse cli/refuses/deep-nesting "$tmp/deep.xml"
refuse cli/refuses/missing-file "$tmp/does-not-exist.xml"
printf '\x00\xff\xfe<domain' > "$tmp/binary.xml"
refuse cli/refuses/binary-garbage "$tmp/binary.xml"

# accepted documents: exit 0, the verdict on stdout
"$tcevirt" validate "$data/pseries-basic.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && grep -q "is valid" "$tmp/out" && [ ! -s "$tmp/err" ]
ok cli/validate/accepts $? "rc=$rc $(cat "$tmp/err")"
"$tcevirt" domxml-to-native "$data/pseries-basic.xml" > "$tmp/args"
cmp -s "$tmp/args" "$data/pseries-basic.args"
ok cli/domxml-to-native/matches-golden $?
"$tcevirt" validate --normalized - < "$data/pseries-basic.xml" > "$tmp/norm.xml"
ok cli/validate/normalized-from-stdin $?

# usage errors: exit 2
"$tcevirt" validate >/dev/null 2>&1; [ $? = 2 ]
ok cli/usage/no-file $?
"$tcevirt" validate --bogus x.xml >/dev/null 2>&1; [ $? = 2 ]
ok cli/usage/unknown-option $?
"$tcevirt" frobnicate >/dev/null 2>&1; [ $? = 2 ]
ok cli/usage/unknown-verb $?

# every verb has a manual page with the usual sections
for verb in $("$tcevirt" help | awk 'NR > 1 {print $1}'); do
    "$tcevirt" help "$verb" > "$tmp/man" && grep -q '^NAME' "$tmp/man" &&
        grep -q '^SYNOPSIS' "$tmp/man" && "$tcevirt" "$verb" --help | cmp -s - "$tmp/man"
    ok "cli/help/$verb" $?
done
tap_done
