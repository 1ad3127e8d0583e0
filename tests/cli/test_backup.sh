#!/usr/bin/env bash
# Backups: taken online into the configured folder with a manifest,
# listed, verified (tampered, truncated, wrong passphrase all caught),
# encrypted, rotated; restore swaps in atomically and survives a power cut
# at every step; a power cut during a backup leaves nothing that passes for
# one; a damaged database at start names the backup to restore (the
# service checks at every start);
# audit verify --against catches rows deleted after a backup; a full disk
# or a missing or read-only folder fails cleanly.
. "$(dirname "$0")/../lib/cli.sh"

bk=$work/backups
mkdir -p "$bk"
conf=$work/saledesk.conf
printf '[database]\npath = %s\n[backup]\ndir = %s\n' "$SALEDESK_DB" "$bk" >"$conf"
export SALEDESK_CONFIG=$conf
init_desk
as_admin tariff add RES --name R --spec "flat 0.5" >/dev/null
as_admin operator add cash --name Cashier --roles cashier --new-password-fd 4 4<<<"cash-pass-1" >/dev/null
# Money in the ledger, so the manifest has sums to record: two sales and a
# refund (the sale kinds are written by issue 5; here straight in SQL).
sqlite3 "$SALEDESK_DB" <<'SQL'
.timeout 5000
INSERT INTO customers(id, name, created_at) VALUES (1, '陈静', 1);
INSERT INTO accounts(id, account_no, customer_id, opened_at) VALUES (1, '1001', 1, 1);
INSERT INTO ledger(ts, kind, account_id, amount, operator_id) VALUES (2, 'sale', 1, 5000, 1), (3, 'sale', 1, 2500, 1), (4, 'refund', 1, -1000, 1);
SQL

newest() { ls -t "$bk"/saledesk-*.db* 2>/dev/null | grep -v manifest | head -1; }
mget() { sed -n "s/^$2 = //p" "$1"; }

expect_rc 1 "a cashier may not take a backup" as cash cash-pass-1 backup
contains "$err" "may not make and restore backups" "...the permission is named"
[ -z "$(ls -A "$bk")" ] && ok "...and nothing is written" || not_ok "a cashier's backup left files"

expect_rc 0 "an administrator takes a backup into the configured folder" as_admin backup
b1=$(newest)
contains "$out" "Backup written: $bk/saledesk-" "...named by UTC time"
[[ $(basename "$b1") =~ ^saledesk-[0-9]{8}T[0-9]{6}Z\.db$ ]] && ok "...as saledesk-YYYYMMDDTHHMMSSZ.db" || not_ok "bad name $b1"
m1=$b1.manifest
[ -f "$m1" ] && ok "...with a manifest beside it" || not_ok "no manifest"
[ "$(mget "$m1" sha256)" = "$(sha256sum "$b1" | cut -d' ' -f1)" ] && ok "...whose SHA-256 is the file's" || not_ok "manifest hash differs"
[ "$(mget "$m1" size)" = "$(stat -c %s "$b1")" ] && ok "...and size too" || not_ok "manifest size differs"
[ "$(mget "$m1" ledger.sum)" = 6500 ] && ok "...ledger sum 6500 fen" || not_ok "ledger.sum $(mget "$m1" ledger.sum)"
[ "$(mget "$m1" ledger.sale.sum)" = 7500 ] && [ "$(mget "$m1" ledger.refund.rows)" = 1 ] && ok "...and per kind" || not_ok "kind sums wrong"
[ "$(mget "$m1" schema)" = "$(sqlite3 "$SALEDESK_DB" 'PRAGMA user_version')" ] && ok "...the schema version" || not_ok "schema differs"
head_id=$(sqlite3 "$SALEDESK_DB" "SELECT max(id) FROM audit WHERE id <= $(mget "$m1" audit.head_id)")
[ "$(mget "$m1" audit.head_hash)" = "$(sqlite3 "$SALEDESK_DB" "SELECT lower(hex(hash)) FROM audit WHERE id = $head_id")" ] \
	&& ok "...and the audit chain's head" || not_ok "audit head differs"
