#include "warehouse/facts.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "warehouse/conn.h"
#include "warehouse/copy_pipe.h"
#include "warehouse/dims.h"

/* One fact table fed by one entity. `columns` lists the fact's columns after
 * la_key, each as
 *     name            the entity's field of that name
 *     name=field      another field of the entity
 *     name=@child     the current dim_child key of the row's person_id
 *     name=@team      the dim_team key of team_id; @worker likewise
 *     name=@district(field)      the postcode's outward part
 *     name=@workdays(from,to)    working days between two date fields
 *     name=@factors   the assessment's factor codes (text[])
 * The first column is the fact's own key, from the entity's id. */
typedef struct {
    const char *entity;
    const char *table;
    const char *columns;
} fact_spec;

static const fact_spec specs[] = {
    {"contact", "fact_contact",
     "contact_id=id child_key=@child person_id contact_date source outcome"},
    {"early_help", "fact_early_help",
     "episode_id=id child_key=@child person_id start_date end_date reason end_reason "
     "organisation worker_key=@worker"},
    {"referral", "fact_referral",
     "referral_id=id child_key=@child person_id referral_date source primary_need nfa "
     "closure_date closure_reason team_key=@team worker_key=@worker"},
    {"assessment", "fact_assessment",
     "assessment_id=id referral_id child_key=@child person_id start_date authorised_date "
     "working_days=@workdays(start_date,authorised_date) child_seen outcome_nfa "
     "factors=@factors team_key=@team worker_key=@worker"},
    {"s47", "fact_s47",
     "s47_id=id referral_id child_key=@child person_id start_date end_date icpc_not_required "
     "icpc_target_date team_key=@team worker_key=@worker"},
    {"icpc", "fact_icpc",
     "icpc_id=id referral_id s47_id cp_plan_id child_key=@child person_id target_date "
     "conference_date transfer_in outcome_cp team_key=@team worker_key=@worker"},
    {"cp_plan", "fact_cp_plan",
     "cp_plan_id=id referral_id child_key=@child person_id start_date end_date "
     "initial_category latest_category other_la team_key=@team worker_key=@worker"},
    {"cp_review", "fact_cp_review",
     "review_id=id cp_plan_id child_key=@child person_id due_date review_date"},
    {"cin_plan", "fact_cin_plan",
     "cin_plan_id=id referral_id child_key=@child person_id start_date end_date "
     "team_key=@team worker_key=@worker"},
    {"visit", "fact_visit",
     "visit_id=id kind plan_id child_key=@child person_id visit_date seen seen_alone "
     "bedroom_seen worker_key=@worker"},
    {"cla_period", "fact_cla_period",
     "period_id=id child_key=@child person_id start_date end_date primary_need end_reason "
     "permanence_plan"},
    {"cla_placement", "fact_cla_placement",
     "placement_id=id period_id child_key=@child person_id start_date end_date placement_type "
     "provider urn postcode_district=@district(postcode) change_reason"},
    {"legal_status", "fact_legal_status",
     "legal_status_id=id child_key=@child person_id legal_status start_date end_date"},
    {"cla_review", "fact_cla_review",
     "review_id=id period_id child_key=@child person_id due_date review_date participation "
     "cancelled"},
    {"health_check", "fact_health_check",
     "check_id=id child_key=@child person_id kind check_date status"},
    {"missing_episode", "fact_missing_episode",
     "missing_id=id child_key=@child person_id kind start_date end_date rhi_offered "
     "rhi_accepted"},
    {"care_leaver", "fact_care_leaver",
     "care_leaver_id=id child_key=@child person_id eligibility in_touch latest_contact_date "
     "accommodation accommodation_suitable activity pathway_plan_review_date team_key=@team "
     "worker_key=@worker"},
    {"permanence", "fact_adoption",
     "adoption_id=id child_key=@child person_id decision_date placement_order_date "
     "matched_date placed_date ffa_placed_date reversed_date reversed_reason order_date "
     "order_type adopted_by_carer number_of_adopters"},
    {"involvement", "fact_involvement",
     "involvement_id=id child_key=@child person_id worker_key=@worker team_key=@team role "
     "start_date end_date change_reason"},
};

#define NSPECS (sizeof specs / sizeof specs[0])
#define MAX_COLS 24

typedef enum { COL_FIELD, COL_CHILD, COL_TEAM, COL_WORKER, COL_DISTRICT, COL_WORKDAYS,
               COL_FACTORS } col_kind;

typedef struct {
    char name[48];
    col_kind kind;
    const cs_field_desc *f, *g;   /* the field(s) the value comes from */
    const char *last_id;          /* key columns: the id looked up last and its key */
    long long last_key;           /* (neighbouring rows mostly share a child or worker) */
} fact_col;

