#include "warehouse/facts.h"

#include <stdio.h>
#include <string.h>

#include "warehouse/conn.h"

/* One fact table fed by one staged entity. `cols` are the fact's columns
 * after (la_key, key); `select` the matching expressions over s (the staged
 * row) with c (current child version), t (team) and w (worker) joined. */
typedef struct {
    const char *entity;
    const char *table;
    const char *key;
    const char *cols;
    const char *select;
    const char *joins;    /* extra joins, or NULL */
} fact_map;

static const fact_map facts[] = {
    {"contact", "fact_contact", "contact_id", "child_key, person_id, contact_date, source, outcome",
     "c.child_key, s.person_id, s.contact_date, s.source, s.outcome", NULL},
    {"early_help", "fact_early_help", "episode_id",
     "child_key, person_id, start_date, end_date, reason, end_reason, organisation, worker_key",
     "c.child_key, s.person_id, s.start_date, s.end_date, s.reason, s.end_reason, s.organisation, "
     "w.worker_key",
     NULL},
    {"referral", "fact_referral", "referral_id",
     "child_key, person_id, referral_date, source, primary_need, nfa, closure_date, closure_reason, "
     "team_key, worker_key",
     "c.child_key, s.person_id, s.referral_date, s.source, s.primary_need, s.nfa, s.closure_date, "
     "s.closure_reason, t.team_key, w.worker_key",
     NULL},
    {"assessment", "fact_assessment", "assessment_id",
     "referral_id, child_key, person_id, start_date, authorised_date, working_days, child_seen, "
     "outcome_nfa, factors, team_key, worker_key",
     "s.referral_id, c.child_key, s.person_id, s.start_date, s.authorised_date, "
     "da.working_day_number - ds.working_day_number, s.child_seen, s.outcome_nfa, "
     "(SELECT array_agg(DISTINCT f.code ORDER BY f.code) FROM stg_assessment_factor f "
     " WHERE f.assessment_id = s.id), t.team_key, w.worker_key",
     "LEFT JOIN dim_date ds ON ds.date = s.start_date "
     "LEFT JOIN dim_date da ON da.date = s.authorised_date"},
    {"s47", "fact_s47", "s47_id",
     "referral_id, child_key, person_id, start_date, end_date, icpc_not_required, icpc_target_date, "
     "team_key, worker_key",
     "s.referral_id, c.child_key, s.person_id, s.start_date, s.end_date, s.icpc_not_required, "
     "s.icpc_target_date, t.team_key, w.worker_key",
     NULL},
    {"icpc", "fact_icpc", "icpc_id",
     "referral_id, s47_id, cp_plan_id, child_key, person_id, target_date, conference_date, "
     "transfer_in, outcome_cp, team_key, worker_key",
     "s.referral_id, s.s47_id, s.cp_plan_id, c.child_key, s.person_id, s.target_date, "
     "s.conference_date, s.transfer_in, s.outcome_cp, t.team_key, w.worker_key",
     NULL},
    {"cp_plan", "fact_cp_plan", "cp_plan_id",
     "referral_id, child_key, person_id, start_date, end_date, initial_category, latest_category, "
     "other_la, team_key, worker_key",
     "s.referral_id, c.child_key, s.person_id, s.start_date, s.end_date, s.initial_category, "
     "s.latest_category, s.other_la, t.team_key, w.worker_key",
     NULL},
    {"cp_review", "fact_cp_review", "review_id",
     "cp_plan_id, child_key, person_id, due_date, review_date",
     "s.cp_plan_id, c.child_key, s.person_id, s.due_date, s.review_date", NULL},
    {"cin_plan", "fact_cin_plan", "cin_plan_id",
     "referral_id, child_key, person_id, start_date, end_date, team_key, worker_key",
     "s.referral_id, c.child_key, s.person_id, s.start_date, s.end_date, t.team_key, w.worker_key",
     NULL},
    {"visit", "fact_visit", "visit_id",
     "kind, plan_id, child_key, person_id, visit_date, seen, seen_alone, bedroom_seen, worker_key",
     "s.kind, s.plan_id, c.child_key, s.person_id, s.visit_date, s.seen, s.seen_alone, "
     "s.bedroom_seen, w.worker_key",
     NULL},
    {"cla_period", "fact_cla_period", "period_id",
     "child_key, person_id, start_date, end_date, primary_need, end_reason, permanence_plan",
     "c.child_key, s.person_id, s.start_date, s.end_date, s.primary_need, s.end_reason, "
     "s.permanence_plan",
     NULL},
    {"cla_placement", "fact_cla_placement", "placement_id",
     "period_id, child_key, person_id, start_date, end_date, placement_type, provider, urn, "
     "postcode_district, change_reason",
     "s.period_id, c.child_key, s.person_id, s.start_date, s.end_date, s.placement_type, "
     "s.provider, s.urn, postcode_district(s.postcode), s.change_reason",
     NULL},
    {"legal_status", "fact_legal_status", "legal_status_id",
     "child_key, person_id, legal_status, start_date, end_date",
     "c.child_key, s.person_id, s.legal_status, s.start_date, s.end_date", NULL},
    {"cla_review", "fact_cla_review", "review_id",
     "period_id, child_key, person_id, due_date, review_date, participation, cancelled",
     "s.period_id, c.child_key, s.person_id, s.due_date, s.review_date, s.participation, "
     "s.cancelled",
     NULL},
    {"health_check", "fact_health_check", "check_id",
     "child_key, person_id, kind, check_date, status",
     "c.child_key, s.person_id, s.kind, s.check_date, s.status", NULL},
    {"missing_episode", "fact_missing_episode", "missing_id",
     "child_key, person_id, kind, start_date, end_date, rhi_offered, rhi_accepted",
     "c.child_key, s.person_id, s.kind, s.start_date, s.end_date, s.rhi_offered, s.rhi_accepted",
     NULL},
    {"care_leaver", "fact_care_leaver", "care_leaver_id",
     "child_key, person_id, eligibility, in_touch, latest_contact_date, accommodation, "
     "accommodation_suitable, activity, pathway_plan_review_date, team_key, worker_key",
     "c.child_key, s.person_id, s.eligibility, s.in_touch, s.latest_contact_date, "
     "s.accommodation, s.accommodation_suitable, s.activity, s.pathway_plan_review_date, "
     "t.team_key, w.worker_key",
     NULL},
    {"permanence", "fact_adoption", "adoption_id",
     "child_key, person_id, decision_date, placement_order_date, matched_date, placed_date, "
     "ffa_placed_date, reversed_date, reversed_reason, order_date, order_type, adopted_by_carer, "
     "number_of_adopters",
     "c.child_key, s.person_id, s.decision_date, s.placement_order_date, s.matched_date, "
     "s.placed_date, s.ffa_placed_date, s.reversed_date, s.reversed_reason, s.order_date, "
     "s.order_type, s.adopted_by_carer, s.number_of_adopters",
     NULL},
    {"involvement", "fact_involvement", "involvement_id",
     "child_key, person_id, worker_key, team_key, role, start_date, end_date, change_reason",
     "c.child_key, s.person_id, w.worker_key, t.team_key, s.role, s.start_date, s.end_date, "
     "s.change_reason",
     NULL},
};

