#include "etl/job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/ytree.h"
#include "util/limits.h"

cs_status cs_collection_year_parse(const char *year, cs_date *start, cs_date *end, cs_diag *d)
{
    int y1 = 0, y2 = 0;
    char tail = 0;
    if (!year || sscanf(year, "%4d-%2d%c", &y1, &y2, &tail) != 2 || strlen(year) != 7 ||
        y1 < 2000 || y1 > 2098 || (y1 + 1) % 100 != y2)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                           "collection year '%s' is not of the form 2025-26", year ? year : "");
    *start = cs_date_from_ymd(y1, 4, 1);
    *end = cs_date_from_ymd(y1 + 1, 3, 31);
    return CS_OK;
}

static const char *scalar(cs_job *job, const cs_ynode *n)
{
    if (!n || n->kind != CS_Y_SCALAR || n->is_null)
        return NULL;
    return cs_arena_strdup(&job->arena, n->str);
}

static cs_status want_scalar(cs_job *job, const cs_ydoc *doc, const cs_ynode *map,
                             const char *key, int required, const char **out, cs_diag *d)
{
    const cs_ynode *n = cs_ymap_get(map, key);
    if (!n) {
        if (required)
            return cs_yerr(d, doc->path, map, "the job needs '%s'", key);
        *out = NULL;
        return CS_OK;
    }
    if (n->kind != CS_Y_SCALAR)
        return cs_yerr(d, doc->path, n, "'%s' should be a text value, not %s", key,
                       cs_ynode_kind_name(n));
    *out = scalar(job, n);
    if (required && (!*out || !**out))
        return cs_yerr(d, doc->path, n, "'%s' is empty", key);
    return CS_OK;
}

static cs_status want_date(cs_job *job, const cs_ydoc *doc, const cs_ynode *map, const char *key,
                           cs_date *out, cs_diag *d)
{
    const char *s = NULL;
    cs_status st = want_scalar(job, doc, map, key, 0, &s, d);
    if (st != CS_OK || !s)
        return st;
    *out = cs_date_parse_iso(s, strlen(s));
    if (*out == CS_DATE_NONE)
        return cs_yerr(d, doc->path, cs_ymap_get(map, key), "'%s' is not a date yyyy-mm-dd: %s",
                       key, s);
    return CS_OK;
}

static const char *const known_keys[] = {"job",      "la",        "collection_year", "reference_date",
                                         "inspection_date", "source", "previous", "returns",
                                         "output",   "warehouse", "allocation", "annexa", NULL};