typedef struct {
    const fact_spec *spec;
    const cs_entity_desc *ed;
    fact_col cols[MAX_COLS];
    size_t ncols;
    char collist[1024];           /* "(la_key, contact_id, ...)" */
} fact_plan;

int cs_wh_entity_used(cs_entity_id e)
{
    switch (e) {
    case CS_E_person:
    case CS_E_disability:
    case CS_E_team:
    case CS_E_worker:
    case CS_E_assessment_factor: return 1;
    default: break;
    }
    for (size_t i = 0; i < NSPECS; i++)
        if (strcmp(specs[i].entity, cs_entities[e].name) == 0)
            return 1;
    return 0;
}

static cs_status plan_error(const fact_spec *s, const char *tok, cs_diag *d)
{
    return cs_diag_set(d, CS_ERR_INTERNAL, NULL, 0, 0,
                       "warehouse: fact %s: column '%s' names nothing in entity %s", s->table,
                       tok, s->entity);
}

static const cs_field_desc *field_or_null(const cs_entity_desc *ed, const char *name, size_t n)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)n, name);
    return cs_entity_field(ed, buf);
}

/* Parse a spec's column list against its entity. */
static cs_status plan_fact(const fact_spec *s, fact_plan *p, cs_diag *d)
{
    memset(p, 0, sizeof *p);
    p->spec = s;
    p->ed = cs_entity_find(s->entity);
    if (!p->ed)
        return plan_error(s, s->entity, d);
    size_t k = (size_t)snprintf(p->collist, sizeof p->collist, "(la_key");
    const char *q = s->columns;
    while (*q) {
        while (*q == ' ')
            q++;
        size_t len = strcspn(q, " ");
        if (!len)
            break;
        if (p->ncols == MAX_COLS)
            return plan_error(s, q, d);
        char tok[128];
        snprintf(tok, sizeof tok, "%.*s", (int)len, q);
        q += len;
        fact_col *c = &p->cols[p->ncols++];
        char *eq = strchr(tok, '=');
        const char *src = eq ? eq + 1 : tok;
        if (eq)
            *eq = '\0';
        snprintf(c->name, sizeof c->name, "%s", tok);
        const char *person = "person_id";
        if (strcmp(src, "@child") == 0) {
            c->kind = COL_CHILD;
            c->f = cs_entity_field(p->ed, person);
        } else if (strcmp(src, "@team") == 0) {
            c->kind = COL_TEAM;
            c->f = cs_entity_field(p->ed, "team_id");
        } else if (strcmp(src, "@worker") == 0) {
            c->kind = COL_WORKER;
            c->f = cs_entity_field(p->ed, "worker_id");
        } else if (strcmp(src, "@factors") == 0) {
            c->kind = COL_FACTORS;
            c->f = &p->ed->fields[0];
        } else if (strncmp(src, "@district(", 10) == 0) {
            c->kind = COL_DISTRICT;
            c->f = field_or_null(p->ed, src + 10, strcspn(src + 10, ")"));
        } else if (strncmp(src, "@workdays(", 10) == 0) {
            c->kind = COL_WORKDAYS;
            const char *a = src + 10, *b = strchr(a, ',');
            c->f = b ? field_or_null(p->ed, a, (size_t)(b - a)) : NULL;
            c->g = b ? field_or_null(p->ed, b + 1, strcspn(b + 1, ")")) : NULL;
            if (!c->g || c->f->type != CS_FT_DATE || c->g->type != CS_FT_DATE)
                return plan_error(s, src, d);
        } else {
            c->kind = COL_FIELD;
            c->f = cs_entity_field(p->ed, src);
        }
        if (!c->f)
            return plan_error(s, src, d);
        k += (size_t)snprintf(p->collist + k, sizeof p->collist - k, ", %s", c->name);
    }
    if (k < sizeof p->collist)
        snprintf(p->collist + k, sizeof p->collist - k, ")");
    return CS_OK;
}

static const char *str_field(const void *row, const cs_field_desc *f)
{
    return *(const char *const *)((const unsigned char *)row + f->offset);
}

static void put_key(cs_copy *o, long long key)
{
    if (key)
        cs_copy_int(o, key);
    else
        cs_copy_null(o);
}

