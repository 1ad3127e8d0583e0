/* The schema, as numbered migrations. A migration is never edited once it
 * has shipped: change the schema by appending a new one. Times are UTC Unix
 * seconds; money is INTEGER fen; prices 0.0001 yuan/kWh; energy Wh. */
#include "db_int.h"

static const char migration_1[] =
	/* 1: administration — settings, operators and roles, tariffs, audit. */
	"PRAGMA application_id = 1396984625;\n" /* DB_APPLICATION_ID */
	"CREATE TABLE settings (\n"
	"  key   TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),\n"
	"  value TEXT NOT NULL\n"
	") STRICT;\n"
	"CREATE TABLE operators (\n"
	"  id            INTEGER PRIMARY KEY,\n"
	"  login         TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 32\n"
	"                  AND login NOT GLOB '*[^A-Za-z0-9_.-]*'),\n"
	"  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),\n"
	"  pw_hash       TEXT NOT NULL CHECK (pw_hash LIKE 'pbkdf2-sha256$%'),\n"
	"  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
	"  failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),\n"
	"  locked_until  INTEGER NOT NULL DEFAULT 0,\n"
	"  created_at    INTEGER NOT NULL,\n"
	"  last_login_at INTEGER\n"
	") STRICT;\n"
	"CREATE TABLE operator_roles (\n"
	"  operator_id INTEGER NOT NULL REFERENCES operators(id),\n"
	"  role        TEXT NOT NULL CHECK (role IN ('admin', 'cashier', 'technician')),\n"
	"  PRIMARY KEY (operator_id, role)\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE tariffs (\n"
	"  id         INTEGER PRIMARY KEY,\n"
	"  code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 16\n"
	"               AND code NOT GLOB '*[^A-Za-z0-9_-]*'),\n"
	"  name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),\n"
	"  created_at INTEGER NOT NULL\n"
	") STRICT;\n"
	/* A version is the whole tariff from effective_from on, in the
	 * engine's canonical text form (docs/tariffs.md); a change of price
	 * is a new version, so the past is never rewritten. */
	"CREATE TABLE tariff_versions (\n"
	"  id             INTEGER PRIMARY KEY,\n"
	"  tariff_id      INTEGER NOT NULL REFERENCES tariffs(id),\n"
	"  effective_from INTEGER NOT NULL,\n"
	"  kind           TEXT NOT NULL CHECK (kind IN ('flat', 'tou', 'tiered', 'tou+tiered')),\n"
	"  spec           TEXT NOT NULL CHECK (length(spec) BETWEEN 1 AND 4096),\n"
	"  created_at     INTEGER NOT NULL,\n"
	"  created_by     INTEGER REFERENCES operators(id),\n"
	"  UNIQUE (tariff_id, effective_from)\n"
	") STRICT;\n"
	"CREATE TRIGGER tariff_versions_no_update BEFORE UPDATE ON tariff_versions\n"
	"BEGIN SELECT RAISE(ABORT, 'tariff versions are never rewritten; add a new version'); END;\n"
	"CREATE TRIGGER tariff_versions_no_delete BEFORE DELETE ON tariff_versions\n"
	"BEGIN SELECT RAISE(ABORT, 'tariff versions are never deleted'); END;\n"
	/* Each row carries the SHA-256 of the row before it (see src/audit.c
	 * for the exact bytes hashed). */
	"CREATE TABLE audit (\n"
	"  id        INTEGER PRIMARY KEY,\n"
	"  ts        INTEGER NOT NULL,\n"
	"  actor     TEXT NOT NULL,\n"
	"  action    TEXT NOT NULL,\n"
	"  object    TEXT NOT NULL,\n"
	"  details   TEXT NOT NULL,\n"
	"  prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),\n"
	"  hash      BLOB NOT NULL CHECK (length(hash) = 32)\n"
	") STRICT;\n"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
	"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n"
	"BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n";