cs_status cs_job_load(cs_job *job, const char *path, cs_diag *d)
{
    memset(job, 0, sizeof *job);
    cs_arena_init(&job->arena, 0);
    job->path = cs_arena_strdup(&job->arena, path);
    job->reference_date = job->inspection_date = CS_DATE_NONE;
    cs_ydoc doc;
    cs_status st = cs_ydoc_load(&doc, path, CS_MAX_PROFILE_BYTES, d);
    if (st != CS_OK)
        return st;
    const cs_ynode *root = doc.root;
    if (!root || root->kind != CS_Y_MAP) {
        st = cs_diag_set(d, CS_ERR_CONFIG, path, root ? root->line : 1, root ? root->col : 1,
                         "a job file is a mapping of settings (job:, la:, source:, ...)");
        goto out;
    }
    for (const cs_ynode *v = root->first; v; v = v->next) {
        int ok = 0;
        for (int i = 0; known_keys[i]; i++)
            ok |= strcmp(v->key->str, known_keys[i]) == 0;
        if (!ok) {
            st = cs_yerr(d, path, v->key, "unknown job setting '%s'", v->key->str);
            goto out;
        }
    }
    if ((st = want_scalar(job, &doc, root, "job", 0, &job->name, d)) != CS_OK)
        goto out;
    const cs_ynode *la = cs_ymap_get(root, "la");
    if (!la || la->kind != CS_Y_MAP) {
        st = cs_yerr(d, path, la ? la : root, "the job needs 'la: { code: \"999\", name: ... }'");
        goto out;
    }
    if ((st = want_scalar(job, &doc, la, "code", 1, &job->la_code, d)) != CS_OK ||
        (st = want_scalar(job, &doc, la, "name", 0, &job->la_name, d)) != CS_OK)
        goto out;
    if ((st = want_scalar(job, &doc, root, "collection_year", 1, &job->collection_year, d)) != CS_OK)
        goto out;
    if (cs_collection_year_parse(job->collection_year, &job->period_start, &job->period_end, d) !=
        CS_OK) {
        st = cs_yerr(d, path, cs_ymap_get(root, "collection_year"), "%s", d ? d->msg : "bad year");
        goto out;
    }
    job->reference_date = job->period_end;
    if ((st = want_date(job, &doc, root, "reference_date", &job->reference_date, d)) != CS_OK)
        goto out;
    job->inspection_date = job->reference_date;
    if ((st = want_date(job, &doc, root, "inspection_date", &job->inspection_date, d)) != CS_OK)
        goto out;
    const cs_ynode *src = cs_ymap_get(root, "source");
    if (!src || src->kind != CS_Y_MAP) {
        st = cs_yerr(d, path, src ? src : root,
                     "the job needs 'source: { profile: ..., input: ... }'");
        goto out;
    }
    if ((st = want_scalar(job, &doc, src, "profile", 1, &job->profile, d)) != CS_OK ||
        (st = want_scalar(job, &doc, src, "input", 1, &job->input, d)) != CS_OK)
        goto out;
    if ((st = want_scalar(job, &doc, root, "previous", 0, &job->previous, d)) != CS_OK)
        goto out;
    const cs_ynode *rets = cs_ymap_get(root, "returns");
    if (rets) {
        if (rets->kind != CS_Y_SEQ) {
            st = cs_yerr(d, path, rets, "'returns' is a list: [cin, ssda903, annexa]");
            goto out;
        }
        for (const cs_ynode *r = rets->first; r; r = r->next) {
            if (r->kind == CS_Y_SCALAR && strcmp(r->str, "cin") == 0)
                job->want_cin = 1;
            else if (r->kind == CS_Y_SCALAR && strcmp(r->str, "ssda903") == 0)
                job->want_ssda903 = 1;
            else if (r->kind == CS_Y_SCALAR && strcmp(r->str, "annexa") == 0)
                job->want_annexa = 1;
            else {
                st = cs_yerr(d, path, r, "unknown return '%s' (cin, ssda903, annexa)",
                             r->kind == CS_Y_SCALAR ? r->str : "?");
                goto out;
            }
        }
    } else {
        job->want_cin = job->want_ssda903 = job->want_annexa = 1;
    }
    if ((st = want_scalar(job, &doc, root, "output", 1, &job->output, d)) != CS_OK)
        goto out;
    job->warehouse_dir = "var/warehouse";
    const cs_ynode *wh = cs_ymap_get(root, "warehouse");
    if (wh) {
        if (wh->kind != CS_Y_MAP) {
            st = cs_yerr(d, path, wh, "'warehouse' is { local: DIR } or { url: postgresql://... } or { none: true }");
            goto out;
        }
        const char *local = NULL, *none = NULL;
        if ((st = want_scalar(job, &doc, wh, "url", 0, &job->warehouse_url, d)) != CS_OK ||
            (st = want_scalar(job, &doc, wh, "local", 0, &local, d)) != CS_OK ||
            (st = want_scalar(job, &doc, wh, "none", 0, &none, d)) != CS_OK)
            goto out;
        if (local)
            job->warehouse_dir = local;
        job->warehouse_none = none && (strcmp(none, "true") == 0 || strcmp(none, "yes") == 0);
    }
    job->allocation_rule = "latest";
    job->allocation_role = NULL;
    const cs_ynode *al = cs_ymap_get(root, "allocation");
    if (al && al->kind == CS_Y_MAP) {
        const char *rule = NULL;
        if ((st = want_scalar(job, &doc, al, "rule", 0, &rule, d)) != CS_OK ||
            (st = want_scalar(job, &doc, al, "role", 0, &job->allocation_role, d)) != CS_OK)
            goto out;
        if (rule) {
            if (strcmp(rule, "latest") != 0 && strcmp(rule, "at-event") != 0) {
                st = cs_yerr(d, path, cs_ymap_get(al, "rule"),
                             "allocation rule is 'latest' or 'at-event', not '%s'", rule);
                goto out;
            }
            job->allocation_rule = rule;
        }
    }
    job->annexa_template = "current";
    job->annexa_key_env = "CSCDW_PSEUDO_KEY";
    const cs_ynode *ax = cs_ymap_get(root, "annexa");
    if (ax && ax->kind == CS_Y_MAP) {
        const char *t = NULL, *p = NULL, *k = NULL;
        if ((st = want_scalar(job, &doc, ax, "template", 0, &t, d)) != CS_OK ||
            (st = want_scalar(job, &doc, ax, "pseudonymise", 0, &p, d)) != CS_OK ||
            (st = want_scalar(job, &doc, ax, "key_env", 0, &k, d)) != CS_OK)
            goto out;
        if (t)
            job->annexa_template = t;
        if (k)
            job->annexa_key_env = k;
        job->annexa_pseudonymise = p && (strcmp(p, "true") == 0 || strcmp(p, "yes") == 0);
    }
out:
    cs_ydoc_free(&doc);
    return st;
}

void cs_job_free(cs_job *job)
{
    cs_arena_free(&job->arena);
    memset(job, 0, sizeof *job);
}
