#!/usr/bin/env bash
# The database file in bad states: missing, foreign, not SQLite, newer,
# damaged, read-only. Each gets a clear message and is left as it was.
. "$(dirname "$0")/../lib/cli.sh"

expect_rc 1 "no database yet: a clear message" as_admin account list
contains "$err" "no database at $SALEDESK_DB" "...naming the path"
contains "$err" "saledesk init" "...and the command that creates one"
[ ! -e "$SALEDESK_DB" ] && ok "...and nothing is created" || not_ok "a database was created"

init_desk
as_admin tariff add RES --name R --spec "flat 0.5" >/dev/null
expect_rc 0 "the database is in WAL mode" sqlite3 "$SALEDESK_DB" "PRAGMA journal_mode"
contains "$out" "wal" "...wal"
expect_rc 0 "it carries saledesk's application id" sqlite3 "$SALEDESK_DB" "PRAGMA application_id"
contains "$out" "1396984625" "...0x53444B31"
expect_rc 0 "every table is STRICT" sqlite3 "$SALEDESK_DB" \
	"SELECT count(*) FROM sqlite_schema WHERE type='table' AND sql NOT LIKE '%STRICT%'"
[ "$out" = 0 ] && ok "...no table without STRICT" || not_ok "...$out tables are not STRICT"

foreign=$work/foreign.db
sqlite3 "$foreign" "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);"
sum_before=$(sha256sum "$foreign")
expect_rc 1 "another program's database is refused" sd --db "$foreign" account list --operator admin --password-fd 3 3<<<"$ADMIN_PW"
contains "$err" "belongs to another program" "...saying whose it is not"
expect_rc 1 "init refuses it too" sd --db "$foreign" init --admin a --name A --password-fd 3 3<<<"abcdefgh1"
[ "$(sha256sum "$foreign")" = "$sum_before" ] && ok "...and it is left untouched" || not_ok "the foreign database changed"

echo "just some text, not a database at all, long enough to look like a header...." >"$work/text.db"
head -c 4096 /dev/urandom >>"$work/text.db"
expect_rc 1 "a file that is not SQLite is refused" sd --db "$work/text.db" account list --operator admin --password-fd 3 3<<<"$ADMIN_PW"
contains "$err" "not a saledesk database" "...as not a database of ours"

cp "$SALEDESK_DB" "$work/newer.db"
sqlite3 "$work/newer.db" "PRAGMA user_version = 99"
expect_rc 1 "a database from a newer saledesk is refused" sd --db "$work/newer.db" account list --operator admin --password-fd 3 3<<<"$ADMIN_PW"
contains "$err" "newer saledesk" "...asking for an upgrade"
contains "$err" "schema 99" "...naming its version"

sqlite3 "$SALEDESK_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$SALEDESK_DB" "$work/damaged.db"
size=$(stat -c %s "$work/damaged.db")
# Overwrite the middle pages (not the header) with noise.
dd if=/dev/urandom of="$work/damaged.db" bs=4096 seek=2 count=$(( size / 4096 - 3 )) conv=notrunc status=none
expect_rc 1 "a damaged database gives a clear message" sd --db "$work/damaged.db" tariff list --operator admin --password-fd 3 3<<<"$ADMIN_PW"
contains "$err" "restore it from a backup" "...pointing to the backups"

# Read-only: as root, permissions do not stop writes, so use a read-only
# bind mount in a private mount namespace; otherwise chmod.
rodir=$work/ro
mkdir -p "$rodir"
sd --db "$rodir/desk.db" init --admin admin --name A --password-fd 3 3<<<"$ADMIN_PW" >/dev/null
sd --db "$rodir/desk.db" tariff add RES --name R --spec "flat 0.5" --operator admin --password-fd 3 3<<<"$ADMIN_PW" >/dev/null
sqlite3 "$rodir/desk.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sum_before=$(sha256sum "$rodir/desk.db")
readonly_run() {
	if [ "$(id -u)" = 0 ]; then
		unshare -m --propagation private bash -c \
			'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
			_ "$rodir" "$@"
	else
		chmod a-w "$rodir" "$rodir"/*; "$@"; local rc=$?; chmod u+w "$rodir" "$rodir"/*; return $rc
	fi
}
expect_rc 1 "a write to a read-only database gets a clear message" readonly_run "$SD" --db "$rodir/desk.db" \
	account open --name X --meter 1 --tariff RES --operator admin --password-fd 3 3<<<"$ADMIN_PW"
contains "$err" "read-only" "...saying it is read-only"
[ "$(sha256sum "$rodir/desk.db")" = "$sum_before" ] && ok "...and the file is unchanged" || not_ok "the read-only file changed"

mkdir -p "$HOME/.config/saledesk"
printf '[database]\npath = %s\n[printer]\nwidht = 32\n' "$SALEDESK_DB" >"$work/bad.conf"
expect_rc 1 "an unknown config key is an error" sd --config "$work/bad.conf" config show
contains "$err" "$work/bad.conf, line 4: unknown key \"widht\" in [printer]" "...naming file, line and key"
printf '[printer]\nwidth = wide\n' >"$work/bad2.conf"
expect_rc 1 "a bad config value is an error" sd --config "$work/bad2.conf" config show
contains "$err" 'line 2: bad value for "width" in [printer]: "wide"' "...naming the value"
expect_rc 1 "a missing config file given by --config is an error" sd --config "$work/none.conf" config show
contains "$err" "no such file" "...saying so"
printf '[database]\npath = desk.db\n[backup]\ndir = backups\n' >"$HOME/.config/saledesk/saledesk.conf"
expect_rc 0 "the user's config file is found without flags" env -u SALEDESK_DB "$SD" config show --format tsv
contains "$out" $'database.path\t'"$HOME/.config/saledesk/desk.db" "...and relative paths are taken from its folder"
expect_rc 0 "SALEDESK_DB overrides the config" "$SD" config show --format tsv
contains "$out" $'database.path\t'"$SALEDESK_DB" "...as documented"
expect_rc 0 "--db overrides SALEDESK_DB" "$SD" --db /tmp/other.db config show --format tsv
contains "$out" $'database.path\t/tmp/other.db' "...as documented"
rm -f "$HOME/.config/saledesk/saledesk.conf"
expect_rc 0 "with no config at all, defaults under the data directory" env -u SALEDESK_DB "$SD" config show --format tsv
contains "$out" $'database.path\t'"$HOME/.local/share/saledesk/saledesk.db" "...~/.local/share/saledesk"
tap_done
