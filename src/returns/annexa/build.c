/* Annex A: the lists built from the canonical model for an inspection date.
 *
 * Windows (d = the inspection date; "6 months" = from d minus 6 calendar
 * months, inclusive, to d; "12 months" likewise):
 *   List 1  contacts dated in the 6 months; a row per contact.
 *   List 2  early help started in the 6 months or open at d; a row each.
 *   List 3  referrals dated in the 6 months; a row per referral.
 *   List 4  assessments open at some point in the 6 months (started by d,
 *           not authorised before the window); a row each.
 *   List 5  s47 enquiries started in the 6 months or open at d; a row each.
 *   List 6  children in need: the child's latest non-NFA referral open at
 *           some point in the 6 months (care leavers aged 18+ left to
 *           List 9); a row per child.
 *   List 7  CP plans open at d or ended in the 6 months; a row per plan.
 *   List 8  children in care at d or who ceased in the 6 months: the latest
 *           such period; a row per child.
 *   List 9  care leavers: the latest care-leaver record of each young
 *           person aged 25 or under at d (alive); a row per young person.
 *   List 10 adopted in the 12 months, waiting after a should-be-placed
 *           decision, or decision reversed in the 12 months; a row per
 *           permanence record.
 *   List 11 adopters in touch in the 12 months; a row per adopter.
 * Derived columns:
 *   Age of Child: whole years at d (build_index.c aa_set_person).
 *   "... in the last 12 months" counts: the child's records dated in the 12
 *     months before the event, the event itself and anything later on the
 *     same day not counted (build_lists.c count_before).
 *   Number of Previous CP Plans: the child's plans that started earlier.
 *   Number of Placements in the Last 12 months: placements open at some
 *     point in the 12 months to d.
 *   Second or subsequent period: the period began in the 12 months to d and
 *     an earlier period ended in them.
 *   Case Status: closed episode, else looked after, CP plan, CIN plan, open
 *     assessment at d, in that order.
 *   Allocated Team/Worker: per list, the worker at the event (involvement
 *     covering the event date, else the record's own) or the latest (open at
 *     d, else the last to end); worker and team by name.
 *   Placement Location / LA of Placement: the placement postcode's LA
 *     (postcode table) against the job's LA (la-codes.tsv).
 * Dates after d are never shown (an end after d is "still open"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "returns/annexa/internal.h"

void cs_aa_build_opts_init(cs_aa_build_opts *o, cs_date inspection_date)
{
    memset(o, 0, sizeof *o);
    o->inspection_date = inspection_date;
    o->today = CS_DATE_NONE;
    for (int l = 0; l <= CS_AA_NLISTS; l++)
        o->alloc[l] = CS_AA_ALLOC_LATEST;
}

static void earliest(cs_date *best, cs_date d)
{
    if (d != CS_DATE_NONE && (*best == CS_DATE_NONE || d < *best))
        *best = d;
}

/* The date the data begins: the earliest front-door or care event. */
static cs_date data_begins(const cs_model *m)
{
    cs_date e = CS_DATE_NONE;
    for (size_t i = 0; i < CS_COUNT(m, contact); i++)
        earliest(&e, CS_TABLE(m, contact)[i].contact_date);
    for (size_t i = 0; i < CS_COUNT(m, referral); i++)
        earliest(&e, CS_TABLE(m, referral)[i].referral_date);
    for (size_t i = 0; i < CS_COUNT(m, early_help); i++)
        earliest(&e, CS_TABLE(m, early_help)[i].start_date);
    for (size_t i = 0; i < CS_COUNT(m, cla_period); i++)
        earliest(&e, CS_TABLE(m, cla_period)[i].start_date);
    for (size_t i = 0; i < CS_COUNT(m, adopter); i++)
        earliest(&e, CS_TABLE(m, adopter)[i].enquiry_date);
    return e;
}

