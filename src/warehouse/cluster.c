#include "warehouse/cluster.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/intern.h"
#include "util/mkdirs.h"

/* ---- small helpers -------------------------------------------------- */

static int is_executable(const char *dir, const char *prog)
{
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s/%s", dir, prog) >= (int)sizeof p)
        return 0;
    return access(p, X_OK) == 0;
}

static int has_server_programs(const char *dir)
{
    return is_executable(dir, "initdb") && is_executable(dir, "pg_ctl") &&
           is_executable(dir, "postgres");
}

/* Version number of a /usr/lib/postgresql/<v> entry, for choosing the newest. */
static int pg_version_of(const char *name)
{
    char *end;
    long v = strtol(name, &end, 10);
    return (*end == '\0' && v > 0 && v < 1000) ? (int)v : -1;
}

static int find_bindir(char *out, size_t n)
{
    const char *env = getenv("CSCDW_PG_BINDIR");
    if (env && *env && has_server_programs(env)) {
        snprintf(out, n, "%s", env);
        return 1;
    }
    const char *path = getenv("PATH");
    if (path) {
        char buf[8192];
        snprintf(buf, sizeof buf, "%s", path);
        for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir;
             dir = strtok_r(NULL, ":", &save)) {
            if (*dir && has_server_programs(dir)) {
                snprintf(out, n, "%s", dir);
                return 1;
            }
        }
    }
    FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
    if (p) {
        char line[PATH_MAX] = "";
        if (fgets(line, sizeof line, p)) {
            line[strcspn(line, "\r\n")] = '\0';
        }
        pclose(p);
        if (line[0] && has_server_programs(line)) {
            snprintf(out, n, "%s", line);
            return 1;
        }
    }
    DIR *dir = opendir("/usr/lib/postgresql");
    int best = -1;
    if (dir) {
        struct dirent *e;
        while ((e = readdir(dir))) {
            int v = pg_version_of(e->d_name);
            char cand[PATH_MAX];
            snprintf(cand, sizeof cand, "/usr/lib/postgresql/%s/bin", e->d_name);
            if (v > best && has_server_programs(cand)) {
                best = v;
                snprintf(out, n, "%s", cand);
            }
        }
        closedir(dir);
    }
    return best >= 0;
}

/* Drop to user `who` in a forked child (no-op when who is empty). */
static int become(const char *who)
{
    if (!who[0])
        return 0;
    struct passwd *pw = getpwnam(who);
    if (!pw)
        return -1;
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0)
        return -1;
    setenv("HOME", pw->pw_dir, 1);
    setenv("USER", pw->pw_name, 1);
    return 0;
}

/* Run argv as c->run_as with output appended to log (or /dev/null). Returns
 * the exit status, or -1 when it could not run. */
