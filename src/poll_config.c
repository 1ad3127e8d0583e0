/* poll_config: copies the config file's [bus NAME] sections into the
 * database (buses.from_config = 1, and their meters' wiring) at start and
 * on SIGHUP, so the rest of the service, events, `bus list` and `meter
 * status` treat file buses and `bus add` buses alike. The file owns its
 * buses: a bus or meter that leaves the file is unwired here, and the
 * CLI leaves them alone (cmd_bus.c, cmd_meter.c). */
#include "poll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "db_bus.h"
#include "err.h"
#include "log.h"

struct stale {
	int64_t meter_id;
	char meter_no[13];
};

struct wiring_ctx {
	const struct config_bus *v;
	int n;
	struct stale *stale;
	int nstale;
	int failed;
};

/* Collects wiring of config buses for meters the file no longer lists. */
static int note_wiring(int64_t meter_id, const char *meter_no, int64_t bus_id, int unit,
		       void *arg)
{
	struct wiring_ctx *c = arg;
	struct stale *nv;
	int i, k;

	(void)bus_id;
	(void)unit;
	for (k = 0; k < c->n; k++)
		for (i = 0; i < c->v[k].nunits; i++)
			if (strcmp(c->v[k].units[i].meter_no, meter_no) == 0)
				return 0;
	nv = realloc(c->stale, (size_t)(c->nstale + 1) * sizeof(*nv));
	if (!nv)
		return err_set(-SD_NOMEM, "reading the config buses");
	c->stale = nv;
	nv[c->nstale].meter_id = meter_id;
	snprintf(nv[c->nstale].meter_no, sizeof(nv[0].meter_no), "%s", meter_no);
	c->nstale++;
	return 0;
}

struct gone_ctx {
	const struct config_bus *v;
	int n;
	int64_t *ids;
	int nids;
};

static int note_gone(const struct bus_rec *b, void *arg)
{
	struct gone_ctx *g = arg;
	int64_t *nv;
	int k;

	if (!b->from_config || !b->enabled)
		return 0;
	for (k = 0; k < g->n; k++)
		if (strcmp(g->v[k].name, b->name) == 0)
			return 0;
	nv = realloc(g->ids, (size_t)(g->nids + 1) * sizeof(*nv));
	if (!nv)
		return err_set(-SD_NOMEM, "reading the config buses");
	g->ids = nv;
	g->ids[g->nids++] = b->id;
	return 0;
}

static int sync_bus(struct db *db, const char *path, const struct config_bus *c,
		    int64_t *id)
{
	struct bus_rec b, old;
	int rc;

	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "%s", c->name);
	snprintf(b.kind, sizeof(b.kind), "%s", c->tcp ? "tcp" : "rtu");
	snprintf(b.device, sizeof(b.device), "%s", c->device);
	snprintf(b.host, sizeof(b.host), "%s", c->host);
	b.baud = c->baud;
	b.parity = c->parity;
	b.stop_bits = c->stop_bits;
	b.rs485 = c->rs485;
	b.port = c->port;
	b.turnaround_ms = c->turnaround_ms;
	b.from_config = 1;
	rc = db_bus_get(db, c->name, &old);
	if (rc == -SD_NOT_FOUND) {
		if ((rc = db_bus_insert(db, &b)))
			return rc;
		*id = b.id;
		return 0;
	}
	if (rc)
		return rc;
	if (!old.from_config || strcmp(old.name, c->name) != 0)
		return err_set(-SD_CONFIG, "%s, line %d: a bus named \"%s\" was added with `saledesk "
					   "bus add`; remove it there or rename this section",
			       path, c->line, c->name);
	b.id = old.id;
	*id = old.id;
	return db_bus_update(db, &b);
}

static int sync_unit(struct db *db, const char *path, const struct config_bus *c,
		     const struct config_unit *u, int64_t bus_id)
{
	int64_t meter_id, wired_bus;
	int unit, from_config, rc;

	rc = db_meter_id(db, u->meter_no, &meter_id);
	if (rc == -SD_NOT_FOUND)
		return err_set(-SD_CONFIG, "%s, line %d: no meter %s; open an account with it first",
			       path, u->line, u->meter_no);
	if (rc)
		return rc;
	rc = db_meter_wiring(db, meter_id, &wired_bus, &unit, &from_config);
	if (rc && rc != -SD_NOT_FOUND)
		return rc;
	if (!rc && !from_config)
		return err_set(-SD_CONFIG, "%s, line %d: meter %s is wired with `saledesk meter "
					   "wire`; unwire it there first",
			       path, u->line, u->meter_no);
	if (!rc && wired_bus == bus_id && unit == u->unit)
		return 0;
	rc = db_meter_wire(db, u->meter_no, bus_id, u->unit, NULL, -1, &meter_id);
	if (rc == -SD_EXISTS)
		return err_set(-SD_CONFIG, "%s, line %d: unit %d of bus %s is still another meter's "
					   "(a `saledesk meter wire`, or two meters swapping units: "
					   "move one, reload, then the other)",
			       path, u->line, u->unit, c->name);
	return rc;
}

int poll_config_sync(const char *db_path, const char *config_path)
{
	struct config_bus *v = NULL;
	struct wiring_ctx wc;
	struct gone_ctx gc;
	struct db *db = NULL;
	int64_t id;
	int n = 0, rc, i, k, meters = 0;

	memset(&wc, 0, sizeof(wc));
	memset(&gc, 0, sizeof(gc));
	if ((rc = config_buses(config_path, &v, &n)))
		return rc;
	if ((rc = db_open(db_path, 0, &db)))
		goto out;
	if ((rc = db_begin(db)))
		goto out;
	wc.v = gc.v = v;
	wc.n = gc.n = n;
	/* First unwire what left the file, so its unit ids are free. */
	if ((rc = db_bus_config_wiring(db, note_wiring, &wc)))
		goto rollback;
	for (i = 0; i < wc.nstale; i++)
		if ((rc = db_meter_unwire(db, wc.stale[i].meter_no)))
			goto rollback;
	if ((rc = db_bus_each(db, 1, note_gone, &gc)))
		goto rollback;
	for (i = 0; i < gc.nids; i++)
		if ((rc = db_bus_unwire_all(db, gc.ids[i])) || (rc = db_bus_delete(db, gc.ids[i])))
			goto rollback;
	for (k = 0; k < n; k++) {
		if ((rc = sync_bus(db, config_path, &v[k], &id)))
			goto rollback;
		for (i = 0; i < v[k].nunits; i++, meters++)
			if ((rc = sync_unit(db, config_path, &v[k], &v[k].units[i], id)))
				goto rollback;
	}
	if ((rc = db_commit(db)))
		goto rollback;
	if (n || wc.nstale || gc.nids)
		log_info("config %s: %d buses with %d meters; %d meters and %d buses left the file",
			 config_path, n, meters, wc.nstale, gc.nids);
	goto out;
rollback:
	db_rollback(db);
out:
	db_close(db);
	config_buses_free(v, n);
	free(wc.stale);
	free(gc.ids);
	return rc;
}