static const char migration_2[] =
	/* 2: the counter — customers, accounts, meters, cards, shifts, the
	 * ledger and receipts. */
	"CREATE TABLE customers (\n"
	"  id         INTEGER PRIMARY KEY,\n"
	"  name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),\n"
	"  id_number  TEXT CHECK (id_number IS NULL OR length(id_number) BETWEEN 1 AND 32),\n"
	"  phone      TEXT CHECK (phone IS NULL OR (length(phone) BETWEEN 3 AND 20\n"
	"               AND phone NOT GLOB '*[^0-9+ -]*')),\n"
	"  address    TEXT CHECK (address IS NULL OR length(address) <= 128),\n"
	"  created_at INTEGER NOT NULL\n"
	") STRICT;\n"
	"CREATE INDEX customers_name ON customers(name);\n"
	"CREATE INDEX customers_phone ON customers(phone);\n"
	/* An account is one premises (a room) held by one customer; ownership
	 * transfer changes customer_id, the room stays. */
	"CREATE TABLE accounts (\n"
	"  id              INTEGER PRIMARY KEY,\n"
	"  account_no      TEXT NOT NULL UNIQUE CHECK (length(account_no) BETWEEN 1 AND 12\n"
	"                    AND account_no NOT GLOB '*[^0-9]*'),\n"
	"  customer_id     INTEGER NOT NULL REFERENCES customers(id),\n"
	"  building        TEXT NOT NULL DEFAULT '' CHECK (length(building) <= 32),\n"
	"  floor           INTEGER CHECK (floor IS NULL OR floor BETWEEN -9 AND 199),\n"
	"  room            TEXT NOT NULL DEFAULT '' CHECK (length(room) <= 16),\n"
	"  area_dm2        INTEGER NOT NULL DEFAULT 0 CHECK (area_dm2 >= 0),\n"
	"  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('pre', 'open', 'closed')),\n"
	"  credit_limit    INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),\n"
	"  alarm1          INTEGER NOT NULL DEFAULT 0 CHECK (alarm1 >= 0),\n"
	"  alarm2          INTEGER NOT NULL DEFAULT 0 CHECK (alarm2 >= 0 AND alarm2 <= alarm1),\n"
	"  alarm3          INTEGER NOT NULL DEFAULT 0 CHECK (alarm3 >= 0 AND alarm3 <= alarm2),\n"
	"  debt            INTEGER NOT NULL DEFAULT 0 CHECK (debt >= 0),\n"
	"  debt_mode       TEXT NOT NULL DEFAULT 'none' CHECK (debt_mode IN ('none', 'share', 'fixed')),\n"
	"  debt_share_bp   INTEGER NOT NULL DEFAULT 0 CHECK (debt_share_bp BETWEEN 0 AND 10000),\n"
	"  debt_fixed      INTEGER NOT NULL DEFAULT 0 CHECK (debt_fixed >= 0),\n"
	"  opened_at       INTEGER NOT NULL,\n"
	"  opened_by       INTEGER REFERENCES operators(id),\n"
	"  closed_at       INTEGER\n"
	") STRICT;\n"
	"CREATE INDEX accounts_customer ON accounts(customer_id);\n"
	/* The next free account number is max() of this, read per opening. */
	"CREATE INDEX accounts_no_num ON accounts(CAST(account_no AS INTEGER));\n"
	"CREATE INDEX accounts_room ON accounts(building, floor, room);\n"
	"CREATE TABLE meters (\n"
	"  id           INTEGER PRIMARY KEY,\n"
	"  meter_no     TEXT NOT NULL UNIQUE CHECK (length(meter_no) BETWEEN 1 AND 12\n"
	"                 AND meter_no NOT GLOB '*[^0-9]*'),\n"
	"  account_id   INTEGER REFERENCES accounts(id),\n"
	"  tariff_id    INTEGER NOT NULL REFERENCES tariffs(id),\n"
	"  mode         TEXT NOT NULL CHECK (mode IN ('card', 'remote', 'billed')),\n"
	"  phases       INTEGER NOT NULL DEFAULT 1 CHECK (phases IN (1, 3)),\n"
	"  status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),\n"
	"  installed_at INTEGER NOT NULL,\n"
	"  removed_at   INTEGER\n"
	") STRICT;\n"
	"CREATE INDEX meters_account ON meters(account_id);\n"
	"CREATE TABLE cards (\n"
	"  id           INTEGER PRIMARY KEY,\n"
	"  serial       TEXT NOT NULL UNIQUE CHECK (length(serial) = 16\n"
	"                 AND serial NOT GLOB '*[^0-9A-F]*'),\n"
	"  kind         TEXT NOT NULL CHECK (kind IN ('user', 'check', 'reset', 'clear', 'setting')),\n"
	"  account_id   INTEGER REFERENCES accounts(id),\n"
	"  status       TEXT NOT NULL DEFAULT 'active'\n"
	"                 CHECK (status IN ('active', 'lost', 'replaced', 'recycled')),\n"
	"  key_version  INTEGER NOT NULL CHECK (key_version BETWEEN 0 AND 255),\n"
	"  purchase_seq INTEGER NOT NULL DEFAULT 0 CHECK (purchase_seq >= 0),\n"
	"  issued_at    INTEGER NOT NULL,\n"
	"  issued_by    INTEGER REFERENCES operators(id),\n"
	"  CHECK (kind <> 'user' OR account_id IS NOT NULL)\n"
	") STRICT;\n"
	"CREATE UNIQUE INDEX cards_one_active_user ON cards(account_id)\n"
	"  WHERE kind = 'user' AND status = 'active';\n"
	"CREATE TABLE shifts (\n"
	"  id            INTEGER PRIMARY KEY,\n"
	"  operator_id   INTEGER NOT NULL REFERENCES operators(id),\n"
	"  opened_at     INTEGER NOT NULL,\n"
	"  closed_at     INTEGER,\n"
	"  opening_float INTEGER NOT NULL DEFAULT 0 CHECK (opening_float >= 0),\n"
	"  counted_cash  INTEGER CHECK (counted_cash IS NULL OR counted_cash >= 0),\n"
	"  CHECK ((closed_at IS NULL) = (counted_cash IS NULL))\n"
	") STRICT;\n"
	"CREATE UNIQUE INDEX shifts_one_open ON shifts(operator_id) WHERE closed_at IS NULL;\n"
	/* Every money movement, signed as cash into the desk (a refund is
	 * negative). Append-only: a correction is a new row that names the
	 * row it reverses. */
	"CREATE TABLE ledger (\n"
	"  id          INTEGER PRIMARY KEY,\n"
	"  ts          INTEGER NOT NULL,\n"
	"  kind        TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'reversal', 'fee',\n"
	"                'debt_repayment', 'adjustment')),\n"
	"  account_id  INTEGER NOT NULL REFERENCES accounts(id),\n"
	"  meter_id    INTEGER REFERENCES meters(id),\n"
	"  card_id     INTEGER REFERENCES cards(id),\n"
	"  amount      INTEGER NOT NULL CHECK (amount BETWEEN -9999999999 AND 9999999999),\n"
	"  energy_wh   INTEGER NOT NULL DEFAULT 0,\n"
	"  purchase_seq INTEGER,\n"
	"  operator_id INTEGER NOT NULL REFERENCES operators(id),\n"
	"  shift_id    INTEGER REFERENCES shifts(id),\n"
	"  reverses    INTEGER UNIQUE REFERENCES ledger(id),\n"
	"  note        TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),\n"
	"  CHECK ((kind = 'reversal') = (reverses IS NOT NULL))\n"
	") STRICT;\n"
	"CREATE INDEX ledger_account ON ledger(account_id, ts);\n"
	"CREATE INDEX ledger_ts ON ledger(ts);\n"
	"CREATE INDEX ledger_shift ON ledger(shift_id);\n"
	"CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger\n"
	"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only; add a reversing entry'); END;\n"
	"CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger\n"
	"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only; add a reversing entry'); END;\n"
	"CREATE TABLE receipts (\n"
	"  id           INTEGER PRIMARY KEY,\n"
	"  number       TEXT NOT NULL UNIQUE,\n"
	"  ledger_id    INTEGER NOT NULL REFERENCES ledger(id),\n"
	"  created_at   INTEGER NOT NULL,\n"
	"  body         TEXT NOT NULL,\n"
	"  prints       INTEGER NOT NULL DEFAULT 0 CHECK (prints >= 0),\n"
	"  invoiced_at  INTEGER\n"
	") STRICT;\n"
	"CREATE INDEX receipts_ledger ON receipts(ledger_id);\n";

