/* cs_synth_write on a tiny hand-built model and an in-test profile: the
 * encodings and BOMs, const-map partitioning, form answers, split dates,
 * test records, and that every piece of damage (at rate 1) is repaired by
 * extract back to the written value. Hostile cases: two maps that cannot
 * tell their rows apart, a character Windows-1252 cannot hold, a file name
 * that leaves the output folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/extract.h"
#include "etl/profile.h"
#include "model/model.h"
#include "synth/synth.h"

static const char *const base_profile =
    "profile: t\n"
    "system: ssd\n"
    "defaults: { format: csv, delimiter: \",\", encoding: utf-8, dates: iso, codes: codes }\n"
    "entities:\n"
    "  person:\n"
    "    file: people.csv\n"
    "    filter: [{ column: TEST, exclude: [\"Y\"] }]\n"
    "    fields:\n"
    "      id: PID\n"
    "      sex: { column: SEX, codes: t-sex }\n"
    "      birth_date: { day: D, month: M, year: Y }\n"
    "      death_date: DOD\n"
    "      is_mother: MUM\n"
    "  team:\n"
    "    file: teams*.csv\n"
    "    encoding: windows-1252\n"
    "    fields: { id: TID, name: NAME }\n"
    "  sdq:\n"
    "    file: sdq.csv\n"
    "    dates: dd/mm/yyyy\n"
    "    fields: { id: SID, person_id: PID, completed_date: DONE, score: SCORE }\n"
    "  cin_visit:\n"
    "    entity: visit\n"
    "    file: visits.txt\n"
    "    encoding: utf-16le\n"
    "    delimiter: tab\n"
    "    dates: sqlserver\n"
    "    filter: [{ column: TYPE, include: [CINV] }]\n"
    "    fields: { id: VID, person_id: PID, kind: { const: CIN }, visit_date: VDATE, seen: SEEN }\n"
    "  cp_visit:\n"
    "    entity: visit\n"
    "    file: visits.txt\n"
    "    encoding: utf-16le\n"
    "    delimiter: tab\n"
    "    dates: sqlserver\n"
    "    filter: [{ column: TYPE, include: [CPV] }]\n"
    "    fields: { id: VID, person_id: PID, kind: { const: CP }, visit_date: VDATE, seen: SEEN }\n"
    "  cla_visit:\n"
    "    entity: visit\n"
    "    file: forms.csv\n"
    "    delimiter: \"|\"\n"
    "    filter: [{ column: FORM, include: [LAC] }]\n"
    "    pivot: { key: INST, name: Q, value: A, order: WHEN, carry: [SUBJ] }\n"
    "    fields: { id: INST, person_id: SUBJ, kind: { const: CLA }, visit_date: VisitDate,"
    " seen: Seen }\n";

typedef struct {
    char dir[256];
    char out[300];
    cs_model m;
    cs_profile *p;
    cs_synth_manifest mf;
} fixture;

static void write_text(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return buf;
}

static void rm_rf(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static cs_status load_profile(fixture *fx, const char *yaml, cs_diag *d)
{
    char path[300];
    snprintf(path, sizeof path, "%s/t.yaml", fx->dir);
    return cs_profile_parse(&fx->p, path, yaml, strlen(yaml), d);
}

static void build_model(cs_model *m, const char *team_name)
{
    cs_model_init(m);
    static const char *const ids[] = {"1000001", "1000002", "1000003"};
    for (int i = 0; i < 3; i++) {
        cs_person *p = cs_model_append(m, CS_E_person);
        p->id = ids[i];
        p->sex = cs_intern_str(&m->codes, i == 1 ? "F" : "M");
        p->birth_date = i == 2 ? CS_DATE_NONE : cs_date_from_ymd(2012 + i, 2 + i, 9 + i);
        p->death_date = i == 0 ? cs_date_from_ymd(2024, 12, 1) : CS_DATE_NONE;
        p->is_mother = (int8_t)(i == 1);
    }
    cs_team *t = cs_model_append(m, CS_E_team);
    t->id = "T1";
    t->name = team_name;
    for (int i = 0; i < 4; i++) {
        cs_sdq *s = cs_model_append(m, CS_E_sdq);
        s->id = i == 0 ? "SDQ1" : i == 1 ? "SDQ2" : i == 2 ? "SDQ3" : "SDQ4";
        s->person_id = ids[i % 3];
        s->completed_date = cs_date_from_ymd(2025, 1, 10 + i);
        s->score = 12 + i;
    }
    static const char *const kinds[] = {"CIN", "CP", "CLA", "CP", "CLA", "CIN", "CLA"};
    static const char *const vids[] = {"VIS1", "VIS2", "VIS3", "VIS4", "VIS5", "VIS6", "VIS7"};
    for (int i = 0; i < 7; i++) {
        cs_visit *v = cs_model_append(m, CS_E_visit);
        v->id = vids[i];
        v->person_id = ids[i % 3];
        v->kind = cs_intern_str(&m->codes, kinds[i]);
        v->visit_date = cs_date_from_ymd(2025, 3, 1 + i);
        v->seen = (int8_t)(i % 2);
    }
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/cs-synth-write-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    char codes[300], sex[340];
    snprintf(codes, sizeof codes, "%s/codes", fx->dir);
    assert_int_equal(mkdir(codes, 0700), 0);
    snprintf(sex, sizeof sex, "%s/t-sex.tsv", codes);
    write_text(sex, "# test\nlocal\tdfe\nMALE\tM\nFEMALE\tF\nMAN\tM\n");
    snprintf(fx->out, sizeof fx->out, "%s/out", fx->dir);
    cs_synth_manifest_init(&fx->mf);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    cs_synth_manifest_free(&fx->mf);
    cs_model_free(&fx->m);
    cs_profile_free(fx->p);
    if (!getenv("KEEP_TMP"))
        rm_rf(fx->dir);
    free(fx);
    return 0;
}

static cs_status write_it(fixture *fx, double damage, cs_diag *d)
{
    cs_synth_write_opts o = {.seed = 7, .damage_rate = damage};
    return cs_synth_write(&fx->m, fx->p, fx->out, &o, &fx->mf, d);
}

/* Model with the given team name, profile from yaml, written at a damage
 * rate; returns the writer's status (d holds its message). */