/* "a, b, c" -> "EXCLUDED.a, EXCLUDED.b, EXCLUDED.c" and "T.a, T.b, T.c" */
static void prefixed(const char *cols, const char *prefix, char *out, size_t n)
{
    size_t k = 0;
    const char *p = cols;
    out[0] = '\0';
    while (*p && k < n) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && p[len - 1] == ' ')
            len--;
        k += (size_t)snprintf(out + k, n - k, "%s%s.%.*s", k ? ", " : "", prefix, (int)len, p);
        if (!end)
            break;
        p = end + 1;
        while (*p == ' ')
            p++;
    }
}

static int entity_has_field(const char *entity, const char *field)
{
    const cs_entity_desc *e = cs_entity_find(entity);
    return e && cs_entity_field(e, field);
}

static cs_status merge_fact(PGconn *c, long long la, const fact_map *f, cs_diag *d)
{
    char excluded[2048], current[2048];
    prefixed(f->cols, "EXCLUDED", excluded, sizeof excluded);
    prefixed(f->cols, f->table, current, sizeof current);
    char joins[1024];
    snprintf(joins, sizeof joins,
             "LEFT JOIN dim_child c ON c.la_key = %lld AND c.person_id = s.person_id AND c.is_current "
             "%s %s %s",
             la,
             entity_has_field(f->entity, "team_id")
                 ? "LEFT JOIN dim_team t ON t.la_key = s_la AND t.team_id = s.team_id"
                 : "",
             entity_has_field(f->entity, "worker_id")
                 ? "LEFT JOIN dim_worker w ON w.la_key = s_la AND w.worker_id = s.worker_id"
                 : "",
             f->joins ? f->joins : "");
    /* s_la is a placeholder for the LA key inside the joins */
    char joins2[1200];
    size_t k = 0;
    for (const char *p = joins; *p && k + 24 < sizeof joins2;) {
        if (strncmp(p, "s_la", 4) == 0) {
            k += (size_t)snprintf(joins2 + k, sizeof joins2 - k, "%lld", la);
            p += 4;
        } else {
            joins2[k++] = *p++;
        }
    }
    joins2[k] = '\0';
    char sql[8192];
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (la_key, %s, %s) "
             "SELECT DISTINCT ON (s.id) %lld, s.id, %s FROM stg_%s s %s "
             "WHERE s.id IS NOT NULL ORDER BY s.id "
             "ON CONFLICT (la_key, %s) DO UPDATE SET (%s) = ROW(%s) "
             "WHERE (%s) IS DISTINCT FROM (%s)",
             f->table, f->key, f->cols, la, f->select, f->entity, joins2, f->key, f->cols, excluded,
             current, excluded);
    cs_status st = cs_wh_exec(c, sql, d);
    if (st != CS_OK)
        return st;
    /* rows of this LA no longer in the extract leave the snapshot */
    snprintf(sql, sizeof sql,
             "DELETE FROM %s f WHERE f.la_key = %lld AND NOT EXISTS "
             "(SELECT 1 FROM stg_%s s WHERE s.id = f.%s)",
             f->table, la, f->entity, f->key);
    return cs_wh_exec(c, sql, d);
}