static const char migration_3[] =
	/* 3: the meter-reading service (issue 7) — buses and the wiring of
	 * meters to them, the latest state per meter, history, energy
	 * rollups, monthly freeze records, events/alarms and the command
	 * queue. Readings are integers: energy Wh, money fen, prices 0.0001
	 * yuan/kWh, voltage 0.1 V, current 0.01 A, power W, PF 0.001,
	 * frequency 0.01 Hz; times UTC Unix seconds. */
	"CREATE TABLE buses (\n"
	"  id            INTEGER PRIMARY KEY,\n"
	"  name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 32),\n"
	"  kind          TEXT NOT NULL CHECK (kind IN ('rtu', 'tcp')),\n"
	"  device        TEXT CHECK (device IS NULL OR length(device) BETWEEN 1 AND 255),\n"
	"  baud          INTEGER NOT NULL DEFAULT 9600 CHECK (baud BETWEEN 300 AND 1000000),\n"
	"  parity        TEXT NOT NULL DEFAULT 'N' CHECK (parity IN ('N', 'E', 'O')),\n"
	"  stop_bits     INTEGER NOT NULL DEFAULT 1 CHECK (stop_bits IN (1, 2)),\n"
	"  rs485         INTEGER NOT NULL DEFAULT 0 CHECK (rs485 IN (0, 1)),\n"
	"  host          TEXT CHECK (host IS NULL OR length(host) BETWEEN 1 AND 255),\n"
	"  port          INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535),\n"
	"  turnaround_ms INTEGER NOT NULL DEFAULT 20 CHECK (turnaround_ms BETWEEN 0 AND 5000),\n"
	"  enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),\n"
	"  created_at    INTEGER NOT NULL,\n"
	"  CHECK ((kind = 'rtu') = (device IS NOT NULL)),\n"
	"  CHECK ((kind = 'tcp') = (host IS NOT NULL AND port IS NOT NULL))\n"
	") STRICT;\n"
	/* Where a meter answers. The recharge key is an interim home until
	 * the key store of issue 4 derives it; it never leaves db/ and the
	 * service except inside a MAC. */
	"CREATE TABLE meter_wiring (\n"
	"  meter_id     INTEGER PRIMARY KEY REFERENCES meters(id),\n"
	"  bus_id       INTEGER NOT NULL REFERENCES buses(id),\n"
	"  unit_id      INTEGER NOT NULL CHECK (unit_id BETWEEN 1 AND 247),\n"
	"  recharge_key BLOB CHECK (recharge_key IS NULL OR length(recharge_key) = 16),\n"
	"  UNIQUE (bus_id, unit_id)\n"
	") STRICT;\n"
	"CREATE TABLE meter_state (\n"
	"  meter_id       INTEGER PRIMARY KEY REFERENCES meters(id),\n"
	"  updated_at     INTEGER NOT NULL,\n"
	"  read_at        INTEGER,\n"
	"  online         INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),\n"
	"  misses         INTEGER NOT NULL DEFAULT 0 CHECK (misses >= 0),\n"
	"  next_probe_at  INTEGER NOT NULL DEFAULT 0,\n"
	"  energy_wh      INTEGER, sharp_wh INTEGER, peak_wh INTEGER,\n"
	"  flat_wh        INTEGER, valley_wh INTEGER,\n"
	"  voltage_dv     INTEGER, current_ca INTEGER, power_w INTEGER,\n"
	"  reactive_var   INTEGER, apparent_va INTEGER, pf_milli INTEGER, freq_chz INTEGER,\n"
	"  relay          INTEGER CHECK (relay IS NULL OR relay IN (0, 1)),\n"
	"  relay_reason   INTEGER, keep_power INTEGER, alarm_level INTEGER, flags INTEGER,\n"
	"  balance_fen    INTEGER, energy_left_wh INTEGER, purchased_fen INTEGER,\n"
	"  purchase_count INTEGER, md_w INTEGER, md_at INTEGER, meter_clock INTEGER,\n"
	"  price          INTEGER, rate INTEGER, freeze_seq INTEGER, month_wh INTEGER,\n"
	"  u_b_dv         INTEGER, u_c_dv INTEGER,\n"
	"  polls          INTEGER NOT NULL DEFAULT 0 CHECK (polls >= 0),\n"
	"  timeouts       INTEGER NOT NULL DEFAULT 0 CHECK (timeouts >= 0),\n"
	"  crc_errors     INTEGER NOT NULL DEFAULT 0 CHECK (crc_errors >= 0),\n"
	"  exceptions     INTEGER NOT NULL DEFAULT 0 CHECK (exceptions >= 0),\n"
	"  last_error     TEXT NOT NULL DEFAULT '' CHECK (length(last_error) <= 200)\n"
	") STRICT;\n"
	"CREATE TABLE meter_history (\n"
	"  meter_id    INTEGER NOT NULL REFERENCES meters(id),\n"
	"  ts          INTEGER NOT NULL,\n"
	"  energy_wh   INTEGER NOT NULL CHECK (energy_wh >= 0),\n"
	"  balance_fen INTEGER NOT NULL,\n"
	"  power_w     INTEGER NOT NULL,\n"
	"  voltage_dv  INTEGER NOT NULL,\n"
	"  flags       INTEGER NOT NULL,\n"
	"  PRIMARY KEY (meter_id, ts)\n"
	") STRICT, WITHOUT ROWID;\n"
	/* Rollups: the energy between consecutive readings, booked to the
	 * hour (UTC, start of the hour) and the site-local day (UTC instant
	 * of its local midnight) of the later reading. */
	"CREATE TABLE energy_hourly (\n"
	"  meter_id INTEGER NOT NULL REFERENCES meters(id),\n"
	"  hour_ts  INTEGER NOT NULL,\n"
	"  wh       INTEGER NOT NULL CHECK (wh >= 0),\n"
	"  PRIMARY KEY (meter_id, hour_ts)\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE energy_daily (\n"
	"  meter_id INTEGER NOT NULL REFERENCES meters(id),\n"
	"  day_ts   INTEGER NOT NULL,\n"
	"  wh       INTEGER NOT NULL CHECK (wh >= 0),\n"
	"  PRIMARY KEY (meter_id, day_ts)\n"
	") STRICT, WITHOUT ROWID;\n"
	/* Monthly freeze records as the meter keeps them; reading_wh is the
	 * desk's own reading nearest before freeze_at, for the check. */
	"CREATE TABLE meter_freezes (\n"
	"  meter_id    INTEGER NOT NULL REFERENCES meters(id),\n"
	"  freeze_at   INTEGER NOT NULL,\n"
	"  energy_wh   INTEGER NOT NULL, sharp_wh INTEGER NOT NULL, peak_wh INTEGER NOT NULL,\n"
	"  flat_wh     INTEGER NOT NULL, valley_wh INTEGER NOT NULL,\n"
	"  md_w        INTEGER NOT NULL,\n"
	"  balance_fen INTEGER NOT NULL,\n"
	"  read_at     INTEGER NOT NULL,\n"
	"  reading_wh  INTEGER,\n"
	"  PRIMARY KEY (meter_id, freeze_at)\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE events (\n"
	"  id         INTEGER PRIMARY KEY,\n"
	"  kind       TEXT NOT NULL CHECK (kind IN ('arrears', 'low_balance_1', 'low_balance_2',\n"
	"               'low_balance_3', 'phase_loss', 'under_voltage', 'over_voltage',\n"
	"               'relay_tripped', 'power_limit', 'malignant_load', 'meter_offline',\n"
	"               'gateway_offline', 'bus_offline', 'clock_drift', 'recharge_sequence',\n"
	"               'freeze_mismatch')),\n"
	"  meter_id   INTEGER REFERENCES meters(id),\n"
	"  bus_id     INTEGER REFERENCES buses(id),\n"
	"  detail     TEXT NOT NULL DEFAULT '' CHECK (length(detail) <= 200),\n"
	"  raised_at  INTEGER NOT NULL,\n"
	"  cleared_at INTEGER,\n"
	"  acked_at   INTEGER,\n"
	"  acked_by   INTEGER REFERENCES operators(id),\n"
	"  CHECK ((acked_at IS NULL) = (acked_by IS NULL)),\n"
	"  CHECK (meter_id IS NOT NULL OR bus_id IS NOT NULL)\n"
	") STRICT;\n"
	/* An alarm is raised once: at most one uncleared row per condition. */
	"CREATE UNIQUE INDEX events_open ON events(kind, ifnull(meter_id, 0), ifnull(bus_id, 0))\n"
	"  WHERE cleared_at IS NULL;\n"
	"CREATE INDEX events_raised ON events(raised_at);\n"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events\n"
	"BEGIN SELECT RAISE(ABORT, 'events are kept'); END;\n"
	/* The desk's commands to meters. args is the canonical text of the
	 * values (docs/poll.md); amount and purchase_seq are columns because
	 * recharge idempotence hangs on them. */
	"CREATE TABLE commands (\n"
	"  id           INTEGER PRIMARY KEY,\n"
	"  batch_id     INTEGER,\n"
	"  meter_id     INTEGER NOT NULL REFERENCES meters(id),\n"
	"  kind         TEXT NOT NULL CHECK (kind IN ('relay_open', 'relay_close', 'keep_on',\n"
	"                 'keep_off', 'recharge', 'prices', 'tou', 'alarm_levels',\n"
	"                 'credit_limit', 'clock_sync')),\n"
	"  args         TEXT NOT NULL DEFAULT '' CHECK (length(args) <= 200),\n"
	"  purchase_seq INTEGER CHECK (purchase_seq IS NULL OR purchase_seq > 0),\n"
	"  amount       INTEGER CHECK (amount IS NULL OR amount BETWEEN 1 AND 10000000),\n"
	"  not_before   INTEGER NOT NULL,\n"
	"  state        TEXT NOT NULL DEFAULT 'queued'\n"
	"                 CHECK (state IN ('queued', 'sent', 'done', 'failed')),\n"
	"  reason       TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),\n"
	"  tries        INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),\n"
	"  created_at   INTEGER NOT NULL,\n"
	"  created_by   INTEGER REFERENCES operators(id),\n"
	"  updated_at   INTEGER NOT NULL,\n"
	"  CHECK ((kind = 'recharge') = (purchase_seq IS NOT NULL AND amount IS NOT NULL))\n"
	") STRICT;\n"
	"CREATE INDEX commands_pending ON commands(meter_id, id) WHERE state IN ('queued', 'sent');\n"
	"CREATE UNIQUE INDEX commands_recharge_seq ON commands(meter_id, purchase_seq)\n"
	"  WHERE kind = 'recharge' AND state <> 'failed';\n"
	"CREATE INDEX commands_batch ON commands(batch_id) WHERE batch_id IS NOT NULL;\n";