static int run_program(const cs_cluster *c, char *const argv[], const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (become(c->run_as) != 0)
            _exit(126);
        int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        int in = open("/dev/null", O_RDONLY);
        if (in >= 0) {
            dup2(in, STDIN_FILENO);
            close(in);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Can user `who` reach (search) path? Checked in a forked child. */
static int user_can_reach(const char *who, const char *path)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        if (become(who) != 0)
            _exit(1);
        _exit(access(path, X_OK | W_OK) == 0 ? 0 : 1);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int chown_to(const char *path, const char *who)
{
    if (!who[0])
        return 0;
    struct passwd *pw = getpwnam(who);
    if (!pw)
        return -1;
    return chown(path, pw->pw_uid, pw->pw_gid);
}

/* The last lines of a log file, for error messages. */
static void log_tail(const char *log, char *out, size_t n)
{
    out[0] = '\0';
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    char lines[4][512] = {{0}};
    int k = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        snprintf(lines[k % 4], sizeof lines[0], "%s", line);
        k++;
    }
    fclose(f);
    size_t used = 0;
    for (int i = k > 4 ? k - 4 : 0; i < k && used < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", used ? " | " : "", lines[i % 4]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* ---- public --------------------------------------------------------- */

static int choose_run_as(cs_cluster *c, char *note, size_t note_n)
{
    c->run_as[0] = '\0';
    if (geteuid() != 0)
        return 0;
    if (!getpwnam("cscdw")) {
        /* a system user with no login and no home, only to own the cluster */
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) {
                dup2(fd, STDOUT_FILENO);
                dup2(fd, STDERR_FILENO);
            }
            execlp("useradd", "useradd", "--system", "--no-create-home", "--shell",
                   "/usr/sbin/nologin", "--user-group", "cscdw", (char *)NULL);
            _exit(127);
        }
        if (pid > 0) {
            int st;
            waitpid(pid, &st, 0);
        }
    }
    if (getpwnam("cscdw"))
        snprintf(c->run_as, sizeof c->run_as, "cscdw");
    else if (getpwnam("postgres"))
        snprintf(c->run_as, sizeof c->run_as, "postgres");
    else
        return -1;
    if (note)
        snprintf(note, note_n,
                 "running as root: the local warehouse cluster runs as system user '%s' "
                 "(PostgreSQL refuses to run as root)",
                 c->run_as);
    return 0;
}

cs_status cs_cluster_locate(cs_cluster *c, const char *dir, char *note, size_t note_n,
                            cs_diag *d)
{
    memset(c, 0, sizeof *c);
    if (note && note_n)
        note[0] = '\0';
    if (cs_mkdirs(dir, 0755, 0700) != 0)
        return cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot create the warehouse directory: %s",
                           strerror(errno));
    char abs[PATH_MAX];
    if (!realpath(dir, abs))
        return cs_diag_set(d, CS_ERR_IO, dir, 0, 0, "cannot resolve the warehouse directory: %s",
                           strerror(errno));
    snprintf(c->dir, sizeof c->dir, "%s", abs);
    snprintf(c->data_dir, sizeof c->data_dir, "%s/data", c->dir);
    snprintf(c->log_file, sizeof c->log_file, "%s/server.log", c->dir);
    /* unix socket paths are limited to ~107 bytes: fall back to a short
     * private directory under /tmp named after the cluster */
    snprintf(c->socket_dir, sizeof c->socket_dir, "%s/socket", c->dir);
    if (strlen(c->socket_dir) > 80) {
        uint32_t h = cs_hash_bytes(c->dir, strlen(c->dir));
        snprintf(c->socket_dir, sizeof c->socket_dir, "/tmp/cscdw-%u-%08x", (unsigned)geteuid(),
                 h);
    }
    snprintf(c->role, sizeof c->role, "cscdw");
    snprintf(c->dbname, sizeof c->dbname, "cscdw");
    if (!find_bindir(c->bindir, sizeof c->bindir))
        return cs_diag_set(d, CS_ERR_DB, NULL, 0, 0,
                           "cannot find the PostgreSQL server programs (initdb, pg_ctl, postgres): "
                           "install postgresql-15 (make deps) or set CSCDW_PG_BINDIR");
    if (choose_run_as(c, note, note_n) != 0)
        return cs_diag_set(d, CS_ERR_DB, NULL, 0, 0,
                           "running as root and no unprivileged user is available for the local "
                           "warehouse: create a 'cscdw' or 'postgres' user, or run as a normal user");
    if (c->run_as[0]) {
        if (chown_to(c->dir, c->run_as) != 0)
            return cs_diag_set(d, CS_ERR_IO, c->dir, 0, 0, "cannot give the warehouse directory to user %s: %s",
                               c->run_as, strerror(errno));
        if (!user_can_reach(c->run_as, c->dir)) {
            /* a parent folder is closed to other users (a root-only home or
             * temp folder): keep the cluster in a fixed place of its own,
             * named after the requested folder so every call finds it */
            char fallback[4096];
            uint32_t h = cs_hash_bytes(c->dir, strlen(c->dir));
            snprintf(fallback, sizeof fallback, "/var/lib/cscdw/warehouse-%08x", h);
            if (cs_mkdirs("/var/lib/cscdw", 0755, 0755) != 0 ||
                cs_mkdirs(fallback, 0755, 0700) != 0 || chown_to(fallback, c->run_as) != 0 || !user_can_reach(c->run_as, fallback))
                return cs_diag_set(d, CS_ERR_IO, c->dir, 0, 0,
                                   "user %s cannot reach the warehouse directory (a parent folder "
                                   "is closed to other users); choose another place with "
                                   "--warehouse-dir",
                                   c->run_as);
            if (note)
                snprintf(note, note_n,
                         "running as root: the local warehouse runs as system user '%s', and "
                         "because that user cannot reach %s it is kept in %s",
                         c->run_as, c->dir, fallback);
            snprintf(c->dir, sizeof c->dir, "%s", fallback);
            snprintf(c->data_dir, sizeof c->data_dir, "%s/data", c->dir);
            snprintf(c->log_file, sizeof c->log_file, "%s/server.log", c->dir);
            if (strlen(c->dir) + 7 <= 80)
                snprintf(c->socket_dir, sizeof c->socket_dir, "%s/socket", c->dir);
        }
    }
    /* say it once, when the cluster is about to be created */
    if (note && cs_cluster_exists(c))
        note[0] = '\0';
    return CS_OK;
}

