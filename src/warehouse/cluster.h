/* The embedded local warehouse: a private PostgreSQL cluster under a
 * directory of the project's (var/warehouse by default), reachable only
 * through a unix socket inside that directory (no TCP port), created with
 * initdb on first use and started/stopped with pg_ctl.
 *
 * initdb and postgres refuse to run as root; when cscdw runs as root the
 * cluster belongs to an unprivileged system user ("cscdw", created if
 * missing, else "postgres") and the server programs run as that user. */
#ifndef CS_WAREHOUSE_CLUSTER_H
#define CS_WAREHOUSE_CLUSTER_H

#include <stddef.h>

#include "util/diag.h"

typedef struct {
    char dir[4096];        /* cluster root: holds data/, socket/, server.log */
    char data_dir[4200];
    char socket_dir[4200];
    char log_file[4200];
    char bindir[4096];     /* PostgreSQL server binaries */
    char run_as[64];       /* OS user that owns and runs the cluster ("" = the current user) */
    char role[64];         /* database superuser role clients connect as */
    char dbname[64];
} cs_cluster;

/* Fill c for a cluster at dir (created if needed, made absolute). Finds the
 * server binaries: $CSCDW_PG_BINDIR, PATH (initdb and pg_ctl), `pg_config
 * --bindir`, /usr/lib/postgresql/<newest>/bin. Chooses the OS user. Does not
 * create the cluster. `note` (may be NULL) receives a one-line remark to show
 * the user (e.g. that the cluster runs as user cscdw because we are root). */
cs_status cs_cluster_locate(cs_cluster *c, const char *dir, char *note, size_t note_n,
                            cs_diag *d);

int cs_cluster_exists(const cs_cluster *c);   /* initdb has run */
int cs_cluster_running(const cs_cluster *c);  /* postmaster answers on the socket */

cs_status cs_cluster_init(cs_cluster *c, cs_diag *d);   /* initdb + database; no-op if exists */
cs_status cs_cluster_start(cs_cluster *c, cs_diag *d);  /* init if needed; no-op if running */
cs_status cs_cluster_stop(cs_cluster *c, cs_diag *d);   /* no-op if not running */

/* libpq connection string for the cluster (socket directory, role, db). */
void cs_cluster_conninfo(const cs_cluster *c, char *buf, size_t n);

/* Run psql on the cluster, replacing the current process (extra args passed
 * on). Returns only on failure. */
cs_status cs_cluster_exec_psql(const cs_cluster *c, int argc, char **argv, cs_diag *d);

#endif