/* The text an account is found by as a cashier types: number, name,
 * phone, room, building-room and meter numbers, lower-cased (ASCII, as
 * LIKE folded it) and joined by char(31), which nobody types, so a match
 * never straddles two fields. Used by migration 4's triggers. */
#define ACCOUNT_SEARCH_TEXT(acc) \
	"(SELECT lower(" acc ".account_no || char(31) || c.name || char(31) ||\n" \
	"   ifnull(c.phone, '') || char(31) || " acc ".room || char(31) ||\n" \
	"   " acc ".building || '-' || " acc ".room || char(31) ||\n" \
	"   ifnull((SELECT group_concat(m.meter_no, char(31)) FROM meters m\n" \
	"           WHERE m.account_id = " acc ".id), ''))\n" \
	" FROM customers c WHERE c.id = " acc ".customer_id)"

static const char migration_4[] =
	/* 4: search as you type (issue 6). db_account_each() finds accounts
	 * with instr() over one maintained column instead of six LIKEs and a
	 * meter subquery per row: 10,000 accounts in about 2 ms. Triggers keep
	 * the column true whatever writes the source columns. */
	"ALTER TABLE accounts ADD COLUMN search TEXT NOT NULL DEFAULT '';\n"
	"UPDATE accounts SET search = " ACCOUNT_SEARCH_TEXT("accounts") ";\n"
	/* The listing's order with the filter columns: the scan tests each
	 * row in the index and reads the table only for matches. */
	"CREATE INDEX accounts_search ON accounts(CAST(account_no AS INTEGER), account_no,\n"
	"  search, building, status);\n"
	"CREATE TRIGGER accounts_search_ins AFTER INSERT ON accounts\n"
	"BEGIN UPDATE accounts SET search = " ACCOUNT_SEARCH_TEXT("accounts")
	"  WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER accounts_search_upd\n"
	"  AFTER UPDATE OF account_no, customer_id, building, room ON accounts\n"
	"BEGIN UPDATE accounts SET search = " ACCOUNT_SEARCH_TEXT("accounts")
	"  WHERE id = NEW.id; END;\n"
	"CREATE TRIGGER customers_search_upd AFTER UPDATE OF name, phone ON customers\n"
	"BEGIN UPDATE accounts SET search = " ACCOUNT_SEARCH_TEXT("accounts")
	"  WHERE customer_id = NEW.id; END;\n"
	"CREATE TRIGGER meters_search_ins AFTER INSERT ON meters\n"
	"BEGIN UPDATE accounts SET search = " ACCOUNT_SEARCH_TEXT("accounts")
	"  WHERE id = NEW.account_id; END;\n"
	"CREATE TRIGGER meters_search_upd AFTER UPDATE OF meter_no, account_id ON meters\n"
	"BEGIN UPDATE accounts SET search = " ACCOUNT_SEARCH_TEXT("accounts")
	"  WHERE id IN (OLD.account_id, NEW.account_id); END;\n"
	"CREATE TRIGGER meters_search_del AFTER DELETE ON meters\n"
	"BEGIN UPDATE accounts SET search = " ACCOUNT_SEARCH_TEXT("accounts")
	"  WHERE id = OLD.account_id; END;\n";