static cs_status run_all(PGconn *c, const char *const *sqls, size_t n, cs_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        cs_status st = cs_wh_exec(c, sqls[i], d);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

cs_status cs_wh_merge_facts(PGconn *c, long long la, long long run_id, const cs_load_meta *meta,
                            cs_diag *d)
{
    char sql[8192];
    char ref[11];
    const char *valid_from = meta->reference_date == CS_DATE_NONE
                                 ? "current_date"
                                 : cs_date_iso(meta->reference_date, ref);
    char vf[32];
    if (meta->reference_date == CS_DATE_NONE)
        snprintf(vf, sizeof vf, "current_date");
    else
        snprintf(vf, sizeof vf, "date '%s'", valid_from);

    /* the bank-holiday calendar, mirrored only where it differs */
    if (meta->calendar) {
        static const char *const cal[] = {
            "UPDATE dim_date d SET is_bank_holiday = (b.date IS NOT NULL), bank_holiday_name = b.name, "
            "is_working_day = (NOT d.is_weekend AND b.date IS NULL) "
            "FROM dim_date d2 LEFT JOIN stg_bank_holiday b ON b.date = d2.date "
            "WHERE d.date = d2.date AND d.date BETWEEN (SELECT min(date) FROM stg_bank_holiday) "
            "AND (SELECT max(date) FROM stg_bank_holiday) "
            "AND (d.is_bank_holiday, d.bank_holiday_name) IS DISTINCT FROM (b.date IS NOT NULL, b.name)",
            "UPDATE dim_date d SET working_day_number = x.n FROM (SELECT date, "
            "sum(is_working_day::int) OVER (ORDER BY date) AS n FROM dim_date) x "
            "WHERE d.date = x.date AND d.working_day_number IS DISTINCT FROM x.n",
        };
        cs_status st = run_all(c, cal, 2, d);
        if (st != CS_OK)
            return st;
    }

    /* teams, then parents; workers */
    snprintf(sql, sizeof sql,
             "INSERT INTO dim_team (la_key, team_id, name, parent_team_id) "
             "SELECT DISTINCT ON (s.id) %lld, s.id, s.name, s.parent_id FROM stg_team s "
             "WHERE s.id IS NOT NULL ORDER BY s.id "
             "ON CONFLICT (la_key, team_id) DO UPDATE SET (name, parent_team_id) = "
             "ROW(EXCLUDED.name, EXCLUDED.parent_team_id) WHERE (dim_team.name, "
             "dim_team.parent_team_id) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.parent_team_id)",
             la);
    cs_status st = cs_wh_exec(c, sql, d);
    if (st != CS_OK)
        return st;
    snprintf(sql, sizeof sql,
             "UPDATE dim_team t SET parent_team_key = p.team_key FROM dim_team p "
             "WHERE t.la_key = %lld AND p.la_key = t.la_key AND p.team_id = t.parent_team_id "
             "AND t.parent_team_key IS DISTINCT FROM p.team_key",
             la);
    if ((st = cs_wh_exec(c, sql, d)) != CS_OK)
        return st;
    snprintf(sql, sizeof sql,
             "INSERT INTO dim_worker (la_key, worker_id, name, team_key, role, registration_no, agency) "
             "SELECT DISTINCT ON (s.id) %lld, s.id, s.name, t.team_key, s.role, s.registration_no, "
             "s.agency FROM stg_worker s LEFT JOIN dim_team t ON t.la_key = %lld AND t.team_id = s.team_id "
             "WHERE s.id IS NOT NULL ORDER BY s.id "
             "ON CONFLICT (la_key, worker_id) DO UPDATE SET (name, team_key, role, registration_no, "
             "agency) = ROW(EXCLUDED.name, EXCLUDED.team_key, EXCLUDED.role, EXCLUDED.registration_no, "
             "EXCLUDED.agency) WHERE (dim_worker.name, dim_worker.team_key, dim_worker.role, "
             "dim_worker.registration_no, dim_worker.agency) IS DISTINCT FROM (EXCLUDED.name, "
             "EXCLUDED.team_key, EXCLUDED.role, EXCLUDED.registration_no, EXCLUDED.agency)",
             la, la);
    if ((st = cs_wh_exec(c, sql, d)) != CS_OK)
        return st;

    /* children: slowly changing on sex, ethnicity, disability status, UPN */
    if ((st = cs_wh_exec(c,
                         "CREATE TEMP TABLE stg_child ON COMMIT DROP AS "
                         "SELECT DISTINCT ON (p.id) p.*, "
                         "(SELECT CASE WHEN count(*) = 0 THEN NULL "
                         "             ELSE bool_or(upper(x.code) <> 'NONE') END "
                         "   FROM stg_disability x WHERE x.person_id = p.id) AS disabled "
                         "FROM stg_person p WHERE p.id IS NOT NULL ORDER BY p.id",
                         d)) != CS_OK)
        return st;
    snprintf(sql, sizeof sql,
             "UPDATE dim_child c SET valid_to = %s, is_current = false FROM stg_child s "
             "WHERE c.la_key = %lld AND c.is_current AND c.person_id = s.id "
             "AND (c.sex, c.ethnicity, c.disabled, c.upn) IS DISTINCT FROM "
             "(s.sex, s.ethnicity, s.disabled, s.upn)",
             vf, la);
    if ((st = cs_wh_exec(c, sql, d)) != CS_OK)
        return st;
    snprintf(sql, sizeof sql,
             "INSERT INTO dim_child (la_key, person_id, valid_from, valid_to, is_current, sex, "
             "ethnicity, disabled, upn, upn_unknown, birth_date, expected_birth_date, death_date, "
             "postcode_district) "
             "SELECT %lld, s.id, CASE WHEN EXISTS (SELECT 1 FROM dim_child o WHERE o.la_key = %lld "
             "AND o.person_id = s.id) THEN %s ELSE coalesce(s.birth_date, s.expected_birth_date, %s) END, "
             "NULL, true, s.sex, s.ethnicity, s.disabled, s.upn, s.upn_unknown, s.birth_date, "
             "s.expected_birth_date, s.death_date, postcode_district(s.postcode) FROM stg_child s "
             "WHERE NOT EXISTS (SELECT 1 FROM dim_child c WHERE c.la_key = %lld AND c.person_id = s.id "
             "AND c.is_current)",
             la, la, vf, vf, la);
    if ((st = cs_wh_exec(c, sql, d)) != CS_OK)
        return st;
    snprintf(sql, sizeof sql,
             "UPDATE dim_child c SET (upn_unknown, birth_date, expected_birth_date, death_date, "
             "postcode_district) = ROW(s.upn_unknown, s.birth_date, s.expected_birth_date, "
             "s.death_date, postcode_district(s.postcode)) FROM stg_child s "
             "WHERE c.la_key = %lld AND c.is_current AND c.person_id = s.id "
             "AND (c.upn_unknown, c.birth_date, c.expected_birth_date, c.death_date, "
             "c.postcode_district) IS DISTINCT FROM (s.upn_unknown, s.birth_date, "
             "s.expected_birth_date, s.death_date, postcode_district(s.postcode))",
             la);
    if ((st = cs_wh_exec(c, sql, d)) != CS_OK)
        return st;

    /* index the staged keys the merges join on */
    static const char *const idx[] = {
        "CREATE INDEX ON stg_assessment_factor (assessment_id)",
        "ANALYZE stg_person",
    };
    if ((st = run_all(c, idx, 2, d)) != CS_OK)
        return st;

    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        if ((st = merge_fact(c, la, &facts[i], d)) != CS_OK)
            return st;

    /* rules seen in this run, then its exceptions */
    if ((st = cs_wh_exec(c,
                         "INSERT INTO dim_rule (return_name, year, code, severity, message) "
                         "SELECT DISTINCT ON (return_name, year, rule) return_name, "
                         "coalesce(nullif(year, ''), 'all'), rule, severity, message "
                         "FROM stg_exception ORDER BY return_name, year, rule, seq "
                         "ON CONFLICT (return_name, year, code) DO UPDATE SET (severity, message) = "
                         "ROW(EXCLUDED.severity, EXCLUDED.message) WHERE (dim_rule.severity, "
                         "dim_rule.message) IS DISTINCT FROM (EXCLUDED.severity, EXCLUDED.message)",
                         d)) != CS_OK)
        return st;
    snprintf(sql, sizeof sql,
             "INSERT INTO fact_exception (run_id, seq, la_key, rule_key, child_key, person_id, "
             "team_key, worker_key, severity, record_path, fields, field_values, message, "
             "source_system, source_id, source_file, source_line, fingerprint) "
             "SELECT %lld, s.seq, %lld, r.rule_key, c.child_key, nullif(s.child_id, ''), t.team_key, "
             "w.worker_key, s.severity, s.record, s.fields, s.vals, s.message, s.source_system, "
             "s.source_id, s.source_file, s.source_line, "
             "md5(concat_ws('|', s.return_name, s.rule, s.child_id, s.record, s.fields, "
             "CASE WHEN s.child_id = '' THEN s.source_file END, "
             "CASE WHEN s.child_id = '' THEN s.source_line::text END)) "
             "FROM stg_exception s "
             "JOIN dim_rule r ON r.return_name = s.return_name AND r.year = "
             "coalesce(nullif(s.year, ''), 'all') AND r.code = s.rule "
             "LEFT JOIN dim_child c ON c.la_key = %lld AND c.person_id = s.child_id AND c.is_current "
             "LEFT JOIN dim_team t ON t.la_key = %lld AND t.team_id = nullif(s.team_id, '') "
             "LEFT JOIN dim_worker w ON w.la_key = %lld AND w.worker_id = nullif(s.worker_id, '')",
             run_id, la, la, la, la);
    return cs_wh_exec(c, sql, d);
}