static cs_status prepare(fixture *fx, const char *team, const char *yaml, double damage,
                         cs_diag *d)
{
    build_model(&fx->m, team);
    assert_int_equal(load_profile(fx, yaml, d), CS_OK);
    return write_it(fx, damage, d);
}

static size_t manifest_count(const cs_synth_manifest *mf, const char *rules)
{
    size_t n = 0;
    for (size_t i = 0; i < mf->count; i++)
        n += strcmp(mf->items[i].rules, rules) == 0;
    return n;
}

/* Every row of every entity of a comes back in b with the same values. */
static void assert_same_model(const cs_model *a, const cs_model *b)
{
    for (size_t e = 0; e < CS_ENTITY_COUNT; e++) {
        const cs_table *ta = &a->tables[e], *tb = &b->tables[e];
        assert_int_equal(ta->count, tb->count);
        for (size_t i = 0; i < ta->count; i++) {
            const void *ra = cs_model_row(a, (cs_entity_id)e, i);
            const void *rb = NULL;
            const cs_field_desc *id = &ta->desc->fields[0];
            char ia[128], ib[128];
            cs_field_format(ra, id, ia, sizeof ia);
            for (size_t k = 0; k < tb->count && !rb; k++) {
                cs_field_format(cs_model_row(b, (cs_entity_id)e, k), id, ib, sizeof ib);
                if (strcmp(ia, ib) == 0)
                    rb = cs_model_row(b, (cs_entity_id)e, k);
            }
            assert_non_null(rb);
            for (size_t f = 0; f < ta->desc->nfields; f++) {
                char va[256], vb[256];
                cs_field_format(ra, &ta->desc->fields[f], va, sizeof va);
                cs_field_format(rb, &ta->desc->fields[f], vb, sizeof vb);
                if (strcmp(va, vb) != 0)
                    fail_msg("%s %s field %s: wrote '%s', read '%s'", ta->desc->name, ia,
                             ta->desc->fields[f].name, va, vb);
            }
        }
    }
}