static const char migration_5[] =
	/* 5: the sale protocol (issue 5). A sale is recorded as pending, with
	 * the purchase sequence number it will write, before the card is
	 * written; it is settled once, to complete (its ledger rows then
	 * exist) or void (no money taken), from what the card holds. The
	 * unique indexes make "applied twice" impossible: one pending sale per
	 * account, one non-void remote recharge per purchase number. A card
	 * purchase cancelled at the desk gives its number back (card spec
	 * 11.5), so a card number is unique among the sales not reversed:
	 * db_sale_insert() checks that inside the sale's transaction. */
	"CREATE TABLE sales (\n"
	"  id           INTEGER PRIMARY KEY,\n"
	"  status       TEXT NOT NULL DEFAULT 'pending'\n"
	"                 CHECK (status IN ('pending', 'complete', 'void')),\n"
	"  mode         TEXT NOT NULL CHECK (mode IN ('card', 'remote', 'billed')),\n"
	"  account_id   INTEGER NOT NULL REFERENCES accounts(id),\n"
	"  meter_id     INTEGER NOT NULL REFERENCES meters(id),\n"
	"  card_id      INTEGER REFERENCES cards(id),\n"
	"  purchase_seq INTEGER CHECK (purchase_seq IS NULL OR purchase_seq > 0),\n"
	"  amount       INTEGER NOT NULL CHECK (amount BETWEEN 1 AND 9999999999),\n"
	"  debt_paid    INTEGER NOT NULL DEFAULT 0 CHECK (debt_paid BETWEEN 0 AND amount),\n"
	"  credited     INTEGER NOT NULL CHECK (credited = amount - debt_paid),\n"
	"  energy_wh    INTEGER NOT NULL DEFAULT 0 CHECK (energy_wh >= 0),\n"
	"  tendered     INTEGER NOT NULL DEFAULT 0 CHECK (tendered >= 0),\n"
	"  operator_id  INTEGER NOT NULL REFERENCES operators(id),\n"
	"  shift_id     INTEGER NOT NULL REFERENCES shifts(id),\n"
	"  created_at   INTEGER NOT NULL,\n"
	"  settled_at   INTEGER,\n"
	"  ledger_id    INTEGER UNIQUE REFERENCES ledger(id),\n"
	"  reason       TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 200),\n"
	"  CHECK ((status = 'pending') = (settled_at IS NULL)),\n"
	"  CHECK ((status = 'complete') = (ledger_id IS NOT NULL)),\n"
	"  CHECK ((mode = 'card') = (card_id IS NOT NULL)),\n"
	"  CHECK ((mode = 'billed') = (purchase_seq IS NULL))\n"
	") STRICT;\n"
	"CREATE UNIQUE INDEX sales_one_pending ON sales(account_id) WHERE status = 'pending';\n"
	"CREATE INDEX sales_card_seq ON sales(account_id, purchase_seq) WHERE mode = 'card';\n"
	"CREATE UNIQUE INDEX sales_meter_seq ON sales(meter_id, purchase_seq)\n"
	"  WHERE mode = 'remote' AND status <> 'void';\n"
	"CREATE INDEX sales_shift ON sales(shift_id);\n"
	"CREATE INDEX sales_account ON sales(account_id, created_at);\n"
	"CREATE TRIGGER sales_settle_once BEFORE UPDATE ON sales WHEN OLD.status <> 'pending'\n"
	"BEGIN SELECT RAISE(ABORT, 'a settled sale is never changed; reverse it'); END;\n"
	"CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales\n"
	"BEGIN SELECT RAISE(ABORT, 'sales are kept'); END;\n"
	/* Cards reported lost are refused; a receipt whose print failed waits
	 * (prints = 0) and is listed for reprint. */
	"CREATE INDEX receipts_unprinted ON receipts(id) WHERE prints = 0;\n"
	"CREATE INDEX ledger_reverses ON ledger(reverses) WHERE reverses IS NOT NULL;\n";

static const char migration_billing[] =
	/* billing: desk-billed meters (issue 7 section 6), appended last. Each poll cycle prices a
	 * billed meter's consumption since the reading before by its tariff
	 * and records it here. Consumption is not a cash movement, so it is
	 * not in the ledger: the desk balance is the ledger's credits minus
	 * the sum of fen here (db_ledger_balance). Append-only, like the
	 * ledger. A row with wh = 0 marks a counter that went backwards or
	 * jumped (a replaced or reset meter): nothing was billed, and billing
	 * goes on from energy_to. energy_from/energy_to are the meter's
	 * register at from_ts/to_ts; mtd_wh is the month-to-date energy the
	 * tier blocks started from. */
	"CREATE TABLE billed_usage (\n"
	"  meter_id    INTEGER NOT NULL REFERENCES meters(id),\n"
	"  account_id  INTEGER NOT NULL REFERENCES accounts(id),\n"
	"  from_ts     INTEGER NOT NULL,\n"
	"  to_ts       INTEGER NOT NULL CHECK (to_ts > from_ts),\n"
	"  energy_from INTEGER NOT NULL CHECK (energy_from >= 0),\n"
	"  energy_to   INTEGER NOT NULL CHECK (energy_to >= 0),\n"
	"  wh          INTEGER NOT NULL CHECK (wh >= 0),\n"
	"  mtd_wh      INTEGER NOT NULL DEFAULT 0 CHECK (mtd_wh >= 0),\n"
	"  sharp_wh    INTEGER NOT NULL DEFAULT 0 CHECK (sharp_wh >= 0),\n"
	"  peak_wh     INTEGER NOT NULL DEFAULT 0 CHECK (peak_wh >= 0),\n"
	"  flat_wh     INTEGER NOT NULL DEFAULT 0 CHECK (flat_wh >= 0),\n"
	"  valley_wh   INTEGER NOT NULL DEFAULT 0 CHECK (valley_wh >= 0),\n"
	"  fen         INTEGER NOT NULL CHECK (fen BETWEEN 0 AND 9999999999),\n"
	"  tariff_id   INTEGER NOT NULL REFERENCES tariffs(id),\n"
	"  CHECK (wh = 0 OR wh = energy_to - energy_from),\n"
	"  CHECK (wh = sharp_wh + peak_wh + flat_wh + valley_wh),\n"
	"  CHECK (wh > 0 OR fen = 0),\n"
	"  PRIMARY KEY (meter_id, to_ts)\n"
	") STRICT, WITHOUT ROWID;\n"
	/* Covers the balance's sum: the index alone answers it. */
	"CREATE INDEX billed_usage_account ON billed_usage(account_id, fen);\n"
	"CREATE TRIGGER billed_usage_no_update BEFORE UPDATE ON billed_usage\n"
	"BEGIN SELECT RAISE(ABORT, 'billed usage is append-only; add an adjustment'); END;\n"
	"CREATE TRIGGER billed_usage_no_delete BEFORE DELETE ON billed_usage\n"
	"BEGIN SELECT RAISE(ABORT, 'billed usage is append-only; add an adjustment'); END;\n"
	/* Where billing of a meter stands: the reading the next cycle bills
	 * from (ts, energy_wh), and when billing last saw a reading (seen_at):
	 * a cursor not seen at the meter's previous reading is stale (the
	 * meter was not billed for a while) and billing restarts from that
	 * reading instead of charging the gap. */
	"CREATE TABLE billing_cursor (\n"
	"  meter_id  INTEGER PRIMARY KEY REFERENCES meters(id),\n"
	"  ts        INTEGER NOT NULL,\n"
	"  energy_wh INTEGER NOT NULL CHECK (energy_wh >= 0),\n"
	"  seen_at   INTEGER NOT NULL CHECK (seen_at >= ts)\n"
	") STRICT;\n";

