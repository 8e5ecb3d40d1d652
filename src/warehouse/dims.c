#include "warehouse/dims.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "warehouse/bulk.h"
#include "warehouse/conn.h"
#include "warehouse/copy_pipe.h"
#include "warehouse/facts.h"
#include "warehouse/keymap.h"

static cs_status temp_table(cs_copy *o, const char *name, const char *typed, const char *cols,
                            cs_diag *d)
{
    char sql[4096];
    snprintf(sql, sizeof sql, "CREATE TEMP TABLE %s %s ON COMMIT DROP", name, typed);
    cs_status st = cs_wh_exec(o->conn, sql, d);
    return st != CS_OK ? st : cs_copy_begin(o, name, cols, NULL, d);
}

static cs_status table_has_la(PGconn *c, const char *table, long long la, int *out, cs_diag *d)
{
    char sql[256], v[8];
    snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s WHERE la_key = %lld)", table, la);
    cs_status st = cs_wh_query_value(c, sql, v, sizeof v, d);
    *out = st == CS_OK && v[0] == 't';
    return st;
}

/* ---- calendar ------------------------------------------------------------ */

cs_status cs_wh_merge_calendar(cs_copy *o, const cs_calendar *cal, cs_diag *d)
{
    if (!cal)
        return CS_OK;
    cs_status st = temp_table(o, "stg_bank_holiday", "(date date PRIMARY KEY, name text)",
                              "(date, name)", d);
    if (st != CS_OK)
        return st;
    cs_date from = cs_date_from_ymd(cs_calendar_first_year(cal), 1, 1);
    cs_date to = cs_date_from_ymd(cs_calendar_last_year(cal), 12, 31);
    for (cs_date dt = from; dt != CS_DATE_NONE && dt <= to; dt++) {
        if (!cs_calendar_is_bank_holiday(cal, dt))
            continue;
        const char *name = cs_calendar_holiday_name(cal, dt);
        cs_copy_date(o, dt);
        cs_copy_sep(o);
        cs_copy_text(o, name ? name : "");
        cs_copy_eol(o);
    }
    if ((st = cs_copy_end(o, "bank holidays", d)) != CS_OK)
        return st;
    /* mirrored only where it differs, so a reload writes nothing; one pass
     * over dim_date sets the holidays (within the calendar's span) and
     * renumbers the working days after them */
    return cs_wh_exec(
        o->conn,
        "WITH r AS (SELECT min(date) AS lo, max(date) AS hi FROM stg_bank_holiday), "
        "x AS (SELECT d.date, d.date BETWEEN r.lo AND r.hi AS inside, b.date IS NOT NULL AS hol, "
        "b.name, d.is_weekend, d.is_bank_holiday, d.bank_holiday_name, d.is_working_day "
        "FROM dim_date d CROSS JOIN r LEFT JOIN stg_bank_holiday b ON b.date = d.date), "
        "y AS (SELECT date, CASE WHEN inside THEN hol ELSE is_bank_holiday END AS hol, "
        "CASE WHEN inside THEN name ELSE bank_holiday_name END AS name, "
        "CASE WHEN inside THEN NOT is_weekend AND NOT hol ELSE is_working_day END AS wd FROM x), "
        "z AS (SELECT y.*, sum(wd::int) OVER (ORDER BY date) AS n FROM y) "
        "UPDATE dim_date d SET is_bank_holiday = z.hol, bank_holiday_name = z.name, "
        "is_working_day = z.wd, working_day_number = z.n FROM z WHERE d.date = z.date "
        "AND (d.is_bank_holiday, d.bank_holiday_name, d.is_working_day, d.working_day_number) "
        "IS DISTINCT FROM (z.hol, z.name, z.wd, z.n)",
        d);
}

/* ---- teams and workers ---------------------------------------------------- */