expect_rc 0 "the backup is a plain SQLite file" sqlite3 "$b1" "PRAGMA journal_mode; PRAGMA integrity_check; SELECT count(*) FROM ledger"
[ "$out" = $'delete\nok\n3' ] && ok "...self-contained (no WAL), sound, with the ledger" || not_ok "backup file: $out"
[ -z "$(ls -A "$bk" | grep -v '^saledesk-')" ] && ok "...and no temporary file is left" || not_ok "leftovers: $(ls -A "$bk")"
[ "$(stat -c %a "$b1")" = 600 ] && [ "$(stat -c %a "$m1")" = 600 ] && ok "...readable by its owner only" || not_ok "modes $(stat -c %a "$b1" "$m1")"

expect_rc 0 "backup list shows it" as_admin backup list --format tsv
contains "$out" $'file\ttaken\tbytes' "...with a header in TSV"
contains "$out" "$(basename "$b1")"$'\t' "...and the file"
contains "$out" $'\t65.00\t' "...and the ledger sum in yuan"

expect_rc 0 "backup verify passes a good backup" as_admin backup verify "$b1"
contains "$out" "PASS integrity_check: ok" "...integrity_check"
contains "$out" "PASS a saledesk database" "...application_id"
contains "$out" "ledger 3 rows summing to 6500 fen" "...money sums recomputed"
lacks "$out" "FAIL" "...no FAIL line"

cp "$b1" "$work/tampered.db"; cp "$m1" "$work/tampered.db.manifest"
printf 'X' | dd of="$work/tampered.db" bs=1 seek=$(( $(stat -c %s "$b1") / 2 )) conv=notrunc status=none
expect_rc 1 "a backup with one byte changed fails verify" as_admin backup verify "$work/tampered.db"
contains "$out" "FAIL file SHA-256" "...on its hash"
contains "$err" "changed or cut short" "...saying so"
cp "$b1" "$work/short.db"; cp "$m1" "$work/short.db.manifest"
truncate -s 8192 "$work/short.db"
expect_rc 1 "a truncated backup fails verify" as_admin backup verify "$work/short.db"
contains "$out" "FAIL" "...with a FAIL line"
# Restore refuses both before touching the live database.
sqlite3 "$SALEDESK_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
live_sum=$(cat "$SALEDESK_DB" "$SALEDESK_DB"-wal 2>/dev/null | sha256sum)
for bad in tampered short; do
	expect_rc 1 "restore refuses the $bad backup" as_admin restore "$work/$bad.db"
	contains "$out" "FAIL file SHA-256" "...on its hash"
	[ "$(cat "$SALEDESK_DB" "$SALEDESK_DB"-wal 2>/dev/null | sha256sum)" = "$live_sum" ] && ok "...the live database is untouched" || not_ok "restore of a $bad backup changed the live database"
	[ -z "$(ls -A "$work" | grep -e before-restore -e saledesk-restore)" ] && ok "...and nothing is left beside it" || not_ok "left: $(ls -A "$work")"
done
cp "$b1" "$work/lie.db"; sed 's/^ledger.sum = .*/ledger.sum = 999999/' "$m1" >"$work/lie.db.manifest"
expect_rc 1 "a manifest whose money sum is wrong fails verify" as_admin backup verify "$work/lie.db"
contains "$out" "FAIL contents differ from the manifest: ledger" "...the recomputed ledger sum differs"
cp "$b1" "$work/nomani.db"
expect_rc 1 "a backup without its manifest cannot be verified" as_admin backup verify "$work/nomani.db"
contains "$err" "no manifest" "...saying so"