static void put_field(cs_copy *o, const void *row, const cs_field_desc *f)
{
    const unsigned char *p = (const unsigned char *)row + f->offset;
    switch (f->type) {
    case CS_FT_ID:
    case CS_FT_STR:
    case CS_FT_CODE: cs_copy_text(o, *(const char *const *)p); break;
    case CS_FT_DATE: cs_copy_date(o, *(const cs_date *)p); break;
    case CS_FT_INT: {
        int32_t v = *(const int32_t *)p;
        if (v == CS_INT_NONE)
            cs_copy_null(o);
        else
            cs_copy_int(o, v);
        break;
    }
    case CS_FT_BOOL: {
        int8_t v = *(const int8_t *)p;
        if (v == CS_BOOL_NONE)
            cs_copy_null(o);
        else
            cs_copy_put(o, v ? "t" : "f", 1);
        break;
    }
    }
}

void cs_wh_copy_field(cs_copy *o, const void *row, const cs_field_desc *f)
{
    put_field(o, row, f);
}

const char *cs_wh_fact_table(size_t i)
{
    return i < NSPECS ? specs[i].table : NULL;
}

static long long key_of(fact_col *c, const cs_keymap *m, const char *id)
{
    if (!id)
        return 0;
    if (!c->last_id || strcmp(id, c->last_id) != 0) {
        c->last_key = cs_keymap_get(m, id);
        c->last_id = id;
    }
    return c->last_key;
}

static void put_col(cs_copy *o, const void *row, fact_col *c, const cs_wh_keys *k)
{
    switch (c->kind) {
    case COL_FIELD: put_field(o, row, c->f); break;
    case COL_CHILD: put_key(o, key_of(c, &k->child, str_field(row, c->f))); break;
    case COL_TEAM: put_key(o, key_of(c, &k->team, str_field(row, c->f))); break;
    case COL_WORKER: put_key(o, key_of(c, &k->worker, str_field(row, c->f))); break;
    case COL_DISTRICT: {
        char pd[64];
        if (cs_postcode_district(str_field(row, c->f), pd, sizeof pd))
            cs_copy_text(o, pd);
        else
            cs_copy_null(o);
        break;
    }
    case COL_WORKDAYS: {
        const unsigned char *r = row;
        cs_date a = *(const cs_date *)(r + c->f->offset), b = *(const cs_date *)(r + c->g->offset);
        if (a == CS_DATE_NONE || b == CS_DATE_NONE)
            cs_copy_null(o);
        else
            cs_copy_int(o, cs_calendar_working_days_between(k->cal, a, b));
        break;
    }
    case COL_FACTORS: {
        const char *lit = cs_wh_keys_factor_literal(k, str_field(row, c->f));
        if (lit)
            cs_copy_text(o, lit);
        else
            cs_copy_null(o);
        break;
    }
    }
}

/* ---- the per-LA partitions ---------------------------------------------- */

/* What each parent declares, built on its new partition before it is
 * attached so that ATTACH adopts it instead of building it under a lock:
 * the primary key's columns ("(la_key, referral_id)", empty when the fact
 * has none: migration 7) and the other indexes, as "[UNIQUE ]USING btree (...)". */
typedef struct {
    char pkey[NSPECS][256];
    char def[NSPECS][4][512];
    int n[NSPECS];
} index_defs;

static cs_status parent_indexes(PGconn *c, index_defs *x, cs_diag *d)
{
    memset(x, 0, sizeof *x);
    PGresult *r;
    cs_status st = cs_wh_query(c,
                               "SELECT i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid), "
                               "i.indisprimary FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                               "WHERE t.relkind = 'p' ORDER BY i.indexrelid",
                               &r, d);
    for (int i = 0; r && i < PQntuples(r); i++) {
        const char *def = PQgetvalue(r, i, 1);   /* CREATE [UNIQUE] INDEX n ON ONLY t USING ... */
        const char *using = strstr(def, " USING ");
        const char *cols = using ? strchr(using, '(') : NULL;
        for (size_t sp = 0; cols && sp < NSPECS; sp++) {
            if (strcmp(specs[sp].table, PQgetvalue(r, i, 0)) != 0)
                continue;
            if (PQgetvalue(r, i, 2)[0] == 't')
                snprintf(x->pkey[sp], sizeof x->pkey[sp], "%s", cols);
            else if (x->n[sp] < 4)
                snprintf(x->def[sp][x->n[sp]++], sizeof x->def[0][0], "%s%s",
                         strncmp(def, "CREATE UNIQUE", 13) == 0 ? "UNIQUE " : "", using + 1);
        }
    }
    PQclear(r);
    return st;
}

typedef struct {
    uint64_t prefix;      /* the id's first 8 bytes, big-endian: most comparisons end here */
    const char *id;
    size_t row;
} id_row;

