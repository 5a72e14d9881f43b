#!/bin/bash
# /proc/sys/kernel/hostname and domainname show what uname(2) shows in the
# sandbox: the config's names, or without them what a new uts namespace
# holds (its parent's, as `unshare -u` on the host shows).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/sh -c 'cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname; uname -n'
names() { tr '\n' ' ' <"$T_TMP/out" | sed 's/ $//'; }

jq '.hostname = "box" | .domainname = "example.org"' "$B/config.json" >"$B/c" &&
	mv "$B/c" "$B/config.json"
runsc run --bundle "$B" uts1-$$ >"$T_TMP/out" 2>"$T_TMP/err"
t_expect "config names in /proc/sys/kernel and uname" "box example.org box" names

jq 'del(.hostname) | del(.domainname)' "$B/config.json" >"$B/c" &&
	mv "$B/c" "$B/config.json"
want="$(unshare -u sh -c 'cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname; uname -n' | tr '\n' ' ' | sed 's/ $//')"
runsc run --bundle "$B" uts2-$$ >"$T_TMP/out" 2>"$T_TMP/err"
t_expect "no config names: a new uts namespace's, as on the host" "$want" names
for id in uts1-$$ uts2-$$; do runsc delete -f "$id" >/dev/null 2>&1; done
[ -z "$(ls "$T_ROOT")" ] && t_ok "no state left" || t_fail "no state left" "$(ls "$T_ROOT")"