/* A list with no rows is written with its headings; say why it is empty. */
static void note_empty_lists(const cs_dataset *ds, cs_exception_list *exc)
{
    static const char *const what[CS_AA_NLISTS + 1] = {
        NULL,
        "no contacts were received in the 6 months before the inspection date",
        "no early help assessment started in the 6 months or was open at the inspection date",
        "no referrals were received in the 6 months before the inspection date",
        "no assessment was open in the 6 months before the inspection date",
        "no section 47 enquiry started in the 6 months or was open at the inspection date",
        "no child was receiving services as a child in need in the 6 months",
        "no child protection plan was open at the inspection date or ended in the 6 months",
        "no child was looked after at the inspection date or ceased in the 6 months",
        "no care leaver aged 25 or under has a care-leaver record",
        "no child was adopted, waiting for adoption or had the decision reversed in the 12 months",
        "no prospective adopter was in touch with the agency in the 12 months",
    };
    for (int l = 1; l <= CS_AA_NLISTS; l++)
        if (!ds->rows[cs_aa_list_group(l)].count) {
            char rec[16];
            snprintf(rec, sizeof rec, "List %d", l);
            aa_note(exc, "AAB06", CS_SEV_INFO, "", rec, "", "",
                    "List %d is empty (written with its headings): %s", l, what[l]);
        }
}

cs_status cs_annexa_build(const cs_model *m, const cs_aa_template *t, const cs_aa_build_opts *o,
                          cs_dataset *out, cs_exception_list *exc, cs_diag *d)
{
    cs_date insp = o->inspection_date;
    char a[11], b2[11];
    if (insp == CS_DATE_NONE)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0, "Annex A needs an inspection date");
    if (o->today != CS_DATE_NONE && insp > o->today)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                           "the inspection date %s is in the future (today is %s): Annex A lists "
                           "count back from a date that has come",
                           cs_date_dmy(insp, a), cs_date_dmy(o->today, b2));
    cs_date begins = data_begins(m);
    if (begins != CS_DATE_NONE && insp < begins)
        return cs_diag_set(d, CS_ERR_USAGE, NULL, 0, 0,
                           "the inspection date %s is before the data begins (the first contact, "
                           "referral or period of care is dated %s): every list would be empty",
                           cs_date_dmy(insp, a), cs_date_dmy(begins, b2));

    cs_ds_init(out, &cs_annexa_schema);
    aa_build b;
    memset(&b, 0, sizeof b);
    b.m = m;
    b.t = t;
    b.o = o;
    b.ds = out;
    b.insp = insp;
    b.s6 = cs_date_add_months(insp, -6);
    b.s12 = cs_date_add_months(insp, -12);
    b.role = o->role && *o->role ? o->role : "ALLOCATED_SW";
    cs_arena_init(&b.arena, 0);
    b.dsfile = cs_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *b.dsfile);
    for (uint32_t i = 1; i < m->nfiles; i++)
        b.dsfile[i] = cs_ds_add_file(out, m->files[i]);

    if (begins == CS_DATE_NONE)
        aa_note(exc, "AAB01", CS_SEV_WARNING, "", "", "", "",
                "The extract has no contacts, referrals, early help, periods of care or adopters: "
                "the lists are written with their headings only");
    else if (b.s12 < begins)
        aa_note(exc, "AAB01", CS_SEV_WARNING, "", "", "InspectionDate", cs_date_dmy(insp, a),
                "The 12 months before the inspection reach back before the data begins (%s): "
                "counts over the last 12 months and Lists 10 and 11 may be short",
                cs_date_dmy(begins, b2));

    aa_index_init(&b);
    if (!b.have_involvement)
        aa_note(exc, "AAB02", CS_SEV_WARNING, "", "", "", "",
                "The extract has no worker allocation history (involvements in role %s): Allocated "
                "Team and Worker come from the records themselves where they name one, and are "
                "blank otherwise",
                b.role);
    aa_places_load(&b, exc);

    uint32_t root = cs_ds_add_row(out, CS_AA_G_ROOT, 0, 0, 0);
    cs_ds_set_str(out, CS_AA_G_ROOT, root, CS_AA_R_TEMPLATE, cs_aa_template_name(t));
    cs_ds_set_date(out, CS_AA_G_ROOT, root, CS_AA_R_INSPECTION_DATE, insp);

    aa_build_contacts(&b);
    aa_build_early_help(&b);
    aa_build_referrals(&b);
    aa_build_assessments(&b);
    aa_build_s47(&b);
    aa_build_cin(&b);
    aa_build_cp(&b);
    aa_build_cla(&b);
    aa_build_care_leavers(&b);
    aa_build_adoption(&b);
    aa_build_adopters(&b);
    aa_index_free(&b);
    cs_arena_free(&b.arena);
    if (begins != CS_DATE_NONE)
        note_empty_lists(out, exc);

    cs_aa_derive_identities(out);
    cs_status st = cs_ds_finalize(out, d);
    if (st != CS_OK)
        cs_ds_free(out);
    return st;
}