/* A temp table shaped like the entity, its rows (first per id) COPYed in. */
static cs_status stage_entity(cs_copy *o, const cs_model *m, cs_entity_id e, uint64_t *rows,
                              cs_diag *d)
{
    const cs_entity_desc *ed = &cs_entities[e];
    char name[96], typed[4096], cols[2048];
    snprintf(name, sizeof name, "stg_%s", ed->name);
    size_t k = (size_t)snprintf(typed, sizeof typed, "(");
    size_t j = (size_t)snprintf(cols, sizeof cols, "(");
    for (size_t i = 0; i < ed->nfields; i++) {
        const char *type = ed->fields[i].type == CS_FT_DATE   ? "date"
                           : ed->fields[i].type == CS_FT_INT  ? "integer"
                           : ed->fields[i].type == CS_FT_BOOL ? "boolean"
                                                              : "text";
        k += (size_t)snprintf(typed + k, k < sizeof typed ? sizeof typed - k : 0, "%s\"%s\" %s",
                              i ? ", " : "", ed->fields[i].name, type);
        j += (size_t)snprintf(cols + j, j < sizeof cols ? sizeof cols - j : 0, "%s\"%s\"",
                              i ? ", " : "", ed->fields[i].name);
    }
    if (k < sizeof typed)
        snprintf(typed + k, sizeof typed - k, ")");
    if (j < sizeof cols)
        snprintf(cols + j, sizeof cols - j, ")");
    cs_status st = temp_table(o, name, typed, cols, d);
    if (st != CS_OK)
        return st;
    const cs_table *t = &m->tables[e];
    cs_idset seen;
    cs_idset_init(&seen, t->count);
    for (size_t r = 0; r < t->count; r++) {
        const unsigned char *row = t->rows + r * ed->size;
        if (!cs_idset_add(&seen, *(const char *const *)(row + ed->fields[0].offset)))
            continue;
        for (size_t i = 0; i < ed->nfields; i++) {
            if (i)
                cs_copy_sep(o);
            cs_wh_copy_field(o, row, &ed->fields[i]);
        }
        cs_copy_eol(o);
        (*rows)++;
    }
    cs_idset_free(&seen);
    return cs_copy_end(o, name, d);
}

cs_status cs_wh_merge_org(cs_copy *o, const cs_model *m, cs_wh_keys *k, uint64_t *rows,
                          cs_diag *d)
{
    cs_status st = stage_entity(o, m, CS_E_team, rows, d);
    if (st == CS_OK)
        st = stage_entity(o, m, CS_E_worker, rows, d);
    if (st != CS_OK)
        return st;
    char sql[4][2048];
    long long la = k->la_key;
    snprintf(sql[0], sizeof sql[0],
             "INSERT INTO dim_team (la_key, team_id, name, parent_team_id) "
             "SELECT %lld, s.id, s.name, s.parent_id FROM stg_team s "
             "ON CONFLICT (la_key, team_id) DO UPDATE SET (name, parent_team_id) = "
             "ROW(EXCLUDED.name, EXCLUDED.parent_team_id) WHERE (dim_team.name, "
             "dim_team.parent_team_id) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.parent_team_id)",
             la);
    snprintf(sql[1], sizeof sql[1],
             "UPDATE dim_team t SET parent_team_key = p.team_key FROM dim_team p "
             "WHERE t.la_key = %lld AND p.la_key = t.la_key AND p.team_id = t.parent_team_id "
             "AND t.parent_team_key IS DISTINCT FROM p.team_key",
             la);
    snprintf(sql[2], sizeof sql[2],
             "INSERT INTO dim_worker (la_key, worker_id, name, team_key, role, registration_no, "
             "agency) SELECT %lld, s.id, s.name, t.team_key, s.role, s.registration_no, s.agency "
             "FROM stg_worker s LEFT JOIN dim_team t ON t.la_key = %lld AND t.team_id = s.team_id "
             "ON CONFLICT (la_key, worker_id) DO UPDATE SET (name, team_key, role, "
             "registration_no, agency) = ROW(EXCLUDED.name, EXCLUDED.team_key, EXCLUDED.role, "
             "EXCLUDED.registration_no, EXCLUDED.agency) WHERE (dim_worker.name, "
             "dim_worker.team_key, dim_worker.role, dim_worker.registration_no, dim_worker.agency) "
             "IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.team_key, EXCLUDED.role, "
             "EXCLUDED.registration_no, EXCLUDED.agency)",
             la, la);
    for (int i = 0; i < 3 && st == CS_OK; i++)
        st = cs_wh_exec(o->conn, sql[i], d);
    if (st != CS_OK)
        return st;
    snprintf(sql[0], sizeof sql[0], "SELECT team_id, team_key FROM dim_team WHERE la_key = %lld",
             la);
    snprintf(sql[1], sizeof sql[1],
             "SELECT worker_id, worker_key FROM dim_worker WHERE la_key = %lld", la);
    st = cs_keymap_fetch(&k->team, o->conn, sql[0], d);
    return st != CS_OK ? st : cs_keymap_fetch(&k->worker, o->conn, sql[1], d);
}

