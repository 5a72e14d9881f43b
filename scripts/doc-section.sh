#!/bin/bash
# doc-section.sh FILE NAME COMMAND...: replaces the lines between
# "<!-- begin NAME -->" and "<!-- end NAME -->" in FILE with the output of
# COMMAND (make docs: the generated parts of hand-written pages).
set -euo pipefail
file=$1 name=$2
shift 2
grep -q "^<!-- begin $name -->\$" "$file" || { echo "$file: no <!-- begin $name --> line" >&2; exit 1; }
grep -q "^<!-- end $name -->\$" "$file" || { echo "$file: no <!-- end $name --> line" >&2; exit 1; }
gen=$(mktemp) out=$(mktemp)
trap 'rm -f "$gen" "$out"' EXIT
"$@" >"$gen"
awk -v name="$name" -v gen="$gen" '
	$0 == "<!-- begin " name " -->" { print; while ((getline l < gen) > 0) print l; skip = 1; next }
	$0 == "<!-- end " name " -->" { skip = 0 }
	!skip { print }
' "$file" >"$out"
cat "$out" >"$file"