static const char migration_7[] =
	/* 7: return records (返写, card spec 5.4) the desk has seen: what a
	 * meter wrote back onto a user card — its purchase count, balance,
	 * overdraft, energy, status and the result of the insertion. Kept
	 * once each (the same record is read at every insertion until the
	 * next purchase clears it), shown at the counter, never changed. */
	"CREATE TABLE card_returns (\n"
	"  id         INTEGER PRIMARY KEY,\n"
	"  card_id    INTEGER NOT NULL REFERENCES cards(id),\n"
	"  account_id INTEGER REFERENCES accounts(id),\n"
	"  meter_no   TEXT NOT NULL CHECK (length(meter_no) <= 12),\n"
	"  count      INTEGER NOT NULL CHECK (count >= 0),\n"
	"  unit       INTEGER NOT NULL CHECK (unit BETWEEN 0 AND 2),\n"
	"  remaining  INTEGER NOT NULL,\n"
	"  overdraft  INTEGER NOT NULL,\n"
	"  energy_wh  INTEGER NOT NULL,\n"
	"  status     INTEGER NOT NULL,\n"
	"  result     INTEGER NOT NULL CHECK (result BETWEEN 0 AND 255),\n"
	"  illegal    INTEGER NOT NULL,\n"
	"  meter_time INTEGER NOT NULL,\n"
	"  read_at    INTEGER NOT NULL,\n"
	"  UNIQUE (card_id, count, meter_time, result)\n"
	") STRICT;\n"
	"CREATE INDEX card_returns_account ON card_returns(account_id, id);\n"
	"CREATE TRIGGER card_returns_no_update BEFORE UPDATE ON card_returns\n"
	"BEGIN SELECT RAISE(ABORT, 'return records are kept as read'); END;\n";

static const char migration_8[] =
	/* 8: the tariff versions the desk last wrote to a user card's EF03
	 * (current) and EF04 (standby) with a purchase (card spec 5.3, 11.3),
	 * so a purchase carries a tariff file only when it changed. NULL:
	 * none or not known (a new card, a cancelled purchase): the next
	 * purchase writes EF03. */
	"ALTER TABLE cards ADD COLUMN tariff_ef03 INTEGER REFERENCES tariff_versions(id);\n"
	"ALTER TABLE cards ADD COLUMN tariff_ef04 INTEGER REFERENCES tariff_versions(id);\n";

static const char migration_9[] =
	/* 9: a replaced card or remote meter's balance goes to the meter that
	 * replaced it (issue 5, 换表; card spec 11.6). carry_fen is what is
	 * still to carry (NULL: nothing; 0 on a card meter: the card still
	 * names the old meter); carry_seq the purchase number a card carry
	 * writes, recorded before the card is written so a repeat after a
	 * crash never loads it twice; replaces the meter it took over from. */
	"ALTER TABLE meters ADD COLUMN replaces INTEGER REFERENCES meters(id);\n"
	"ALTER TABLE meters ADD COLUMN carry_fen INTEGER\n"
	"  CHECK (carry_fen IS NULL OR carry_fen BETWEEN 0 AND 99999999);\n"
	"ALTER TABLE meters ADD COLUMN carry_seq INTEGER CHECK (carry_seq IS NULL OR carry_seq > 0);\n";

static const char migration_bus_config[] =
	/* 10: buses defined in the config file's [bus NAME] sections (issue
	 * 7). The service copies them here at start and on SIGHUP, so events,
	 * wiring and `bus list` treat both kinds alike; from_config marks the
	 * ones the file owns, which `bus remove` and `meter wire` leave to
	 * the file. */
	"ALTER TABLE buses ADD COLUMN from_config INTEGER NOT NULL DEFAULT 0 "
	"CHECK (from_config IN (0, 1));\n";