/* ---- rules ---------------------------------------------------------------- */

/* Rules met already, in a small table keyed on their short strings: a
 * finding is answered here without building its rule id and looking that
 * up (a miss only costs the full look-up). */
#define RULE_SLOTS 256

typedef struct {
    const char *ret, *year, *rule;
    long long key;
} rule_slot;

static uint32_t mix_text(uint32_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h * 16777619u;
}

static rule_slot *rule_slot_of(rule_slot *slots, const cs_exception *e)
{
    uint32_t h = mix_text(mix_text(mix_text(2166136261u, e->rule), e->year), e->return_name);
    return &slots[(h ^ h >> 16) & (RULE_SLOTS - 1)];
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int slot_holds(const rule_slot *s, const cs_exception *e)
{
    return s->rule && same_text(s->rule, e->rule) && same_text(s->year, e->year) &&
           same_text(s->ret, e->return_name);
}

void cs_wh_rule_id(const char *ret, const char *year, const char *code, char *out, size_t n)
{
    snprintf(out, n, "%s\x1f%s\x1f%s", ret ? ret : "", year && *year ? year : "all",
             code ? code : "");
}

cs_status cs_wh_merge_rules(cs_copy *o, const cs_exception_list *exc, cs_wh_keys *k,
                            cs_diag *d)
{
    cs_status st = temp_table(o, "stg_rule",
                              "(return_name text, year text, code text, severity text, "
                              "message text)",
                              "(return_name, year, code, severity, message)", d);
    if (st != CS_OK)
        return st;
    /* the first exception of each rule speaks for it; a rule's findings
     * mostly come together, so most are passed over without a look-up */
    cs_keymap seen;
    cs_keymap_init(&seen);
    char id[1024];
    rule_slot *slots = cs_xcalloc(RULE_SLOTS, sizeof *slots);
    for (size_t i = 0; exc && i < exc->count; i++) {
        const cs_exception *e = &exc->items[i];
        rule_slot *slot = rule_slot_of(slots, e);
        if (slot_holds(slot, e))
            continue;
        *slot = (rule_slot){e->return_name, e->year, e->rule, 1};
        cs_wh_rule_id(e->return_name, e->year, e->rule, id, sizeof id);
        if (cs_keymap_get(&seen, id))
            continue;
        cs_keymap_put(&seen, id, strlen(id), 1);
        cs_copy_text(o, e->return_name ? e->return_name : "");
        cs_copy_sep(o);
        cs_copy_text(o, e->year && *e->year ? e->year : "all");
        cs_copy_sep(o);
        cs_copy_text(o, e->rule ? e->rule : "");
        cs_copy_sep(o);
        cs_copy_text(o, cs_severity_name(e->severity));
        cs_copy_sep(o);
        cs_copy_text(o, e->message ? e->message : "");
        cs_copy_eol(o);
    }
    cs_keymap_free(&seen);
    free(slots);
    if ((st = cs_copy_end(o, "rules", d)) != CS_OK)
        return st;
    st = cs_wh_exec(o->conn,
                    "INSERT INTO dim_rule (return_name, year, code, severity, message) "
                    "SELECT return_name, year, code, severity, message FROM stg_rule "
                    "ON CONFLICT (return_name, year, code) DO UPDATE SET (severity, message) = "
                    "ROW(EXCLUDED.severity, EXCLUDED.message) WHERE (dim_rule.severity, "
                    "dim_rule.message) IS DISTINCT FROM (EXCLUDED.severity, EXCLUDED.message)",
                    d);
    if (st != CS_OK)
        return st;
    return cs_keymap_fetch(&k->rule, o->conn,
                           "SELECT r.return_name || chr(31) || r.year || chr(31) || r.code, "
                           "r.rule_key FROM dim_rule r JOIN stg_rule s USING (return_name, year, "
                           "code)",
                           d);
}

/* ---- children ------------------------------------------------------------- */

/* Disability status per person as bool_or(code <> 'NONE') over the person's
 * rows: 1 = unknown (no coded row), 2 = not disabled, 3 = disabled. */
static void disability_status(const cs_model *m, cs_keymap *out)
{
    const cs_table *t = &m->tables[CS_E_disability];
    const cs_disability *rows = (const cs_disability *)t->rows;
    for (size_t i = 0; i < t->count; i++) {
        const char *pid = rows[i].person_id;
        if (!pid || !*pid)
            continue;
        long long cur = cs_keymap_get(out, pid);
        long long v = cur ? cur : 1;
        if (rows[i].code)
            v = (v == 3 || strcasecmp(rows[i].code, "NONE") != 0) ? 3 : 2;
        if (v != cur)
            cs_keymap_put(out, pid, strlen(pid), v);
    }
}

/* By id, and among repeats of an id by file order, so the first row wins. */
static int by_person_id(const void *a, const void *b)
{
    const cs_person *x = *(const cs_person *const *)a, *y = *(const cs_person *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x < y ? -1 : x > y);
}

static const char *const child_cols =
    "sex, ethnicity, disabled, upn, upn_unknown, birth_date, expected_birth_date, death_date, "
    "postcode_district";

/* The attributes dim_child keeps, in child_cols order. */
static void put_child(cs_copy *o, const cs_person *p, long long disabled)
{
    cs_copy_text(o, p->sex);
    cs_copy_sep(o);
    cs_copy_text(o, p->ethnicity);
    cs_copy_sep(o);
    if (disabled >= 2)
        cs_copy_put(o, disabled == 3 ? "t" : "f", 1);
    else
        cs_copy_null(o);
    cs_copy_sep(o);
    cs_copy_text(o, p->upn);
    cs_copy_sep(o);
    cs_copy_text(o, p->upn_unknown);
    cs_copy_sep(o);
    cs_copy_date(o, p->birth_date);
    cs_copy_sep(o);
    cs_copy_date(o, p->expected_birth_date);
    cs_copy_sep(o);
    cs_copy_date(o, p->death_date);
    cs_copy_sep(o);
    char pd[64];
    if (cs_postcode_district(p->postcode, pd, sizeof pd))
        cs_copy_text(o, pd);
    else
        cs_copy_null(o);
}

/* Children already known for this LA: staged, then merged as slowly
 * changing in SQL. */
static cs_status merge_known_children(PGconn *c, long long la, cs_date valid_from, cs_diag *d)
{
    char vf[32], iso[11], sql[4][2048];
    snprintf(vf, sizeof vf, "date '%s'", cs_date_iso(valid_from, iso));
    snprintf(sql[0], sizeof sql[0],
             "UPDATE dim_child c SET valid_to = %s, is_current = false FROM stg_child s "
             "WHERE c.la_key = %lld AND c.is_current AND c.person_id = s.person_id "
             "AND (c.sex, c.ethnicity, c.disabled, c.upn) IS DISTINCT FROM "
             "(s.sex, s.ethnicity, s.disabled, s.upn)",
             vf, la);
    snprintf(sql[1], sizeof sql[1],
             "UPDATE dim_child c SET valid_to = %s, is_current = false "
             "WHERE c.la_key = %lld AND c.is_current "
             "AND NOT EXISTS (SELECT 1 FROM stg_child s WHERE s.person_id = c.person_id)",
             vf, la);
    /* seen before: the new version starts on the reference date; new: at birth */
    snprintf(sql[2], sizeof sql[2],
             "INSERT INTO dim_child (la_key, person_id, valid_from, valid_to, is_current, %s) "
             "SELECT %lld, s.person_id, CASE WHEN h.person_id IS NOT NULL THEN %s "
             "ELSE coalesce(s.birth_date, s.expected_birth_date, %s) END, NULL, true, "
             "s.sex, s.ethnicity, s.disabled, s.upn, s.upn_unknown, s.birth_date, "
             "s.expected_birth_date, s.death_date, s.postcode_district FROM stg_child s "
             "LEFT JOIN (SELECT person_id, bool_or(is_current) AS cur FROM dim_child "
             "WHERE la_key = %lld GROUP BY person_id) h ON h.person_id = s.person_id "
             "WHERE h.cur IS NOT TRUE",
             child_cols, la, vf, vf, la);
    snprintf(sql[3], sizeof sql[3],
             "UPDATE dim_child c SET (upn_unknown, birth_date, expected_birth_date, death_date, "
             "postcode_district) = ROW(s.upn_unknown, s.birth_date, s.expected_birth_date, "
             "s.death_date, s.postcode_district) FROM stg_child s "
             "WHERE c.la_key = %lld AND c.is_current AND c.person_id = s.person_id "
             "AND (c.upn_unknown, c.birth_date, c.expected_birth_date, c.death_date, "
             "c.postcode_district) IS DISTINCT FROM (s.upn_unknown, s.birth_date, "
             "s.expected_birth_date, s.death_date, s.postcode_district)",
             la);
    cs_status st = cs_wh_exec(c, "ANALYZE stg_child", d);
    for (int i = 0; i < 4 && st == CS_OK; i++)
        st = cs_wh_exec(c, sql[i], d);
    return st;
}

const cs_person **cs_wh_children_order(const cs_model *m, size_t *n)
{
    const cs_table *t = &m->tables[CS_E_person];
    const cs_person **people = cs_xmalloc((t->count ? t->count : 1) * sizeof *people);
    size_t k = 0;
    for (size_t i = 0; i < t->count; i++)
        if (((const cs_person *)t->rows)[i].id)
            people[k++] = &((const cs_person *)t->rows)[i];
    qsort(people, k, sizeof *people, by_person_id);
    size_t kept = 0;
    for (size_t i = 0; i < k; i++)
        if (!kept || strcmp(people[i]->id, people[kept - 1]->id) != 0)
            people[kept++] = people[i];
    *n = kept;
    return people;
}

cs_status cs_wh_merge_children(cs_copy *o, const cs_model *m, cs_wh_prep *prep, cs_date valid_from,
                               cs_wh_keys *k, uint64_t *rows, cs_diag *d)
{
    PGconn *c = o->conn;
    long long la = k->la_key;
    int known = 0;
    cs_status st = table_has_la(c, "dim_child", la, &known, d);
    if (st != CS_OK)
        return st;
    size_t n = 0;
    const cs_person *const *people = cs_wh_prep_children(prep, &n);
    /* a first load of the LA numbers its children itself, from a block of
     * the key sequence taken at once: no default per row, no keys to read
     * back */
    long long first_key = 0;
    if (!known && n) {
        char sql[256], v[32];
        snprintf(sql, sizeof sql,
                 "SELECT setval(s, nextval(s) + %zu - 1) "
                 "FROM pg_get_serial_sequence('dim_child', 'child_key') s",
                 n);
        st = cs_wh_query_value(c, sql, v, sizeof v, d);
        if (st == CS_OK)
            first_key = atoll(v) - (long long)n + 1;
    }
    /* worked out before the COPY starts, so the server does not wait for it */
    cs_keymap disabled;
    cs_keymap_init(&disabled);
    disability_status(m, &disabled);
    cs_bulk bulk = {0};
    if (st == CS_OK && !known)
        st = cs_wh_bulk_begin(c, "dim_child", &bulk, d);
    char cols[512];
    if (st == CS_OK && known) {
        snprintf(cols, sizeof cols, "(person_id, %s)", child_cols);
        st = temp_table(o, "stg_child",
                        "(person_id text, sex text, ethnicity text, disabled boolean, upn text, "
                        "upn_unknown text, birth_date date, expected_birth_date date, "
                        "death_date date, postcode_district text)",
                        cols, d);
    } else if (st == CS_OK) {
        /* first load of this LA: straight into the dimension */
        snprintf(cols, sizeof cols, "(child_key, la_key, person_id, valid_from, is_current, %s)",
                 child_cols);
        st = cs_copy_begin(o, "dim_child", cols, bulk.fresh ? "FREEZE" : NULL, d);
    }
    if (st != CS_OK) {
        cs_wh_bulk_free(&bulk);
        cs_keymap_free(&disabled);
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        const cs_person *p = people[i];
        if (!known) {
            cs_copy_int(o, first_key + (long long)i);
            cs_copy_sep(o);
            cs_copy_int(o, la);
            cs_copy_sep(o);
            cs_keymap_put(&k->child, p->id, strlen(p->id), first_key + (long long)i);
        }
        cs_copy_text(o, p->id);
        cs_copy_sep(o);
        if (!known) {
            cs_date from = p->birth_date != CS_DATE_NONE            ? p->birth_date
                           : p->expected_birth_date != CS_DATE_NONE ? p->expected_birth_date
                                                                    : valid_from;
            cs_copy_date(o, from);
            cs_copy_sep(o);
            cs_copy_put(o, "t\t", 2);
        }
        put_child(o, p, cs_keymap_get(&disabled, p->id));
        cs_copy_eol(o);
        (*rows)++;
    }
    cs_keymap_free(&disabled);
    st = cs_copy_end(o, "children", d);
    if (st == CS_OK)
        st = cs_wh_bulk_end(c, &bulk, d);
    cs_wh_bulk_free(&bulk);
    if (st != CS_OK || !known)
        return st;
    if ((st = merge_known_children(c, la, valid_from, d)) != CS_OK)
        return st;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT person_id, child_key FROM dim_child WHERE la_key = %lld AND is_current", la);
    return cs_keymap_fetch(&k->child, c, sql, d);
}

/* ---- exceptions ------------------------------------------------------------ */

/* Identifies "the same exception" across runs: rule, child, record path and
 * fields; for a finding about no child, the source file and line too. */
static void fingerprint(EVP_MD_CTX *ctx, const cs_exception *e, char out[33])
{
    const char *child = e->child_id ? e->child_id : "";
    const char *parts[] = {e->return_name, e->rule, child, e->record, e->fields};
    EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (i)
            EVP_DigestUpdate(ctx, "|", 1);
        EVP_DigestUpdate(ctx, parts[i] ? parts[i] : "", parts[i] ? strlen(parts[i]) : 0);
    }
    if (!*child) {
        EVP_DigestUpdate(ctx, "|", 1);
        if (e->source_file)
            EVP_DigestUpdate(ctx, e->source_file, strlen(e->source_file));
        if (e->source_line) {
            char num[16];
            int n = snprintf(num, sizeof num, "|%u", e->source_line);
            EVP_DigestUpdate(ctx, num, (size_t)n);
        }
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 16; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[32] = '\0';
}

void cs_wh_exceptions_encode(cs_copy *enc, const cs_exception_list *exc, const cs_wh_keys *k,
                             uint64_t *rows)
{
    cs_copy_pipe_stream(enc, "fact_exception");
    char id[1024], fp[33];
    EVP_MD_CTX *md5 = EVP_MD_CTX_new();
    rule_slot *slots = cs_xcalloc(RULE_SLOTS, sizeof *slots);
    cs_copy *o = enc;
    for (size_t i = 0; exc && i < exc->count && !o->failed; i++) {
        const cs_exception *e = &exc->items[i];
        const char *child = e->child_id && *e->child_id ? e->child_id : NULL;
        rule_slot *slot = rule_slot_of(slots, e);
        if (!slot_holds(slot, e)) {
            cs_wh_rule_id(e->return_name, e->year, e->rule, id, sizeof id);
            *slot = (rule_slot){e->return_name, e->year, e->rule, cs_keymap_get(&k->rule, id)};
        }
        long long rule_key = slot->key;
        cs_copy_int(o, k->run_id);
        cs_copy_sep(o);
        cs_copy_int(o, (long long)(i + 1));
        cs_copy_sep(o);
        cs_copy_int(o, k->la_key);
        cs_copy_sep(o);
        cs_copy_int(o, rule_key);
        cs_copy_sep(o);
        long long keys[3] = {cs_keymap_get(&k->child, child), cs_keymap_get(&k->team, e->team_id),
                             cs_keymap_get(&k->worker, e->worker_id)};
        if (keys[0])
            cs_copy_int(o, keys[0]);
        else
            cs_copy_null(o);
        cs_copy_sep(o);
        cs_copy_text(o, child);
        for (int j = 1; j < 3; j++) {
            cs_copy_sep(o);
            if (keys[j])
                cs_copy_int(o, keys[j]);
            else
                cs_copy_null(o);
        }
        const char *texts[] = {cs_severity_name(e->severity), e->record, e->fields, e->values,
                               e->message, e->source_system, e->source_id, e->source_file};
        for (size_t j = 0; j < sizeof texts / sizeof texts[0]; j++) {
            cs_copy_sep(o);
            cs_copy_text(o, texts[j] ? texts[j] : "");
        }
        cs_copy_sep(o);
        if (e->source_line)
            cs_copy_int(o, e->source_line);
        else
            cs_copy_null(o);
        cs_copy_sep(o);
        fingerprint(md5, e, fp);
        cs_copy_put(o, fp, 32);
        cs_copy_eol(o);
        (*rows)++;
    }
    EVP_MD_CTX_free(md5);
    free(slots);
}

cs_status cs_wh_load_exceptions(cs_copy *o, cs_copy_pipe *pipe, cs_diag *d)
{
    return cs_wh_bulk_copy_stream(o, pipe, "fact_exception",
                                  "(run_id, seq, la_key, rule_key, child_key, person_id, "
                                  "team_key, worker_key, severity, record_path, fields, "
                                  "field_values, message, source_system, source_id, "
                                  "source_file, source_line, fingerprint)",
                                  d);
}