# Encryption.
expect_rc 1 "a short passphrase is refused" as_admin backup --passphrase-fd 4 4<<<"short"
contains "$err" "at least 10 characters" "...with the rule"
pass='correct horse battery staple'
expect_rc 0 "an encrypted backup" as_admin backup --passphrase-fd 4 4<<<"$pass"
enc=$(newest)
[[ $enc == *.db.enc ]] && ok "...named .db.enc" || not_ok "encrypted name $enc"
[ "$(head -c 7 "$enc")" = SDKBACK ] && ok "...starting with the magic" || not_ok "no magic"
! grep -aq "Test Campus" "$enc" && ok "...with no plaintext in it" || not_ok "plaintext found in the encrypted backup"
! grep -rq "$pass" "$bk" && lacks "$out" "$pass" "...and the passphrase is in no file and no output" || not_ok "passphrase leaked"
[ -z "$(ls -A "$work" | grep saledesk-backup)" ] && ok "...and the staged plaintext is gone" || not_ok "staged plaintext left"
expect_rc 1 "a wrong passphrase fails verify" as_admin backup verify "$enc" --passphrase-fd 4 4<<<"wrong passphrase here"
contains "$out" "FAIL decryption" "...at decryption"
contains "$err" "passphrase is wrong or the file was changed" "...saying what to do"
expect_rc 0 "the right passphrase verifies it" as_admin backup verify "$enc" --passphrase-fd 4 4<<<"$pass"
contains "$out" "PASS decrypted, AES-256-GCM tag valid" "...tag checked"
cp "$enc" "$work/tenc.db.enc"
printf 'X' | dd of="$work/tenc.db.enc" bs=1 seek=100 conv=notrunc status=none
sed "s/^sha256 = .*/sha256 = $(sha256sum "$work/tenc.db.enc" | cut -d' ' -f1)/" "$enc.manifest" >"$work/tenc.db.enc.manifest"
expect_rc 1 "an altered encrypted backup (manifest forged to match) fails at the GCM tag" \
	as_admin backup verify "$work/tenc.db.enc" --passphrase-fd 4 4<<<"$pass"
contains "$out" "FAIL decryption" "...at decryption"

# Folder faults.
expect_rc 1 "a missing backup folder is a clean error" as_admin backup --dir "$work/nope"
contains "$err" "$work/nope does not exist" "...naming it"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	ro=$work/robk; mkdir -p "$ro"
	expect_rc 1 "a read-only backup folder is a clean error" unshare -m --propagation private bash -c \
		'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' _ "$ro" \
		"$SD" backup --dir "$ro" --operator admin --password-fd 3 3<<<"$ADMIN_PW"
	contains "$err" "only file system" "...saying it is read-only"
	[ -z "$(ls -A "$ro")" ] && ok "...and nothing is left in it" || not_ok "left: $(ls -A "$ro")"

	# Disk full: pad the live database past the size of a small tmpfs.
	sqlite3 -cmd ".timeout 5000" "$SALEDESK_DB" "INSERT INTO settings VALUES ('test.pad', hex(randomblob(400000)))"
	count_before=$(sqlite3 "$SALEDESK_DB" "SELECT count(*) FROM ledger")
	full=$work/full; mkdir -p "$full"
	for mode in plain encrypted; do
		extra=(); [ $mode = encrypted ] && extra=(--passphrase-fd 4)
		expect_rc 1 "disk full during a $mode backup is a clean error" unshare -m --propagation private bash -c \
			'd=$1; mount -t tmpfs -o size=256k tmpfs "$d" && shift && "$@"; rc=$?; ls -A "$d" >"$d.left"; exit $rc' \
			_ "$full" "$SD" backup --dir "$full" "${extra[@]}" --operator admin --password-fd 3 3<<<"$ADMIN_PW" 4<<<"$pass"
		contains "$err" "disk is full" "...saying the disk is full"
		[ -f "$full.left" ] && [ ! -s "$full.left" ] && ok "...the partial file is removed" || not_ok "left on the full disk: $(cat "$full.left" 2>/dev/null)"
		[ -z "$(ls -A "$work" | grep saledesk-backup)" ] && ok "...no staged copy is left" || not_ok "staged copy left"
		expect_rc 0 "...and the live database is sound" sqlite3 "$SALEDESK_DB" "PRAGMA integrity_check; SELECT count(*) FROM ledger"
		[ "$out" = $'ok\n'"$count_before" ] && ok "...with its ledger" || not_ok "live database after disk full: $out"
		rm -f "$full.left"
	done
	sqlite3 -cmd ".timeout 5000" "$SALEDESK_DB" "DELETE FROM settings WHERE key = 'test.pad'"
else
	ok "# SKIP read-only and disk-full tests need root and unshare"
fi

