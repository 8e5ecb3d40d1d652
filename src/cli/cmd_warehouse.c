/* cscdw warehouse init|start|stop|status|migrate|psql */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/resource.h"
#include "warehouse/cluster.h"
#include "warehouse/conn.h"
#include "warehouse/migrate.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: cscdw warehouse ACTION [--warehouse-dir DIR] [--warehouse URL]\n"
            "\n"
            "Actions:\n"
            "  init      create the embedded local warehouse (initdb) and its schema\n"
            "  start     start the local warehouse server (creating it if needed)\n"
            "  stop      stop the local warehouse server\n"
            "  status    say whether the local warehouse exists and is running, and its schema version\n"
            "  migrate [--to N]  apply schema/warehouse migrations (local, --warehouse URL, or PG*\n"
            "            variables); --to N stops after version N (to test an upgrade from it)\n"
            "  psql [ARGS...]  open psql on the local warehouse; further arguments go to psql\n"
            "\n"
            "Options:\n"
            "  --warehouse-dir DIR   the local cluster's folder (default var/warehouse)\n"
            "  --warehouse URL       a PostgreSQL server instead (postgresql://user@host/db)\n"
            "\n"
            "The local warehouse listens on a unix socket inside its folder only: no TCP port.\n"
            "As root, its server runs as the unprivileged system user 'cscdw'.\n");
}

static int migrate_now(PGconn *conn, int up_to, int *latest)
{
    char dir[4096];
    cs_resource_path("schema/warehouse", dir, sizeof dir);
    cs_migrate_result res;
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_wh_migrate(conn, dir, up_to, &res, &d) != CS_OK)
        return cs_cli_fail(&d);
    if (res.applied)
        printf("applied %d migration%s; schema version %d\n", res.applied,
               res.applied == 1 ? "" : "s", res.latest);
    else
        printf("schema is up to date (version %d)\n", res.latest);
    if (latest)
        *latest = res.latest;
    return CS_EXIT_OK;
}

int cs_cmd_warehouse(int argc, char **argv)
{
    const char *dir = "var/warehouse";
    const char *url = NULL;
    int up_to = 0;
    static const struct option opts[] = {{"warehouse-dir", required_argument, NULL, 'd'},
                                         {"warehouse", required_argument, NULL, 'w'},
                                         {"to", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    if (argc < 2) {
        usage(stderr);
        return CS_EXIT_USAGE;
    }
    const char *action = argv[1];
    if (strcmp(action, "--help") == 0 || strcmp(action, "-h") == 0) {
        usage(stdout);
        return CS_EXIT_OK;
    }
    /* psql: everything after the action goes to psql except our own options first */
    int pass_from = argc;
    if (strcmp(action, "psql") == 0) {
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--warehouse-dir") == 0 && i + 1 < argc) {
                dir = argv[++i];
                continue;
            }
            pass_from = i;
            break;
        }
        if (strcmp(action, "psql") == 0 && pass_from > argc)
            pass_from = argc;
    } else {
        optind = 2;
        int ch;
        while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
            switch (ch) {
            case 'd': dir = optarg; break;
            case 'w': url = optarg; break;
            case 't': {
                char *end;
                long v = strtol(optarg, &end, 10);
                if (*end || v < 1 || v > 99999 || strcmp(action, "migrate") != 0)
                    return cs_cli_usage_error("warehouse",
                                              "--to takes a migration version, with migrate only");
                up_to = (int)v;
                break;
            }
            case 'h': usage(stdout); return CS_EXIT_OK;
            default: return cs_cli_usage_error("warehouse", "unknown option");
            }
        }
        if (optind < argc)
            return cs_cli_usage_error("warehouse", "unexpected argument '%s'", argv[optind]);
    }

    cs_diag d;
    cs_diag_clear(&d);
    if (strcmp(action, "migrate") == 0 || (url && strcmp(action, "status") == 0)) {
        cs_wh_target t = {.url = url, .local_dir = dir, .use_env = 1};
        PGconn *conn;
        char note[512];
        if (cs_wh_connect(&t, &conn, note, sizeof note, &d) != CS_OK)
            return cs_cli_fail(&d);
        if (note[0])
            fprintf(stderr, "cscdw: %s\n", note);
        int rc = migrate_now(conn, up_to, NULL);
        PQfinish(conn);
        return rc;
    }

    cs_cluster c;
    char note[512];
    if (cs_cluster_locate(&c, dir, note, sizeof note, &d) != CS_OK)
        return cs_cli_fail(&d);
    if (note[0] && strcmp(action, "status") != 0)
        fprintf(stderr, "cscdw: %s\n", note);

    if (strcmp(action, "init") == 0 || strcmp(action, "start") == 0) {
        int existed = cs_cluster_exists(&c);
        if (cs_cluster_start(&c, &d) != CS_OK)
            return cs_cli_fail(&d);
        printf("local warehouse %s in %s (socket %s)\n", existed ? "running" : "created and running",
               c.dir, c.socket_dir);
        PGconn *conn;
        cs_wh_target t = {.local_dir = dir};
        if (cs_wh_connect(&t, &conn, NULL, 0, &d) != CS_OK)
            return cs_cli_fail(&d);
        int rc = migrate_now(conn, 0, NULL);
        PQfinish(conn);
        return rc;
    }
    if (strcmp(action, "stop") == 0) {
        int was = cs_cluster_running(&c);
        if (cs_cluster_stop(&c, &d) != CS_OK)
            return cs_cli_fail(&d);
        printf("local warehouse %s\n", was ? "stopped" : "was not running");
        return CS_EXIT_OK;
    }
    if (strcmp(action, "status") == 0) {
        if (!cs_cluster_exists(&c)) {
            printf("local warehouse: not created (%s)\n", c.dir);
            return CS_EXIT_OK;
        }
        int running = cs_cluster_running(&c);
        printf("local warehouse: %s\n  folder  %s\n  socket  %s\n  server  %s\n",
               running ? "running" : "stopped", c.dir, c.socket_dir, c.bindir);
        if (c.run_as[0])
            printf("  runs as %s\n", c.run_as);
        if (running) {
            char ci[8400];
            cs_cluster_conninfo(&c, ci, sizeof ci);
            PGconn *conn = PQconnectdb(ci);
            if (PQstatus(conn) == CONNECTION_OK) {
                PGresult *r = PQexec(conn, "SELECT coalesce(max(version),0) FROM meta_migration");
                if (PQresultStatus(r) == PGRES_TUPLES_OK)
                    printf("  schema  version %s\n", PQgetvalue(r, 0, 0));
                else
                    printf("  schema  not migrated\n");
                PQclear(r);
            }
            PQfinish(conn);
        }
        return CS_EXIT_OK;
    }
    if (strcmp(action, "psql") == 0) {
        if (cs_cluster_start(&c, &d) != CS_OK)
            return cs_cli_fail(&d);
        cs_cluster_exec_psql(&c, argc - pass_from, argv + pass_from, &d);
        return cs_cli_fail(&d);
    }
    return cs_cli_usage_error("warehouse", "unknown action '%s'", action);
}
