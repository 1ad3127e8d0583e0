#!/usr/bin/env bash
# `make demo` works on a clean folder and keeps its generated passwords
# out of what it prints.
. "$(dirname "$0")/../lib/tap.sh"
dir=$(mktemp -d /tmp/saledesk-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
out=$(SALEDESK_DEMO_DIR=$dir/demo bash "$(dirname "$0")/../demo/demo.sh" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "the demo runs to the end" || { not_ok "the demo failed ($rc)"; echo "$out" | sed 's/^/# /'; }
contains "$out" "Imported 412 accounts" "it imports the sample campus"
contains "$out" "商铺分时电价" "it shows the tariffs"
contains "$out" "Audit chain intact" "it ends with an intact audit trail"
pw=$(awk 'NR==1{print $2}' "$dir/demo/passwords.txt")
[ ${#pw} -ge 8 ] && ok "it generates passwords" || not_ok "no generated password"
lacks "$out" "$pw" "it never prints them"
[ "$(stat -c %a "$dir/demo/passwords.txt")" = 600 ] && ok "the password file is private (0600)" \
	|| not_ok "password file mode $(stat -c %a "$dir/demo/passwords.txt")"
pw2=$(SALEDESK_DEMO_DIR=$dir/demo2 bash "$(dirname "$0")/../demo/demo.sh" >/dev/null 2>&1; awk 'NR==1{print $2}' "$dir/demo2/passwords.txt")
[ "$pw" != "$pw2" ] && ok "each run has its own passwords" || not_ok "the demo reused a password"
tap_done
