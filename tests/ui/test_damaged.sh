#!/usr/bin/env bash
# The counter UI checks its database (quick_check) at every start, even
# when a short command checked it minutes ago; a damaged database gets a
# screen that names the newest good backup and the exact command that
# restores it, and nothing is written to the damaged file.
. "$(dirname "$0")/../lib/ui.sh"

bk=$work/backups
mkdir -p "$bk"
conf=$work/saledesk.conf
printf '[database]\npath = %s\n[backup]\ndir = %s\n' "$SALEDESK_DB" "$bk" >"$conf"
export SALEDESK_CONFIG=$conf
unset SALEDESK_QUICK_CHECK
init_desk
as_admin backup >/dev/null
good=$(ls "$bk"/saledesk-*.db)
[ -f "$good" ] && ok "a backup to restore from" || not_ok "no backup in $bk"

ui_start 120 30
ui_expect "Password" "a sound database: the UI opens the login screen"
ui_stop
# A short command within the hour skips the check (db/db.c's stamp); the
# UI must not.
expect_rc 0 "a short command checks the database and stamps it" as_admin tariff list
[ -f "$SALEDESK_DB-checked" ] && ok "...the hourly stamp is there" || not_ok "no $SALEDESK_DB-checked"
sqlite3 "$SALEDESK_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
size=$(stat -c %s "$SALEDESK_DB")
dd if=/dev/urandom of="$SALEDESK_DB" bs=4096 seek=2 count=$(( size / 4096 - 3 )) conv=notrunc status=none
sum_before=$(cat "$SALEDESK_DB" "$SALEDESK_DB"-wal 2>/dev/null | sha256sum)
ls_before=$(ls -A "$work" | grep -v '^tmux')

ui_start 120 30
ui_expect "The database is damaged" "a damaged database: the UI says so at start, within the hour of a check"
ui_expect "fails its quick check" "...because its quick check failed"
ui_expect "Nothing was written to it." "...saying nothing was written"
ui_expect "The newest good backup is:" "...naming the newest good backup"
ui_expect "$good" "...by its full path"
ui_expect "saledesk restore $good --operator LOGIN" "...and the exact command that restores it"
ui_absent "Password" "...and no login screen"
ui_keys x
ui_expect "[saledesk exited 1]" "a key leaves with status 1"
ui_expect "saledesk restore $good --operator LOGIN" "...leaving the command on the terminal to copy"
[ "$(cat "$SALEDESK_DB" "$SALEDESK_DB"-wal 2>/dev/null | sha256sum)" = "$sum_before" ] \
	&& ok "...the damaged file is untouched" || not_ok "the damaged database changed"
[ "$(ls -A "$work" | grep -v '^tmux')" = "$ls_before" ] && ok "...and no file appeared beside it" \
	|| not_ok "files changed: $(ls -A "$work")"

# The command shown works: the desk is back.
expect_rc 0 "the command shown restores the desk" as_admin restore "$good"
ui_start 120 30
ui_expect "Password" "...and the UI opens the login screen again"

# No good backup: the screen says so instead of naming one.
ui_stop
rm -f "$SALEDESK_DB".before-restore-*
sqlite3 "$SALEDESK_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
size=$(stat -c %s "$SALEDESK_DB")
dd if=/dev/urandom of="$SALEDESK_DB" bs=4096 seek=2 count=$(( size / 4096 - 3 )) conv=notrunc status=none
printf 'XXXX' | dd of="$good" bs=1 seek=5000 conv=notrunc status=none
ui_start 120 30
ui_expect "No backup verifies in: $bk" "with no backup that verifies the screen says so"
ui_absent "saledesk restore" "...and names no command"
tap_done