int cs_cluster_exists(const cs_cluster *c)
{
    char p[8400];
    snprintf(p, sizeof p, "%s/PG_VERSION", c->data_dir);
    return access(p, F_OK) == 0;
}

void cs_cluster_conninfo(const cs_cluster *c, char *buf, size_t n)
{
    snprintf(buf, n, "host='%s' user='%s' dbname='%s' connect_timeout=10", c->socket_dir, c->role,
             c->dbname);
}

int cs_cluster_running(const cs_cluster *c)
{
    char ci[8400];
    snprintf(ci, sizeof ci, "host='%s' user='%s' dbname='postgres' connect_timeout=3",
             c->socket_dir, c->role);
    return PQping(ci) == PQPING_OK;
}

static cs_status write_config(const cs_cluster *c, cs_diag *d)
{
    char conf[8400];
    snprintf(conf, sizeof conf, "%s/postgresql.auto.conf", c->data_dir);
    FILE *f = fopen(conf, "a");
    if (!f)
        return cs_diag_set(d, CS_ERR_IO, conf, 0, 0, "cannot write cluster settings: %s",
                           strerror(errno));
    /* unix socket only, private to the owner; no TCP port at all */
    fprintf(f,
            "# written by cscdw: the local warehouse listens on a private unix socket only\n"
            "listen_addresses = ''\n"
            "unix_socket_directories = '%s'\n"
            "unix_socket_permissions = 0700\n"
            "max_connections = 20\n"
            "shared_buffers = '128MB'\n"
            "maintenance_work_mem = '256MB'\n"
            "max_wal_size = '2GB'\n"
            "# no replication or archiving: tables a load creates are written without WAL\n"
            "wal_level = minimal\n"
            "max_wal_senders = 0\n",
            c->socket_dir);
    if (getenv("CSCDW_PG_NOSYNC"))
        fprintf(f, "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
    fclose(f);
    chown_to(conf, c->run_as);
    return CS_OK;
}

static cs_status create_database(const cs_cluster *c, cs_diag *d)
{
    char ci[8400];
    snprintf(ci, sizeof ci, "host='%s' user='%s' dbname='postgres' connect_timeout=10",
             c->socket_dir, c->role);
    PGconn *conn = PQconnectdb(ci);
    if (PQstatus(conn) != CONNECTION_OK) {
        cs_status st = cs_diag_set(d, CS_ERR_DB, NULL, 0, 0,
                                   "cannot connect to the local warehouse: %s",
                                   PQerrorMessage(conn));
        PQfinish(conn);
        return st;
    }
    PGresult *r = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = 'cscdw'");
    int exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    if (!exists) {
        /* text sorts and compares by code point (as C.UTF-8 does anyway),
         * with memcmp instead of strcoll: index builds and id lookups are
         * markedly cheaper; upper()/lower() still know every letter */
        r = PQexec(conn, "CREATE DATABASE cscdw ENCODING 'UTF8' LC_COLLATE 'C' "
                         "LC_CTYPE 'C.UTF-8' TEMPLATE template0");
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            cs_status st = cs_diag_set(d, CS_ERR_DB, NULL, 0, 0,
                                       "cannot create database cscdw: %s",
                                       PQresultErrorMessage(r));
            PQclear(r);
            PQfinish(conn);
            return st;
        }
        PQclear(r);
    }
    PQfinish(conn);
    return CS_OK;
}

static cs_status ensure_socket_dir(const cs_cluster *c, cs_diag *d)
{
    if (cs_mkdirs(c->socket_dir, 0755, 0700) != 0)
        return cs_diag_set(d, CS_ERR_IO, c->socket_dir, 0, 0, "cannot create socket directory: %s",
                           strerror(errno));
    if (chown_to(c->socket_dir, c->run_as) != 0)
        return cs_diag_set(d, CS_ERR_IO, c->socket_dir, 0, 0,
                           "cannot give the socket directory to user %s", c->run_as);
    return CS_OK;
}

