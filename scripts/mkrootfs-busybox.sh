#!/bin/bash
# mkrootfs-busybox.sh DIR: a minimal root filesystem from Debian's
# busybox-static: /bin/busybox plus one link per applet, and the few files
# programs expect (/etc/passwd, /etc/group, /etc/hosts, /tmp).
set -eu
dir=$1
bb=/bin/busybox
[ -x "$bb" ] || { echo "busybox-static is not installed" >&2; exit 1; }
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,home,var/tmp,run}
chmod 1777 "$dir.tmp/tmp" "$dir.tmp/var/tmp"
cp "$bb" "$dir.tmp/bin/busybox"
for applet in $("$bb" --list-full); do
	[ -e "$dir.tmp/$applet" ] || ln -s /bin/busybox "$dir.tmp/$applet"
done
cat >"$dir.tmp/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >"$dir.tmp/etc/group" <<'G'
root:x:0:
nogroup:x:65534:
G
printf '127.0.0.1 localhost\n::1 localhost\n' >"$dir.tmp/etc/hosts"
echo "cvisor" >"$dir.tmp/etc/hostname"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$dir"
