#!/bin/bash
# The suite's guard for the machine it runs on. Several tests run their
# attack on the host as well, where it must succeed (so that a broken
# attack cannot pass); such a control run must never reach the host's
# own files. exec_join.sh's once appended lines to libc.so.6 and the zone
# file and made them mode 0606, which broke later runs in odd ways.
#
#   host_intact.sh snapshot FILE   what the host's files are now
#   host_intact.sh check FILE      compares with that; prints one result
#
# What it looks at: the contents of the files Debian's packages installed
# (dpkg -V; configuration files are left out: tests may configure the
# daemons they install) and which files and directories under /etc and
# /usr are writable by anyone (not sticky).
set -u

state() {
	dpkg -V 2>/dev/null | awk '$2 != "c" && $1 != "missing"' | sort
	find /etc /usr -xdev \( -type f -o -type d \) -perm -0002 \
		! -perm -1000 -printf 'world-writable %p\n' 2>/dev/null | sort
}

case ${1:-}:${2:-} in
snapshot:?*)
	state >"$2"
	;;
check:?*)
	if [ ! -s "$2.done" ]; then
		echo "skip host: the suite left the host's files as they were: no snapshot"
		exit 0
	fi
	changed=$(state | comm -13 "$2" -)
	if [ -z "$changed" ]; then
		echo "ok host: the suite left the host's files as they were"
	else
		echo "not ok host: the suite left the host's files as they were: changed: $(echo "$changed" | head -5 | tr '\n' ';')"
	fi
	;;
*)
	echo "usage: host_intact.sh snapshot|check FILE" >&2
	exit 2
	;;
esac