static void extract_back(fixture *fx, cs_model *back, cs_findings *fi)
{
    cs_diag d;
    cs_extract_stats stats = {0};
    cs_model_init(back);
    cs_findings_init(fi);
    cs_status st = cs_extract(fx->p, fx->out, back, fi, &stats, NULL, NULL, &d);
    if (st != CS_OK)
        fail_msg("extract: %s", d.msg);
    cs_extract_stats_free(&stats);
}

static void test_round_trip_with_full_damage(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    assert_int_equal(prepare(fx, "Caf\xC3\xA9 \xC2\xA3 team", base_profile, 1.0, &d), CS_OK);
    /* damage of each kind the files allow, all recorded */
    assert_true(manifest_count(&fx->mf, "X101") > 0);   /* 1000001.0 */
    assert_true(manifest_count(&fx->mf, "X102") > 0);   /* 12.0, split date parts */
    assert_true(manifest_count(&fx->mf, "X103") > 0);   /* serial dates (ssd: Excel-touched) */
    assert_true(manifest_count(&fx->mf, "X104") > 0);   /* TRUE/FALSE */
    assert_true(manifest_count(&fx->mf, "X105") > 0);   /* " VIS1" */
    assert_true(manifest_count(&fx->mf, "X106") > 0);   /* blank rows */
    assert_true(manifest_count(&fx->mf, "X108") > 0);   /* 1900-01-01 */
    assert_int_equal(manifest_count(&fx->mf, "X121"), 1);   /* one test person */
    cs_model back;
    cs_findings fi;
    extract_back(fx, &back, &fi);
    assert_same_model(&fx->m, &back);
    assert_true(fi.per_kind[CS_FK_ID_FLOAT] > 0);
    assert_true(fi.per_kind[CS_FK_EXCEL_SERIAL_DATE] > 0);
    assert_true(fi.per_kind[CS_FK_PLACEHOLDER_DATE] > 0);
    assert_int_equal(fi.per_kind[CS_FK_EXCLUDED], 1);
    assert_int_equal(fi.per_kind[CS_FK_BAD_DATE], 0);
    assert_int_equal(fi.per_kind[CS_FK_UNMAPPED_CODE], 0);
    cs_findings_free(&fi);
    cs_model_free(&back);
}

static void test_round_trip_clean(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    assert_int_equal(prepare(fx, "Plain team", base_profile, 0.0, &d), CS_OK);
    assert_int_equal(manifest_count(&fx->mf, "X121"), 1);
    assert_int_equal(fx->mf.count, 1);   /* no damage at rate 0 */
    cs_model back;
    cs_findings fi;
    extract_back(fx, &back, &fi);
    assert_same_model(&fx->m, &back);
    assert_int_equal(fi.total, 1);       /* only the excluded test record */
    cs_findings_free(&fi);
    cs_model_free(&back);
}