# A power cut (SIGKILL) during a backup: nothing passes for a backup.
names_before=$(ls "$bk")
{ ( SALEDESK_FAULT=backup:1 exec "$SD" backup --operator admin --password-fd 3 3<<<"$ADMIN_PW" >/dev/null 2>&1 ); rc=$?; } 2>/dev/null
[ $rc = 137 ] && ok "power cut during a backup's copy" || not_ok "backup:1: exit $rc, wanted 137 (killed)"
[ "$(ls "$bk")" = "$names_before" ] && ok "...no new backup is listed in the folder" || not_ok "new names: $(ls "$bk")"
ls -A "$bk" | grep -q '^\.saledesk-.*\.db\.tmp-' && ok "...only a hidden .tmp is left (docs/backup.md)" || not_ok "no hidden tmp: $(ls -A "$bk")"
expect_rc 0 "...and the live database is sound" sqlite3 "$SALEDESK_DB" "PRAGMA integrity_check"
rm -f "$bk"/.saledesk-*.tmp-*
sleep 1  # a new second, a new name
{ ( SALEDESK_FAULT=backup:2 exec "$SD" backup --operator admin --password-fd 3 3<<<"$ADMIN_PW" >/dev/null 2>&1 ); rc=$?; } 2>/dev/null
[ $rc = 137 ] && ok "power cut after a backup's rename, before its manifest" || not_ok "backup:2: exit $rc, wanted 137 (killed)"
orphan=$(comm -13 <(echo "$names_before") <(ls "$bk"))
[ -n "$orphan" ] && [ ! -e "$bk/$orphan.manifest" ] && ok "...the file is there without a manifest" || not_ok "after backup:2: $(ls "$bk")"
expect_rc 1 "...and verify refuses it" as_admin backup verify "$bk/$orphan"
contains "$err" "no manifest" "...for want of its manifest"
expect_rc 1 "...and so does restore" as_admin restore "$bk/$orphan"
rm -f "$bk/$orphan"

# Writers keep going during a backup.
( for i in $(seq 1 40); do sqlite3 -cmd ".timeout 5000" "$SALEDESK_DB" "INSERT INTO settings VALUES ('w.$i', '$i')" || echo fail; done ) >"$work/writer.out" 2>&1 &
wpid=$!
expect_rc 0 "a backup while another process writes" as_admin backup
wait $wpid
! grep -q . "$work/writer.out" && ok "...the writer never failed" || not_ok "writer: $(cat "$work/writer.out")"
expect_rc 0 "...and the backup verifies" as_admin backup verify "$(newest)"

# audit verify --against: rows deleted after a backup are caught.
as_admin tariff add LATE --name L --spec "flat 0.7" >/dev/null
expect_rc 0 "audit verify --against a backup passes while history is intact" as_admin audit verify --against "$b1"
contains "$out" "matches backup $(basename "$b1")" "...saying so"
cp "$SALEDESK_DB" "$work/cut.db"
sqlite3 "$SALEDESK_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$SALEDESK_DB" "$work/cut.db"
h=$(mget "$m1" audit.head_id)
sqlite3 "$work/cut.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id >= $((h - 1))"
expect_rc 1 "rows deleted from the end since the backup are caught" sd --db "$work/cut.db" audit verify --against "$b1" --operator admin --password-fd 3 3<<<"$ADMIN_PW"
contains "$err" "rows were deleted from the end" "...saying so"
expect_rc 0 "(the chain alone cannot see that)" sd --db "$work/cut.db" audit verify --operator admin --password-fd 3 3<<<"$ADMIN_PW"