static const char migration_energy_day_hours[] =
	/* 11: energy_day_hours: the hourly energy rollup of issue 7 again, one
	 * row per meter and UTC day with the 24 hours as columns (h0 is
	 * 00:00-01:00 UTC), kept by triggers on energy_hourly and filled from
	 * it here. The energy report (issue 9) prices a month of the S2 site
	 * (5,407 meters, 4 million meter-hours) from it: 30 rows a meter-month
	 * instead of 720, well inside a second (docs/benchmarks.md,
	 * "Reports"). Nothing else writes it. */
	"CREATE TABLE energy_day_hours (\n"
	"  meter_id INTEGER NOT NULL REFERENCES meters(id),\n"
	"  day_ts   INTEGER NOT NULL CHECK (day_ts % 86400 = 0),\n"
	"  h0  INTEGER NOT NULL DEFAULT 0 CHECK (h0 >= 0),\n"
	"  h1  INTEGER NOT NULL DEFAULT 0 CHECK (h1 >= 0),\n"
	"  h2  INTEGER NOT NULL DEFAULT 0 CHECK (h2 >= 0),\n"
	"  h3  INTEGER NOT NULL DEFAULT 0 CHECK (h3 >= 0),\n"
	"  h4  INTEGER NOT NULL DEFAULT 0 CHECK (h4 >= 0),\n"
	"  h5  INTEGER NOT NULL DEFAULT 0 CHECK (h5 >= 0),\n"
	"  h6  INTEGER NOT NULL DEFAULT 0 CHECK (h6 >= 0),\n"
	"  h7  INTEGER NOT NULL DEFAULT 0 CHECK (h7 >= 0),\n"
	"  h8  INTEGER NOT NULL DEFAULT 0 CHECK (h8 >= 0),\n"
	"  h9  INTEGER NOT NULL DEFAULT 0 CHECK (h9 >= 0),\n"
	"  h10 INTEGER NOT NULL DEFAULT 0 CHECK (h10 >= 0),\n"
	"  h11 INTEGER NOT NULL DEFAULT 0 CHECK (h11 >= 0),\n"
	"  h12 INTEGER NOT NULL DEFAULT 0 CHECK (h12 >= 0),\n"
	"  h13 INTEGER NOT NULL DEFAULT 0 CHECK (h13 >= 0),\n"
	"  h14 INTEGER NOT NULL DEFAULT 0 CHECK (h14 >= 0),\n"
	"  h15 INTEGER NOT NULL DEFAULT 0 CHECK (h15 >= 0),\n"
	"  h16 INTEGER NOT NULL DEFAULT 0 CHECK (h16 >= 0),\n"
	"  h17 INTEGER NOT NULL DEFAULT 0 CHECK (h17 >= 0),\n"
	"  h18 INTEGER NOT NULL DEFAULT 0 CHECK (h18 >= 0),\n"
	"  h19 INTEGER NOT NULL DEFAULT 0 CHECK (h19 >= 0),\n"
	"  h20 INTEGER NOT NULL DEFAULT 0 CHECK (h20 >= 0),\n"
	"  h21 INTEGER NOT NULL DEFAULT 0 CHECK (h21 >= 0),\n"
	"  h22 INTEGER NOT NULL DEFAULT 0 CHECK (h22 >= 0),\n"
	"  h23 INTEGER NOT NULL DEFAULT 0 CHECK (h23 >= 0),\n"
	"  PRIMARY KEY (meter_id, day_ts)\n"
	") STRICT, WITHOUT ROWID;\n"
	"INSERT INTO energy_day_hours(meter_id, day_ts, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9,\n"
	"  h10, h11, h12, h13, h14, h15, h16, h17, h18, h19, h20, h21, h22, h23)\n"
	"  SELECT meter_id, hour_ts - hour_ts % 86400,\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 0 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 1 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 2 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 3 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 4 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 5 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 6 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 7 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 8 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 9 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 10 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 11 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 12 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 13 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 14 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 15 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 16 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 17 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 18 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 19 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 20 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 21 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 22 THEN wh ELSE 0 END),\n"
	"    sum(CASE WHEN hour_ts % 86400 / 3600 = 23 THEN wh ELSE 0 END)\n"
	"  FROM energy_hourly WHERE hour_ts >= 0 GROUP BY meter_id, hour_ts - hour_ts % 86400;\n"
	"CREATE TRIGGER energy_day_hours_ins AFTER INSERT ON energy_hourly WHEN NEW.hour_ts >= 0\n"
	"BEGIN\n"
	"  INSERT INTO energy_day_hours(meter_id, day_ts)\n"
	"    VALUES (NEW.meter_id, NEW.hour_ts - NEW.hour_ts % 86400) ON CONFLICT DO NOTHING;\n"
	"  UPDATE energy_day_hours SET\n"
	"  h0 = h0 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 0 THEN NEW.wh ELSE 0 END,\n"
	"  h1 = h1 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 1 THEN NEW.wh ELSE 0 END,\n"
	"  h2 = h2 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 2 THEN NEW.wh ELSE 0 END,\n"
	"  h3 = h3 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 3 THEN NEW.wh ELSE 0 END,\n"
	"  h4 = h4 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 4 THEN NEW.wh ELSE 0 END,\n"
	"  h5 = h5 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 5 THEN NEW.wh ELSE 0 END,\n"
	"  h6 = h6 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 6 THEN NEW.wh ELSE 0 END,\n"
	"  h7 = h7 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 7 THEN NEW.wh ELSE 0 END,\n"
	"  h8 = h8 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 8 THEN NEW.wh ELSE 0 END,\n"
	"  h9 = h9 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 9 THEN NEW.wh ELSE 0 END,\n"
	"  h10 = h10 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 10 THEN NEW.wh ELSE 0 END,\n"
	"  h11 = h11 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 11 THEN NEW.wh ELSE 0 END,\n"
	"  h12 = h12 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 12 THEN NEW.wh ELSE 0 END,\n"
	"  h13 = h13 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 13 THEN NEW.wh ELSE 0 END,\n"
	"  h14 = h14 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 14 THEN NEW.wh ELSE 0 END,\n"
	"  h15 = h15 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 15 THEN NEW.wh ELSE 0 END,\n"
	"  h16 = h16 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 16 THEN NEW.wh ELSE 0 END,\n"
	"  h17 = h17 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 17 THEN NEW.wh ELSE 0 END,\n"
	"  h18 = h18 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 18 THEN NEW.wh ELSE 0 END,\n"
	"  h19 = h19 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 19 THEN NEW.wh ELSE 0 END,\n"
	"  h20 = h20 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 20 THEN NEW.wh ELSE 0 END,\n"
	"  h21 = h21 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 21 THEN NEW.wh ELSE 0 END,\n"
	"  h22 = h22 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 22 THEN NEW.wh ELSE 0 END,\n"
	"  h23 = h23 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 23 THEN NEW.wh ELSE 0 END\n"
	"  WHERE meter_id = NEW.meter_id AND day_ts = NEW.hour_ts - NEW.hour_ts % 86400;\n"
	"END;\n"
	"CREATE TRIGGER energy_day_hours_upd AFTER UPDATE OF wh ON energy_hourly\n"
	"  WHEN NEW.hour_ts >= 0 AND NEW.hour_ts = OLD.hour_ts AND NEW.meter_id = OLD.meter_id\n"
	"BEGIN\n"
	"  UPDATE energy_day_hours SET\n"
	"  h0 = h0 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 0 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h1 = h1 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 1 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h2 = h2 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 2 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h3 = h3 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 3 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h4 = h4 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 4 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h5 = h5 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 5 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h6 = h6 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 6 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h7 = h7 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 7 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h8 = h8 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 8 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h9 = h9 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 9 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h10 = h10 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 10 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h11 = h11 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 11 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h12 = h12 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 12 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h13 = h13 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 13 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h14 = h14 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 14 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h15 = h15 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 15 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h16 = h16 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 16 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h17 = h17 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 17 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h18 = h18 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 18 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h19 = h19 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 19 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h20 = h20 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 20 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h21 = h21 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 21 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h22 = h22 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 22 THEN NEW.wh - OLD.wh ELSE 0 END,\n"
	"  h23 = h23 + CASE WHEN NEW.hour_ts % 86400 / 3600 = 23 THEN NEW.wh - OLD.wh ELSE 0 END\n"
	"  WHERE meter_id = NEW.meter_id AND day_ts = NEW.hour_ts - NEW.hour_ts % 86400;\n"
	"END;\n"
	"CREATE TRIGGER energy_day_hours_del AFTER DELETE ON energy_hourly WHEN OLD.hour_ts >= 0\n"
	"BEGIN\n"
	"  UPDATE energy_day_hours SET\n"
	"  h0 = h0 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 0 THEN -OLD.wh ELSE 0 END,\n"
	"  h1 = h1 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 1 THEN -OLD.wh ELSE 0 END,\n"
	"  h2 = h2 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 2 THEN -OLD.wh ELSE 0 END,\n"
	"  h3 = h3 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 3 THEN -OLD.wh ELSE 0 END,\n"
	"  h4 = h4 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 4 THEN -OLD.wh ELSE 0 END,\n"
	"  h5 = h5 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 5 THEN -OLD.wh ELSE 0 END,\n"
	"  h6 = h6 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 6 THEN -OLD.wh ELSE 0 END,\n"
	"  h7 = h7 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 7 THEN -OLD.wh ELSE 0 END,\n"
	"  h8 = h8 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 8 THEN -OLD.wh ELSE 0 END,\n"
	"  h9 = h9 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 9 THEN -OLD.wh ELSE 0 END,\n"
	"  h10 = h10 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 10 THEN -OLD.wh ELSE 0 END,\n"
	"  h11 = h11 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 11 THEN -OLD.wh ELSE 0 END,\n"
	"  h12 = h12 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 12 THEN -OLD.wh ELSE 0 END,\n"
	"  h13 = h13 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 13 THEN -OLD.wh ELSE 0 END,\n"
	"  h14 = h14 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 14 THEN -OLD.wh ELSE 0 END,\n"
	"  h15 = h15 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 15 THEN -OLD.wh ELSE 0 END,\n"
	"  h16 = h16 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 16 THEN -OLD.wh ELSE 0 END,\n"
	"  h17 = h17 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 17 THEN -OLD.wh ELSE 0 END,\n"
	"  h18 = h18 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 18 THEN -OLD.wh ELSE 0 END,\n"
	"  h19 = h19 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 19 THEN -OLD.wh ELSE 0 END,\n"
	"  h20 = h20 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 20 THEN -OLD.wh ELSE 0 END,\n"
	"  h21 = h21 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 21 THEN -OLD.wh ELSE 0 END,\n"
	"  h22 = h22 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 22 THEN -OLD.wh ELSE 0 END,\n"
	"  h23 = h23 + CASE WHEN OLD.hour_ts % 86400 / 3600 = 23 THEN -OLD.wh ELSE 0 END\n"
	"  WHERE meter_id = OLD.meter_id AND day_ts = OLD.hour_ts - OLD.hour_ts % 86400;\n"
	"END;\n";