static cs_status pg_ctl_start(const cs_cluster *c, cs_diag *d)
{
    cs_status st = ensure_socket_dir(c, d);
    if (st != CS_OK)
        return st;
    char prog[8400];
    snprintf(prog, sizeof prog, "%s/pg_ctl", c->bindir);
    char *argv[] = {prog, "-D", (char *)c->data_dir, "-l", (char *)c->log_file, "-w", "-t", "120",
                    "-s", "start", NULL};
    int rc = run_program(c, argv, c->log_file);
    if (rc != 0) {
        char tail[1024];
        log_tail(c->log_file, tail, sizeof tail);
        return cs_diag_set(d, CS_ERR_DB, c->log_file, 0, 0,
                           "the local warehouse server did not start (pg_ctl exit %d): %s", rc,
                           tail);
    }
    return CS_OK;
}

cs_status cs_cluster_init(cs_cluster *c, cs_diag *d)
{
    if (cs_cluster_exists(c))
        return CS_OK;
    if (cs_mkdirs(c->data_dir, 0755, 0700) != 0)
        return cs_diag_set(d, CS_ERR_IO, c->data_dir, 0, 0, "cannot create %s", strerror(errno));
    if (chown_to(c->data_dir, c->run_as) != 0)
        return cs_diag_set(d, CS_ERR_IO, c->data_dir, 0, 0, "cannot give %s to user %s",
                           c->data_dir, c->run_as);
    char prog[8400];
    snprintf(prog, sizeof prog, "%s/initdb", c->bindir);
    /* trust is safe here: the only way in is the socket in a 0700 directory */
    char *argv[] = {prog, "-D", (char *)c->data_dir, "-U", (char *)c->role, "--auth=trust",
                    "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions", NULL, NULL};
    if (getenv("CSCDW_PG_NOSYNC"))
        argv[9] = "--no-sync";   /* throwaway test clusters */
    char log[8400];
    snprintf(log, sizeof log, "%s/initdb.log", c->dir);
    int rc = run_program(c, argv, log);
    if (rc != 0) {
        char tail[1024];
        log_tail(log, tail, sizeof tail);
        return cs_diag_set(d, CS_ERR_DB, log, 0, 0, "initdb failed (exit %d): %s", rc, tail);
    }
    cs_status st = write_config(c, d);
    if (st != CS_OK)
        return st;
    st = pg_ctl_start(c, d);
    if (st != CS_OK)
        return st;
    return create_database(c, d);
}

cs_status cs_cluster_start(cs_cluster *c, cs_diag *d)
{
    if (!cs_cluster_exists(c))
        return cs_cluster_init(c, d);   /* init leaves it running */
    if (cs_cluster_running(c))
        return CS_OK;
    cs_status st = pg_ctl_start(c, d);
    if (st != CS_OK)
        return st;
    return create_database(c, d);
}

cs_status cs_cluster_stop(cs_cluster *c, cs_diag *d)
{
    if (!cs_cluster_exists(c))
        return CS_OK;
    char pid[8400];
    snprintf(pid, sizeof pid, "%s/postmaster.pid", c->data_dir);
    if (access(pid, F_OK) != 0)
        return CS_OK;
    char prog[8400];
    snprintf(prog, sizeof prog, "%s/pg_ctl", c->bindir);
    char *argv[] = {prog, "-D", (char *)c->data_dir, "-m", "fast", "-w", "-t", "60", "-s",
                    "stop", NULL};
    int rc = run_program(c, argv, c->log_file);
    if (rc != 0)
        return cs_diag_set(d, CS_ERR_DB, c->log_file, 0, 0,
                           "could not stop the local warehouse server (pg_ctl exit %d)", rc);
    return CS_OK;
}

cs_status cs_cluster_exec_psql(const cs_cluster *c, int argc, char **argv, cs_diag *d)
{
    char prog[8400];
    snprintf(prog, sizeof prog, "%s/psql", c->bindir);
    if (access(prog, X_OK) != 0)
        snprintf(prog, sizeof prog, "psql");
    size_t n = (size_t)argc + 8;
    char **args = calloc(n, sizeof *args);
    if (!args)
        return cs_diag_set(d, CS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t k = 0;
    args[k++] = prog;
    args[k++] = "-h";
    args[k++] = (char *)c->socket_dir;
    args[k++] = "-U";
    args[k++] = (char *)c->role;
    args[k++] = "-d";
    args[k++] = (char *)c->dbname;
    for (int i = 0; i < argc; i++)
        args[k++] = argv[i];
    args[k] = NULL;
    execvp(prog, args);
    cs_status st = cs_diag_set(d, CS_ERR_IO, NULL, 0, 0, "cannot run psql: %s", strerror(errno));
    free(args);
    return st;
}