static int by_id_then_row(const void *a, const void *b)
{
    const id_row *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* The table's rows that have an id, in id order (file order among repeats).
 * Sent in this order, the new partition's heap is already in key order, so
 * building its primary key finds its input sorted. */
static id_row *rows_by_id(const cs_table *t, const cs_entity_desc *ed, size_t *n)
{
    id_row *v = cs_xmalloc((t->count ? t->count : 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < t->count; i++) {
        const char *id = str_field(t->rows + i * ed->size, &ed->fields[0]);
        if (!id || !*id)
            continue;
        uint64_t prefix = 0;
        size_t j = 0;
        for (; j < 8 && id[j]; j++)
            prefix = prefix << 8 | (unsigned char)id[j];
        prefix <<= 8 * (8 - j);
        v[k++] = (id_row){prefix, id, i};
    }
    qsort(v, k, sizeof *v, by_id_then_row);
    *n = k;
    return v;
}

/* The children's order and every fact's row order, worked out on a second
 * thread while the dimensions are merged (the server busy, this process
 * mostly waiting). The children's comes first and is handed over as soon as
 * it is ready: dim_child is loaded before the facts. */
struct cs_wh_prep {
    const cs_model *m;
    cs_wh_keys *keys;     /* its factor literals are filled here too */
    const cs_person **children;
    size_t nchildren;
    int children_ready;
    pthread_mutex_t mu;
    pthread_cond_t ready;
    id_row *order[NSPECS];
    size_t n[NSPECS];
    pthread_t thread;
    int running;
};

static void *prepare_orders(void *arg)
{
    cs_wh_prep *p = arg;
    size_t n = 0;
    const cs_person **children = cs_wh_children_order(p->m, &n);
    pthread_mutex_lock(&p->mu);
    p->children = children;
    p->nchildren = n;
    p->children_ready = 1;
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->mu);
    cs_wh_keys_factors(p->keys, p->m);
    for (size_t s = 0; s < NSPECS; s++) {
        const cs_entity_desc *ed = cs_entity_find(specs[s].entity);
        p->order[s] = ed ? rows_by_id(&p->m->tables[ed->id], ed, &p->n[s]) : NULL;
    }
    return NULL;
}

cs_wh_prep *cs_wh_facts_prepare(const cs_model *m, cs_wh_keys *keys)
{
    cs_wh_prep *p = cs_xcalloc(1, sizeof *p);
    p->m = m;
    p->keys = keys;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->ready, NULL);
    if (pthread_create(&p->thread, NULL, prepare_orders, p) == 0)
        p->running = 1;
    else
        prepare_orders(p);   /* no thread: do it now */
    return p;
}

const cs_person *const *cs_wh_prep_children(cs_wh_prep *p, size_t *n)
{
    pthread_mutex_lock(&p->mu);
    while (!p->children_ready)
        pthread_cond_wait(&p->ready, &p->mu);
    pthread_mutex_unlock(&p->mu);
    *n = p->nchildren;
    return p->children;
}

static void prep_wait(cs_wh_prep *p)
{
    if (p->running) {
        pthread_join(p->thread, NULL);
        p->running = 0;
    }
}