static void test_encodings_and_partition(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    assert_int_equal(prepare(fx, "Caf\xC3\xA9 \xC2\xA3 team", base_profile, 0.0, &d), CS_OK);
    char path[400];
    size_t n;
    /* ssd habit: UTF-8 with a BOM, CR LF, local codes through the table */
    snprintf(path, sizeof path, "%s/people.csv", fx->out);
    char *b = slurp(path, &n);
    assert_non_null(b);
    static const char head[] = "\xEF\xBB\xBFPID,SEX,D,M,Y,DOD,MUM,TEST\r\n";
    assert_memory_equal(b, head, sizeof head - 1);
    assert_non_null(strstr(b, "1000002,FEMALE,10,3,2013,,1,\r\n"));
    assert_non_null(strstr(b, ",Y\r\n"));   /* the test record */
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(stat(fx->out, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    free(b);
    /* glob teams*.csv -> teams.csv, Windows-1252: e-acute E9, pound A3 */
    snprintf(path, sizeof path, "%s/teams.csv", fx->out);
    b = slurp(path, &n);
    assert_non_null(b);
    assert_non_null(strstr(b, "T1,Caf\xE9 \xA3 team\r\n"));
    free(b);
    /* UTF-16LE with BOM; CIN and CP visits share the file, CLA go to forms */
    snprintf(path, sizeof path, "%s/visits.txt", fx->out);
    b = slurp(path, &n);
    assert_non_null(b);
    assert_true(n > 4);
    assert_memory_equal(b, "\xFF\xFEV\0I\0D\0\t\0", 10);
    size_t cin = 0, cp = 0;
    for (size_t i = 0; i + 8 <= n; i++) {
        cin += memcmp(b + i, "C\0I\0N\0V\0", 8) == 0;
        cp += memcmp(b + i, "C\0P\0V\0", 6) == 0;
    }
    assert_int_equal(cin, 2);
    assert_int_equal(cp, 2);
    assert_non_null(memmem(b, n, "2\0" "0\0" "2\0" "5\0" "-\0" "0\0" "3\0" "-\0" "0\0" "2\0 \0" "0\0"
                                 "0\0:\0", 26));   /* 2025-03-02 00: (sqlserver) */
    free(b);
    snprintf(path, sizeof path, "%s/forms.csv", fx->out);
    b = slurp(path, &n);
    assert_non_null(b);
    assert_non_null(strstr(b, "INST|Q|A|WHEN|SUBJ|FORM\r\n"));
    assert_non_null(strstr(b, "VIS3|VisitDate|2025-03-03|2025-03-03 09:01:00|1000003|LAC\r\n"));
    assert_non_null(strstr(b, "VIS3|Seen|0|2025-03-03 09:02:00|1000003|LAC\r\n"));
    assert_null(strstr(b, "VIS2"));
    free(b);
    /* dd/mm/yyyy for the sdq map */
    snprintf(path, sizeof path, "%s/sdq.csv", fx->out);
    b = slurp(path, &n);
    assert_non_null(b);
    assert_non_null(strstr(b, "SDQ1,1000001,10/01/2025,12\r\n"));
    free(b);
}

static void test_same_seed_same_files(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    assert_int_equal(prepare(fx, "Team", base_profile, 0.3, &d), CS_OK);
    char path[400];
    size_t n1, n2;
    snprintf(path, sizeof path, "%s/people.csv", fx->out);
    char *a = slurp(path, &n1);
    assert_int_equal(write_it(fx, 0.3, &d), CS_OK);
    char *b = slurp(path, &n2);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
}

/* Two maps of one file with nothing to tell their rows apart. */
static void test_maps_that_cannot_share_a_file(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    const char *yaml =
        "profile: t\nsystem: x\ndefaults: { codes: codes }\nentities:\n"
        "  cin_visit:\n    entity: visit\n    file: v.csv\n"
        "    fields: { id: VID, kind: { const: CIN } }\n"
        "  cp_visit:\n    entity: visit\n    file: v.csv\n"
        "    fields: { id: VID, kind: { const: CP } }\n";
    assert_int_equal(prepare(fx, "Team", yaml, 0.0, &d), CS_ERR_CONFIG);
    assert_non_null(strstr(d.msg, "would both read"));
}

static void test_character_windows_1252_lacks(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    build_model(&fx->m, "\xC5\x81\xC3\xB3" "d\xC5\xBA team");   /* Polish L-stroke */
    assert_int_equal(load_profile(fx, base_profile, &d), CS_OK);
    assert_int_equal(write_it(fx, 0.0, &d), CS_ERR_ENCODING);
    assert_non_null(strstr(d.msg, "windows-1252") ? d.msg : strstr(d.msg, "WINDOWS-1252"));
}

static void test_file_outside_the_folder(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    const char *yaml = "profile: t\nsystem: x\ndefaults: { codes: codes }\nentities:\n"
                       "  team:\n    file: ../escape.csv\n    fields: { id: TID }\n";
    assert_int_equal(prepare(fx, "Team", yaml, 0.0, &d), CS_ERR_CONFIG);
    char path[400];
    snprintf(path, sizeof path, "%s/escape.csv", fx->dir);
    assert_int_equal(access(path, F_OK), -1);
}

/* Rows no map takes (a visit kind without a map) are reported, not lost silently. */
static void test_unrouted_rows_in_manifest(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    const char *yaml = "profile: t\nsystem: x\ndefaults: { codes: codes }\nentities:\n"
                       "  cin_visit:\n    entity: visit\n    file: v.csv\n"
                       "    fields: { id: VID, kind: { const: CIN } }\n";
    assert_int_equal(prepare(fx, "Team", yaml, 0.0, &d), CS_OK);
    size_t unrouted = 0, unmapped = 0;
    for (size_t i = 0; i < fx->mf.count; i++) {
        unrouted += strcmp(fx->mf.items[i].kind, "record-not-written") == 0;
        unmapped += strcmp(fx->mf.items[i].kind, "entity-not-in-profile") == 0;
    }
    assert_int_equal(unrouted, 5);   /* 2 CP + 3 CLA */
    assert_int_equal(unmapped, 3);   /* person, team, sdq */
}

/* Fixed-width and XML maps round-trip too (no damage: Excel never saw them). */
static void test_fixed_and_xml_round_trip(void **state)
{
    fixture *fx = *state;
    cs_diag d;
    const char *yaml =
        "profile: t\nsystem: x\ndefaults: { codes: codes, dates: iso }\nentities:\n"
        "  team:\n    file: teams.dat\n    format: fixed\n    encoding: utf-8\n"
        "    layout:\n      - { name: TID, start: 1, width: 6 }\n"
        "      - { name: NAME, start: 9, width: 30 }\n"
        "    fields: { id: TID, name: NAME }\n"
        "  sdq:\n    file: sdq.xml\n    format: xml\n    record: Sdq\n"
        "    fields: { id: SdqId, person_id: ChildId, completed_date: Done, score: Score }\n";
    assert_int_equal(prepare(fx, "Caf\xC3\xA9 & <team>", yaml, 1.0, &d), CS_OK);
    char path[400];
    size_t n;
    snprintf(path, sizeof path, "%s/teams.dat", fx->out);
    char *b = slurp(path, &n);
    assert_non_null(b);
    assert_string_equal(b, "T1      Caf\xC3\xA9 & <team>\n");
    free(b);
    snprintf(path, sizeof path, "%s/sdq.xml", fx->out);
    b = slurp(path, &n);
    assert_non_null(b);
    assert_non_null(strstr(b, "<Sdq>\n    <SdqId>SDQ1</SdqId>\n    <ChildId>1000001</ChildId>\n"
                              "    <Done>2025-01-10</Done>\n    <Score>12</Score>\n  </Sdq>\n"));
    free(b);
    cs_model back;
    cs_findings fi;
    extract_back(fx, &back, &fi);
    assert_int_equal(back.tables[CS_E_team].count, 1);
    assert_string_equal(CS_TABLE(&back, team)[0].name, "Caf\xC3\xA9 & <team>");
    assert_int_equal(back.tables[CS_E_sdq].count, 4);
    assert_int_equal(CS_TABLE(&back, sdq)[3].score, 15);
    assert_int_equal(CS_TABLE(&back, sdq)[3].completed_date, cs_date_from_ymd(2025, 1, 13));
    cs_findings_free(&fi);
    cs_model_free(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip_with_full_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encodings_and_partition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_seed_same_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_maps_that_cannot_share_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_character_windows_1252_lacks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_outside_the_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unrouted_rows_in_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fixed_and_xml_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
