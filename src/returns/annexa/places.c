/* Where a placement is: the postcode table the 903 return uses
 * (<rules>/ssda903/reference/postcodes.tsv: postcode -> upper-tier LA) and
 * rules/annexa/reference/la-codes.tsv (DfE 3-digit code -> ONS code ->
 * name), so List 8 can say In/Out of the job's LA and name the LA. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "read/table.h"
#include "returns/annexa/internal.h"

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void load_la_codes(aa_build *b, const char *path, cs_exception_list *exc)
{
    cs_table_spec spec = {.format = CS_TABLE_CSV, .delimiter = '\t', .encoding = CS_ENC_AUTO,
                          .invalid = CS_INVALID_REPLACE, .has_header = 1};
    cs_table_reader *t = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_table_open(&t, path, &spec, NULL, &d) != CS_OK) {
        aa_note(exc, "AAB04", CS_SEV_WARNING, "", "", "", "",
                "The LA code table %s cannot be read (%s): LA of Placement shows ONS codes", path,
                d.msg);
        return;
    }
    int cd = cs_table_find_column(t, "dfe"), co = cs_table_find_column(t, "ons"),
        cn = cs_table_find_column(t, "name");
    cs_record rec;
    uint32_t cap = 0;
    while (cd >= 0 && co >= 0 && cn >= 0 && cs_table_next(t, &rec, &d) == CS_OK) {
        if (rec.blank)
            continue;
        char *dfe = cs_arena_strndup(&b->arena, rec.fields[cd].ptr, rec.fields[cd].len);
        char *ons = cs_arena_strndup(&b->arena, rec.fields[co].ptr, rec.fields[co].len);
        char *name = cs_arena_strndup(&b->arena, rec.fields[cn].ptr, rec.fields[cn].len);
        if (!b->home_ons && b->o->la_code && strcmp(dfe, b->o->la_code) == 0)
            b->home_ons = ons;
        if (b->nla == cap) {
            cap = cap ? cap * 2 : 64;
            const char **nv = cs_arena_alloc(&b->arena, cap * sizeof *nv);
            if (b->nla)
                memcpy(nv, b->la_vals, b->nla * sizeof *nv);
            b->la_vals = nv;
        }
        b->la_vals[b->nla] = name;
        if (cs_strmap_put(&b->la_names, ons, b->nla))
            b->nla++;
    }
    cs_table_close(t);
}

void aa_places_load(aa_build *b, cs_exception_list *exc)
{
    const char *rules = b->o->rules_dir ? b->o->rules_dir : "rules";
    char path[4200];
    snprintf(path, sizeof path, "%s/annexa/reference/la-codes.tsv", rules);
    if (is_file(path))
        load_la_codes(b, path, exc);
    const char *la = b->o->la_code;
    if (!b->home_ons && la && la[0] == 'E' && strlen(la) == 9)
        b->home_ons = la;   /* the job named its LA by ONS code */
    snprintf(path, sizeof path, "%s/ssda903/reference/postcodes.tsv", rules);
    if (!is_file(path)) {
        aa_note(exc, "AAB03", CS_SEV_WARNING, "", "", "", "",
                "No postcode table (%s): List 8's Placement Location and LA of Placement are left blank",
                path);
        return;
    }
    cs_diag d;
    cs_diag_clear(&d);
    if (cs_903_postcodes_load(&b->postcodes, path, &d) != CS_OK)
        aa_note(exc, "AAB03", CS_SEV_WARNING, "", "", "", "",
                "The postcode table cannot be read (%s): List 8's Placement Location and LA of "
                "Placement are left blank",
                d.msg);
    else if (!b->home_ons && CS_COUNT(b->m, cla_placement))
        aa_note(exc, "AAB05", CS_SEV_WARNING, "", "", "la", la ? la : "",
                "The LA code %s is not in rules/annexa/reference/la-codes.tsv: Placement Location "
                "is left blank",
                la && *la ? la : "(none given)");
}

const char *aa_la_name(const aa_build *b, const char *ons)
{
    uint32_t v;
    if (!ons || !cs_strmap_get(&b->la_names, ons, strlen(ons), &v))
        return NULL;
    return b->la_vals[v];
}