/* The recharge key version of each meter (device info 0x020A): its
 * recharge key derives from MK06 of that version of the key file (docs/
 * poll.md "Recharge keys"); 0 is a maker's own key, kept in recharge_key. */
static const char migration_wiring_key_version[] =
	"ALTER TABLE meter_wiring ADD COLUMN key_version INTEGER NOT NULL DEFAULT 1\n"
	"  CHECK (key_version BETWEEN 0 AND 127);\n";

/* The ledger's row count and sum per kind, kept by a trigger in the
 * transaction of each row. A backup's manifest records them: read here
 * they cost nothing, where summing the ledger took seconds at 2 GB while
 * the backup waited. `backup verify` still sums the ledger and checks
 * these against it. The ledger is append-only, so an insert is all there
 * is to follow. */
static const char migration_ledger_totals[] =
	"CREATE TABLE ledger_totals (\n"
	"  kind  TEXT PRIMARY KEY,\n"
	"  rows  INTEGER NOT NULL,\n"
	"  sum   INTEGER NOT NULL\n"
	") STRICT, WITHOUT ROWID;\n"
	"INSERT INTO ledger_totals(kind, rows, sum)\n"
	"  SELECT kind, count(*), sum(amount) FROM ledger GROUP BY kind;\n"
	"CREATE TRIGGER ledger_totals_add AFTER INSERT ON ledger\n"
	"BEGIN\n"
	"  INSERT INTO ledger_totals(kind, rows, sum) VALUES (NEW.kind, 1, NEW.amount)\n"
	"  ON CONFLICT(kind) DO UPDATE SET rows = rows + 1, sum = sum + excluded.sum;\n"
	"END;\n";

/* Migration 14: what the service reads of a meter besides its live block
 * (docs/meter-map.md §3.2, §3.3): its device info at commissioning and
 * its parameters once a day and after a write, kept so the desk can
 * check them against what it wrote. Moving a meter's wiring forgets its
 * device info, so the meter now on that unit is read again. The events
 * table is rebuilt to admit the two alarms these checks raise (a CHECK
 * cannot be altered in place); nothing references it, and its triggers
 * are dropped with it before the implicit delete, so its rows move as
 * they are. A partial index finds a meter's last done command of a kind
 * without scanning years of commands. */
static const char migration_meter_params[] =
	"CREATE TABLE meter_params (\n"
	"  meter_id     INTEGER PRIMARY KEY REFERENCES meters(id),\n"
	"  info_at      INTEGER,\n"
	"  meter_type   INTEGER, map_version INTEGER, firmware INTEGER, address INTEGER,\n"
	"  number       TEXT CHECK (number IS NULL OR length(number) = 12),\n"
	"  key_version  INTEGER, features INTEGER,\n"
	"  params_at    INTEGER,\n"
	"  alarm1       INTEGER, alarm2 INTEGER, alarm3 INTEGER, credit_limit INTEGER,\n"
	"  power_limit  INTEGER, restore_s INTEGER, malignant_w INTEGER,\n"
	"  price_sharp  INTEGER, price_peak INTEGER, price_flat INTEGER, price_valley INTEGER,\n"
	"  tou          TEXT CHECK (tou IS NULL OR length(tou) <= 120)\n"
	") STRICT;\n"
	"CREATE TRIGGER meter_wiring_moved AFTER UPDATE OF bus_id, unit_id ON meter_wiring\n"
	"  WHEN OLD.bus_id <> NEW.bus_id OR OLD.unit_id <> NEW.unit_id\n"
	"BEGIN UPDATE meter_params SET info_at = NULL WHERE meter_id = NEW.meter_id; END;\n"
	"CREATE TRIGGER meter_wiring_gone AFTER DELETE ON meter_wiring\n"
	"BEGIN UPDATE meter_params SET info_at = NULL WHERE meter_id = OLD.meter_id; END;\n"
	"CREATE INDEX commands_done ON commands(meter_id, kind, id) WHERE state = 'done';\n"
	"CREATE TABLE events_new (\n"
	"  id         INTEGER PRIMARY KEY,\n"
	"  kind       TEXT NOT NULL CHECK (kind IN ('arrears', 'low_balance_1', 'low_balance_2',\n"
	"               'low_balance_3', 'phase_loss', 'under_voltage', 'over_voltage',\n"
	"               'relay_tripped', 'power_limit', 'malignant_load', 'meter_offline',\n"
	"               'gateway_offline', 'bus_offline', 'clock_drift', 'recharge_sequence',\n"
	"               'freeze_mismatch', 'meter_mismatch', 'param_mismatch')),\n"
	"  meter_id   INTEGER REFERENCES meters(id),\n"
	"  bus_id     INTEGER REFERENCES buses(id),\n"
	"  detail     TEXT NOT NULL DEFAULT '' CHECK (length(detail) <= 200),\n"
	"  raised_at  INTEGER NOT NULL,\n"
	"  cleared_at INTEGER,\n"
	"  acked_at   INTEGER,\n"
	"  acked_by   INTEGER REFERENCES operators(id),\n"
	"  CHECK ((acked_at IS NULL) = (acked_by IS NULL)),\n"
	"  CHECK (meter_id IS NOT NULL OR bus_id IS NOT NULL)\n"
	") STRICT;\n"
	"INSERT INTO events_new(id, kind, meter_id, bus_id, detail, raised_at, cleared_at,\n"
	"  acked_at, acked_by)\n"
	"  SELECT id, kind, meter_id, bus_id, detail, raised_at, cleared_at, acked_at, acked_by\n"
	"  FROM events;\n"
	"DROP TABLE events;\n"
	"ALTER TABLE events_new RENAME TO events;\n"
	"CREATE UNIQUE INDEX events_open ON events(kind, ifnull(meter_id, 0), ifnull(bus_id, 0))\n"
	"  WHERE cleared_at IS NULL;\n"
	"CREATE INDEX events_raised ON events(raised_at);\n"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events\n"
	"BEGIN SELECT RAISE(ABORT, 'events are kept'); END;\n";

const char *const db_migrations[] = { migration_1, migration_2, migration_3, migration_4,
				      migration_5, migration_billing, migration_7, migration_8,
				      migration_9, migration_bus_config, migration_energy_day_hours,
				      migration_wiring_key_version, migration_ledger_totals,
				      migration_meter_params };
const int db_migration_count = (int)(sizeof(db_migrations) / sizeof(db_migrations[0]));