# Restore.
sqlite3 -cmd ".timeout 5000" "$SALEDESK_DB" "INSERT INTO ledger(ts, kind, account_id, amount, operator_id) VALUES (9, 'sale', 1, 100, 1)"
( exec 9<"$SALEDESK_DB"; sleep 20 ) &
holder=$!
sleep 0.2
expect_rc 1 "restore is refused while another process has the database open" as_admin restore "$b1"
contains "$err" "process $holder has" "...naming the process"
kill $holder 2>/dev/null; wait $holder 2>/dev/null
chmod 640 "$SALEDESK_DB"
expect_rc 0 "restore swaps the backup in" as_admin restore "$b1"
contains "$out" "PASS integrity_check" "...after verifying it"
contains "$out" "previous database is kept as $SALEDESK_DB.before-restore-" "...keeping the old one aside"
aside=$(ls "$SALEDESK_DB".before-restore-* | head -1)
[ "$(sqlite3 "$SALEDESK_DB" "SELECT count(*) || ':' || sum(amount) FROM ledger")" = "3:6500" ] && ok "...the ledger is the backup's" || not_ok "ledger after restore"
[ "$(sqlite3 "$aside" "SELECT count(*) FROM ledger")" = 4 ] && ok "...and the old database, aside, still has its sale" || not_ok "aside ledger"
[ "$(stat -c %a "$SALEDESK_DB")" = 640 ] && ok "...keeping the mode of the file it replaced" || not_ok "mode after restore $(stat -c %a "$SALEDESK_DB")"
[ "$(sqlite3 "$SALEDESK_DB" "PRAGMA journal_mode")" = wal ] && ok "...the restored database is back in WAL mode" || not_ok "not WAL"
expect_rc 0 "...its audit chain verifies" as_admin audit verify
expect_rc 0 "...and records the restore" as_admin audit list --last 3 --format tsv
contains "$out" "backup.restore" "...as backup.restore"
rm -f "$SALEDESK_DB".before-restore-*

# A power cut (SIGKILL) at each step of a restore leaves a usable database.
as_admin tariff add OLD --name O --spec "flat 0.9" >/dev/null
sqlite3 "$SALEDESK_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$SALEDESK_DB" "$work/before.db"
for n in 1 2 3 4 5 6; do
	rm -f "$SALEDESK_DB" "$SALEDESK_DB"-wal "$SALEDESK_DB"-shm "$SALEDESK_DB".before-restore-*
	cp "$work/before.db" "$SALEDESK_DB"
	{ ( SALEDESK_FAULT=restore:$n exec "$SD" restore "$b1" --operator admin --password-fd 3 3<<<"$ADMIN_PW" >/dev/null 2>&1 ); rc=$?; } 2>/dev/null
	[ $rc = 137 ] && ok "power cut at restore step $n" || not_ok "restore step $n: exit $rc, wanted 137 (killed)"
	if out=$(as_admin tariff list --format tsv 2>&1); then
		if [[ $out == *OLD* ]]; then state=old; else state=new; fi
		want=old; [ $n -ge 5 ] && want=new
		[ $state = $want ] && ok "...the desk opens the $want database" || not_ok "...step $n: $state database, wanted $want"
	else
		not_ok "...step $n: the desk cannot open its database: $out"
	fi
	expect_rc 0 "...whose audit chain verifies" as_admin audit verify
done
rm -f "$SALEDESK_DB".before-restore-* "$SALEDESK_DB".restore-* "$work"/.saledesk-restore-*
expect_rc 0 "a restore after a power cut completes" as_admin restore "$b1"