void cs_wh_facts_prep_free(cs_wh_prep *p)
{
    if (!p)
        return;
    prep_wait(p);
    for (size_t s = 0; s < NSPECS; s++)
        free(p->order[s]);
    free(p->children);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* A fact's rows, in id order, the first of each id. */
static void encode_rows(cs_copy *o, fact_plan *p, const cs_table *t, const id_row *order,
                        size_t n, const cs_wh_keys *k, uint64_t *rows)
{
    char la_text[24];
    int la_n = snprintf(la_text, sizeof la_text, "%lld", k->la_key);
    for (size_t i = 0; i < n && !o->failed; i++) {
        if (i && strcmp(order[i].id, order[i - 1].id) == 0)
            continue;   /* a repeated id: the first in file order is kept */
        const void *row = t->rows + order[i].row * p->ed->size;
        cs_copy_put(o, la_text, (size_t)la_n);
        for (size_t j = 0; j < p->ncols; j++) {
            cs_copy_sep(o);
            put_col(o, row, &p->cols[j], k);
        }
        cs_copy_eol(o);
        (*rows)++;
    }
}

void cs_wh_facts_encode(cs_copy *enc, const cs_model *m, cs_wh_prep *prep, const cs_wh_keys *k,
                        uint64_t *rows)
{
    prep_wait(prep);
    for (size_t s = 0; s < NSPECS; s++) {
        cs_copy_pipe_stream(enc, specs[s].table);
        fact_plan p;
        if (plan_fact(&specs[s], &p, NULL) == CS_OK)   /* else the sending side says why */
            encode_rows(enc, &p, &m->tables[p.ed->id], prep->order[s], prep->n[s], k, rows);
    }
}

/* Each fact: CREATE TABLE, COPY of the rows the encoder thread has ready,
 * primary key and indexes (the next CREATE TABLE in the same round trip).
 * The encoder goes on with the next facts while the server works. */
cs_status cs_wh_load_facts(PGconn *c, cs_copy *o, cs_copy_pipe *pipe, long long la, cs_diag *d)
{
    index_defs *idx = cs_xmalloc(sizeof *idx);
    cs_status st = parent_indexes(c, idx, d);
    char sql[4096];
    /* a plain table created in this transaction: COPY writes it without WAL
     * (wal_level minimal) and FREEZE spares later hint-bit writes */
    const char *create = "CREATE TABLE %s_la%lld_new (LIKE %s INCLUDING DEFAULTS, "
                         "CHECK (la_key = %lld));";
    if (st == CS_OK) {
        snprintf(sql, sizeof sql, create, specs[0].table, la, specs[0].table, la);
        st = cs_wh_exec(c, sql, d);
    }
    for (size_t s = 0; st == CS_OK && s < NSPECS; s++) {
        fact_plan p;
        if ((st = plan_fact(&specs[s], &p, d)) != CS_OK)
            break;
        char part[128];
        snprintf(part, sizeof part, "%s_la%lld_new", specs[s].table, la);
        st = cs_copy_begin(o, part, p.collist, "FREEZE", d);
        if (st == CS_OK)
            st = cs_copy_pipe_send(pipe, o, specs[s].table, d);
        if (st == CS_OK)
            st = cs_copy_end(o, part, d);
        if (st != CS_OK)
            break;
        size_t q = 0;
        if (idx->pkey[s][0])
            q = (size_t)snprintf(sql, sizeof sql, "ALTER TABLE %s ADD CONSTRAINT %s_pkey PRIMARY KEY %s;",
                                 part, part, idx->pkey[s]);
        for (int j = 0; j < idx->n[s] && q < sizeof sql; j++)
            q += (size_t)snprintf(sql + q, sizeof sql - q, "CREATE %sINDEX ON %s %s;",
                                  strncmp(idx->def[s][j], "UNIQUE ", 7) == 0 ? "UNIQUE " : "",
                                  part, idx->def[s][j] + (strncmp(idx->def[s][j], "UNIQUE ", 7) == 0 ? 7 : 0));
        if (s + 1 < NSPECS && q < sizeof sql)
            q += (size_t)snprintf(sql + q, sizeof sql - q, create, specs[s + 1].table, la,
                                  specs[s + 1].table, la);
        if (q)
            st = cs_wh_exec(c, sql, d);
    }
    free(idx);
    return st;
}

cs_status cs_wh_swap_facts(PGconn *c, long long la, cs_diag *d)
{
    for (size_t s = 0; s < NSPECS; s++) {
        const char *t = specs[s].table;
        /* the LA's current partition, whatever it is called, and whether
         * the new one has a key (facts without one: migration 7) */
        char sql[2048];
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT c.oid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                 "WHERE i.inhparent = '%s'::regclass "
                 "AND pg_get_expr(c.relpartbound, c.oid) = 'FOR VALUES IN (%lld)'), "
                 "EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '%s_la%lld_new'::regclass "
                 "AND contype = 'p')",
                 t, la, t, la);
        PGresult *r;
        cs_status st = cs_wh_query(c, sql, &r, d);
        if (st != CS_OK)
            return st;
        size_t q = 0;
        if (!PQgetisnull(r, 0, 0))
            q += (size_t)snprintf(sql + q, sizeof sql - q,
                                  "ALTER TABLE %s DETACH PARTITION %s; DROP TABLE %s; ", t,
                                  PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 0));
        q += (size_t)snprintf(sql + q, sizeof sql - q,
                              "ALTER TABLE %s ATTACH PARTITION %s_la%lld_new FOR VALUES IN (%lld); "
                              "ALTER TABLE %s_la%lld_new RENAME TO %s_la%lld; ",
                              t, t, la, la, t, la, t, la);
        if (PQgetvalue(r, 0, 1)[0] == 't' && q < sizeof sql)   /* named as the old key was */
            snprintf(sql + q, sizeof sql - q,
                     "ALTER TABLE %s_la%lld RENAME CONSTRAINT %s_la%lld_new_pkey TO %s_la%lld_pkey",
                     t, la, t, la, t, la);
        PQclear(r);
        if ((st = cs_wh_exec(c, sql, d)) != CS_OK)
            return st;
    }
    return CS_OK;
}
