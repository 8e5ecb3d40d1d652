/* The Annex A checks: the rule set rules/annexa/<template> run over the
 * lists, each finding an exception row naming the child (the row's Child
 * Unique ID or adopter), the row ("List 3 row 14", the spreadsheet row),
 * the rule's fields with their values as the sheet shows them, the source
 * record, and the row's Allocated Team and Worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/annexa/internal.h"
#include "rules/rules.h"

static const char *row_text(const cs_dataset *ds, int g, uint32_t row, const char *field)
{
    int f = g >= 0 ? cs_ds_field_find(ds->schema, g, field) : -1;
    if (f < 0)
        return "";
    const cs_value *v = cs_ds_cell_c(ds, g, row, f);
    return (v->kind == CS_V_STR || v->kind == CS_V_INVALID) && v->s ? v->s : "";
}

/* Appends "a;b" style text, a ';' inside a value written ',' so fields and
 * values stay aligned. */
static size_t append(char *buf, size_t k, size_t n, const char *s, int sep)
{
    if (k + 2 >= n)
        return k;
    if (sep)
        buf[k++] = ';';
    for (; *s && k + 1 < n; s++)
        buf[k++] = *s == ';' ? ',' : *s;
    buf[k] = '\0';
    return k;
}

static void add_hit(cs_exception_list *exc, const cs_dataset *ds, const cs_rule *rule, int g,
                    uint32_t row, const char *tpl)
{
    char fields[2048] = "", values[4096] = "", record[64] = "", cell[512];
    size_t kf = 0, kv = 0, nshown = 0;
    int list = cs_aa_group_list(g);
    for (uint32_t i = 0; i < rule->nfields; i++) {
        const cs_rule_field *f = &rule->fields[i];
        if (!f->on_row || f->group < 0)
            continue;
        const cs_ds_group *fg = &ds->schema->groups[f->group];
        uint32_t r = f->group == g ? row : cs_ds_ancestor(ds, g, row, f->group);
        if (r == UINT32_MAX)
            continue;
        cs_value_format(cs_ds_cell_c(ds, f->group, r, f->field), 1, cell, sizeof cell);
        char name[512];
        if (f->group == g)
            snprintf(name, sizeof name, "%s", fg->fields[f->field].name);
        else
            snprintf(name, sizeof name, "%s.%s", fg->name, fg->fields[f->field].name);
        kf = append(fields, kf, sizeof fields, name, nshown > 0);
        kv = append(values, kv, sizeof values, cell, nshown > 0);
        nshown++;
    }
    const char *child = "";
    if (g >= 0 && rule->group >= 0) {
        child = row_text(ds, g, row, "Child Unique ID");
        if (!*child)
            child = row_text(ds, g, row, "Individual adopter identifier");
        if (list)
            snprintf(record, sizeof record, "List %d row %u", list, row + 2);
        else if (g == CS_AA_G_IDENT)
            snprintf(record, sizeof record, "%s", row_text(ds, g, row, "Lists"));
    }
    uint32_t file = g >= 0 && ds->rows[g].file ? ds->rows[g].file[row] : 0;
    cs_exception e = {
        .return_name = "annexa",
        .year = tpl,
        .rule = rule->code,
        .severity = rule->severity == CS_RULE_ERROR   ? CS_SEV_ERROR
                    : rule->severity == CS_RULE_QUERY ? CS_SEV_QUERY
                                                      : CS_SEV_WARNING,
        .message = rule->message,
        .child_id = child,
        .record = record,
        .fields = fields,
        .values = values,
        .source_file = file < ds->nfiles ? ds->files[file] : "",
        .source_line = g >= 0 && ds->rows[g].line ? ds->rows[g].line[row] : 0,
        .team = list ? row_text(ds, g, row, "Allocated Team") : "",
        .worker = list ? row_text(ds, g, row, "Allocated Worker") : "",
    };
    cs_exceptions_add(exc, &e);
}

cs_status cs_annexa_check(const cs_dataset *ds, const char *rules_dir, const char *template_name,
                          cs_date inspection_date, const char *la_code, cs_exception_list *exc,
                          size_t *nfindings, cs_rules_profile *profile, cs_diag *d)
{
    if (nfindings)
        *nfindings = 0;
    const char *rules = rules_dir ? rules_dir : "rules";
    char labels[4200];
    snprintf(labels, sizeof labels, "%s/annexa/templates/labels", rules);
    cs_ruleset_opts o = {.rules_dir = rules, .ret = "annexa",
                         .year = template_name && *template_name ? template_name : "current",
                         .schema = &cs_annexa_schema, .include_local = 1, .reference_dir = labels};
    cs_rule_errors errs;
    cs_rule_errors_init(&errs);
    cs_ruleset *rs = NULL;
    cs_status st = cs_ruleset_load(&rs, &o, &errs, d);
    if (st != CS_OK) {
        if (errs.count)   /* the first compile error says where */
            cs_diag_set(d, st, errs.items[0].file, errs.items[0].line, errs.items[0].col,
                        "%s (%zu error%s in the Annex A rules)", errs.items[0].message, errs.count,
                        errs.count == 1 ? "" : "s");
        cs_rule_errors_free(&errs);
        return st;
    }
    cs_rule_errors_free(&errs);
    cs_rules_context ctx;
    cs_rules_context_init(&ctx, rs);
    ctx.reference_date = inspection_date;
    ctx.collection_end = inspection_date;
    ctx.collection_start = cs_date_add_months(inspection_date, -6);
    int y, m, dd;
    cs_date_to_ymd(inspection_date, &y, &m, &dd);
    ctx.collection_year = y;
    ctx.la = la_code && *la_code ? la_code : NULL;
    ctx.profile = profile;
    cs_rule_hits hits;
    cs_rule_hits_init(&hits);
    cs_rule_sink sink = cs_rule_hits_sink(&hits);
    st = cs_rules_run(rs, ds, &ctx, &sink, d);
    if (st == CS_OK) {
        const char *tpl = o.year;
        for (size_t i = 0; exc && i < hits.count; i++)
            add_hit(exc, ds, hits.items[i].rule, hits.items[i].group, hits.items[i].row, tpl);
        for (size_t i = 0; i < hits.nnot_run; i++)
            aa_note(exc, hits.not_run[i]->code, CS_SEV_INFO, "", "", "", "", "Not run: %s (%s)",
                    hits.not_run_reason[i], hits.not_run[i]->message);
        if (nfindings)
            *nfindings = hits.count;
    }
    cs_rule_hits_free(&hits);
    cs_ruleset_free(rs);
    return st;
}