# A damaged database at start. For short commands the check runs at most
# hourly per file (db/db.c); the meter-reading service (and the UI,
# tests/ui/test_damaged.sh) check at every start.
rm -f "$SALEDESK_DB".before-restore-*
sqlite3 "$SALEDESK_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$(newest)" "$work/newest-copy"
printf 'XXXX' | dd of="$(newest)" bs=1 seek=5000 conv=notrunc status=none  # the newest backup is bad too
expect_rc 0 "a short command checks the database and stamps the check" as_admin tariff list
[ -f "$SALEDESK_DB-checked" ] && ok "...the hourly stamp is there" || not_ok "no $SALEDESK_DB-checked"
size=$(stat -c %s "$SALEDESK_DB")
dd if=/dev/urandom of="$SALEDESK_DB" bs=4096 seek=2 count=$(( size / 4096 - 3 )) conv=notrunc status=none
sum_before=$(sha256sum "$SALEDESK_DB")
expect_rc 1 "the meter-reading service checks at every start, even within the hour" sd poll --once
contains "$err" "fails its quick check" "...and refuses the damaged database"
contains "$err" "Nothing was written to it" "...saying nothing was written"
poll_cmd=$(sed -n 's/.*restore it with: \(saledesk restore [^ ]*\) --operator LOGIN.*/\1/p' <<<"$err")
[ -n "$poll_cmd" ] && [ -f "${poll_cmd#saledesk restore }" ] && ok "...naming a backup and the restore command" || not_ok "poll named no restore command: $err"
lacks "$err" "restore $(newest) " "...not the newest backup, which fails verification"
[ "$(sha256sum "$SALEDESK_DB")" = "$sum_before" ] && [ ! -e "$SALEDESK_DB-wal" ] && ok "...and writes nothing" || not_ok "poll changed the damaged database"
export SALEDESK_QUICK_CHECK=always
expect_rc 1 "a damaged database is refused at start" as_admin tariff list
contains "$err" "fails its quick check" "...by the quick check"
contains "$err" "Nothing was written to it" "...saying nothing was written"
good=$(ls "$bk"/saledesk-*.db | sort | tail -2 | head -1)
contains "$err" "saledesk restore $bk/saledesk-" "...naming the restore command"
lacks "$err" "restore $(newest) " "...skipping the newest backup, which fails verification"
[ "$(sha256sum "$SALEDESK_DB")" = "$sum_before" ] && ok "...and the damaged file is untouched" || not_ok "the damaged file changed"
cmd=$(sed -n 's/.*restore it with: \(saledesk restore [^ ]*\) .*/\1/p' <<<"$err")
file=${cmd#saledesk restore }
[ "$cmd" = "$poll_cmd" ] && ok "...the same backup the service named" || not_ok "CLI names $cmd, poll $poll_cmd"
expect_rc 0 "the command it names restores the desk" as_admin restore "$file" --passphrase-fd 4 4<<<"$pass"
contains "$err" "logging in against the backup" "...logging in against the backup"
expect_rc 0 "...and the desk works again" as_admin tariff list
aside=$(ls "$SALEDESK_DB".before-restore-* | head -1)
[ "$(sha256sum <"$aside" | cut -d' ' -f1)" = "$(cut -d' ' -f1 <<<"$sum_before")" ] && ok "...with the damaged file kept aside as it was" || not_ok "damaged file not kept"

# The database file lost altogether: restore brings it back.
rm -f "$SALEDESK_DB" "$SALEDESK_DB"-wal "$SALEDESK_DB"-shm "$SALEDESK_DB"-checked "$SALEDESK_DB".before-restore-*
expect_rc 0 "restore works when the database file is gone" as_admin restore "$b1"
lacks "$out" "previous database is kept" "...with nothing to keep aside"
expect_rc 0 "...and the desk works again" as_admin audit verify

# Rotation.
ts() { date -u -d "$1" +%Y%m%dT%H%M%SZ; }
cp "$b1" "$work/b1.db"; cp "$m1" "$work/b1.db.manifest"; b1=$work/b1.db; m1=$work/b1.db.manifest
rm -f "$bk"/*
declare -A at
for d in "10 days ago" "9 days ago" "8 days ago 12:00" "8 days ago 13:00" "40 days ago" "80 days ago"; do
	at[$d]=$(ts "$d")
	name=saledesk-${at[$d]}.db
	cp "$b1" "$bk/$name"; sed "s/^file = .*/file = $name/" "$m1" >"$bk/$name.manifest"
done
printf '[database]\npath = %s\n[backup]\ndir = %s\nkeep_daily = 2\nkeep_weekly = 0\nkeep_monthly = 2\n' "$SALEDESK_DB" "$bk" >"$conf"
expect_rc 0 "a backup rotates the old ones" as_admin backup
contains "$out" "rotation removed 4 older backup(s)" "...removing four"
left=$(ls "$bk" | grep -v manifest | sort | tr '\n' ' ')
contains "$left" "${at[8 days ago 13:00]}" "...keeping the newest of the second day (and of last month)"
lacks "$left" "${at[8 days ago 12:00]}" "...not the older one of that day"
contains "$left" "${at[40 days ago]}" "...keeping the newest of the month before"
lacks "$left" "${at[80 days ago]}" "...but not older months"
[ "$(ls "$bk" | grep -c manifest)" = 3 ] && ok "...manifests go with their backups" || not_ok "manifests: $(ls "$bk")"
printf '[backup]\nkeep_hourly = 3\n' >"$work/bad.conf"
expect_rc 1 "an unknown [backup] key is still an error" sd --config "$work/bad.conf" config show
contains "$err" 'unknown key "keep_hourly"' "...naming it"
tap_done
