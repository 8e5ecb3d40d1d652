/* Source profile loader: valid profiles, every kind of mistake a profile
 * author makes (with the YAML line and column), extends/override merging,
 * and hostile YAML. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "etl/profile.h"
#include "util/limits.h"

static char dir[256];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cscdw-test-profile-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char codes[300];
    snprintf(codes, sizeof codes, "%s/codes", dir);
    mkdir(codes, 0700);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static const char *write_file(const char *name, const char *text)
{
    static char path[4][512];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 512, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void write_sex_codes(void)
{
    write_file("codes/sex.tsv", "# test\nlocal\tdfe\nMale\tM\nFemale\tF\n");
}

/* Load a profile expected to fail; check status, position and message. */
static void expect_error(const char *name, const char *yaml, cs_status want, uint64_t line,
                         uint64_t col, const char *msg_part)
{
    const char *path = write_file(name, yaml);
    cs_profile *p = (cs_profile *)1;
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_profile_load(&p, path, &d);
    if (st != want || (line && d.line != line) || (col && d.col != col) ||
        !strstr(d.msg, msg_part)) {
        char buf[2048];
        print_error("got %s: %s\n", cs_status_name(st), cs_diag_format(&d, buf, sizeof buf));
    }
    assert_int_equal(st, want);
    assert_null(p);
    if (line)
        assert_int_equal(d.line, line);
    if (col)
        assert_int_equal(d.col, col);
    assert_non_null(strstr(d.msg, msg_part));
}

/* Load a profile expected to be valid, showing the error when it is not. */
static cs_profile *load_ok(const char *path)
{
    cs_profile *p = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_profile_load(&p, path, &d);
    if (st != CS_OK) {
        char buf[2048];
        print_error("%s\n", cs_diag_format(&d, buf, sizeof buf));
    }
    assert_int_equal(st, CS_OK);
    return p;
}

static const cs_field_map *field(const cs_entity_map *m, const char *name)
{
    for (size_t i = 0; i < m->nfields; i++)
        if (strcmp(m->fields[i].field, name) == 0)
            return &m->fields[i];
    return NULL;
}

static const cs_entity_map *map(const cs_profile *p, const char *key)
{
    for (size_t i = 0; i < p->nentities; i++)
        if (strcmp(p->entities[i].key, key) == 0)
            return &p->entities[i];
    return NULL;
}

static void test_valid_profile(void **state)
{
    (void)state;
    write_sex_codes();
    const char *path = write_file("full.yaml",
        "profile: full\n"
        "system: mosaic\n"
        "description: everything the format allows\n"
        "defaults:\n"
        "  format: csv\n"
        "  delimiter: \"|\"\n"
        "  encoding: windows-1252\n"
        "  invalid: replace\n"
        "  dates: dd/mm/yyyy\n"
        "  codes: codes\n"
        "entities:\n"
        "  person:\n"
        "    file: DM_PERSONS*.csv\n"
        "    filter:\n"
        "      - column: PERSON_TYPE\n"
        "        include: [CHILD]\n"
        "      - { column: PERSON_ID, exclude: [\"999999\", \"0\"] }\n"
        "    fields:\n"
        "      id: { concat: [STEP_ID, PERSON_ID], separator: \"/\" }\n"
        "      sex: { column: GENDER, codes: sex }\n"
        "      birth_date: { column: DOB, dates: iso }\n"
        "      is_mother: { column: MOTHER_FLAG, true: \"M, MOTHER\" }\n"
        "      gender: { const: U }\n"
        "      expected_birth_date: { day: D, month: M, year: Y }\n"
        "  cp_visit:\n"
        "    entity: visit\n"
        "    file: visits.txt\n"
        "    optional: yes\n"
        "    delimiter: tab\n"
        "    encoding: utf-8\n"
        "    dates: sqlserver\n"
        "    fields: { id: VISIT_ID, person_id: PERSON_ID, visit_date: DATE }\n"
        "  forms:\n"
        "    entity: assessment\n"
        "    file: FORMS.csv\n"
        "    filter: { column: FORMTYPE, include: CINAssessment }\n"
        "    pivot:\n"
        "      key: INSTANCEID\n"
        "      name: CONTROLNAME\n"
        "      value: ANSWERVALUE\n"
        "      order: DATEANSWERED\n"
        "      carry: [SUBJECT]\n"
        "    fields:\n"
        "      id: INSTANCEID\n"
        "      start_date: StartDate\n"
        "  contacts_fixed:\n"
        "    entity: contact\n"
        "    format: fixed\n"
        "    file: CONTACTS.DAT\n"
        "    layout:\n"
        "      - { name: CONTACT_ID, start: 1, width: 12 }\n"
        "      - { name: PERSON_ID, start: 13, width: 10 }\n"
        "    fields: { id: CONTACT_ID, person_id: PERSON_ID }\n"
        "  referrals_xml:\n"
        "    entity: referral\n"
        "    format: xml\n"
        "    record: Referral\n"
        "    file: refs.xml\n"
        "    fields: { id: ReferralId }\n");
    cs_profile *p = load_ok(path);
    assert_string_equal(p->name, "full");
    assert_string_equal(p->system, "mosaic");
    assert_int_equal(p->encoding, CS_ENC_CP1252);
    assert_int_equal(p->invalid, CS_INVALID_REPLACE);
    assert_int_equal(p->date_style, CS_DATES_DMY);
    assert_int_equal(p->delimiter, '|');
    assert_int_equal(p->nentities, 5);

    const cs_entity_map *m = map(p, "person");
    assert_non_null(m);
    assert_ptr_equal(m->entity, cs_entity_find("person"));
    assert_string_equal(m->entity_name, "person");
    assert_string_equal(m->file, "DM_PERSONS*.csv");
    assert_int_equal(m->table.format, CS_TABLE_CSV);
    assert_int_equal(m->table.delimiter, '|');
    assert_int_equal(m->table.encoding, CS_ENC_CP1252);
    assert_int_equal(m->table.has_header, 1);
    assert_int_equal(m->optional, 0);
    assert_int_equal(m->nfilters, 2);
    assert_int_equal(m->filters[0].exclude, 0);
    assert_string_equal(m->filters[0].values[0], "CHILD");
    assert_int_equal(m->filters[1].exclude, 1);
    assert_int_equal(m->filters[1].nvalues, 2);
    assert_string_equal(m->filters[1].values[1], "0");
    const cs_field_map *f = field(m, "id");
    assert_int_equal(f->kind, CS_MAP_CONCAT);
    assert_int_equal(f->ncolumns, 2);
    assert_string_equal(f->columns[1], "PERSON_ID");
    assert_string_equal(f->separator, "/");
    f = field(m, "sex");
    assert_int_equal(f->kind, CS_MAP_COLUMN);
    assert_non_null(f->codemap);
    assert_string_equal(cs_codemap_lookup(f->codemap, "male", 4), "M");
    f = field(m, "birth_date");
    assert_int_equal(f->date_style, CS_DATES_ISO);
    f = field(m, "is_mother");
    assert_string_equal(f->true_values, "M, MOTHER");
    f = field(m, "gender");
    assert_int_equal(f->kind, CS_MAP_CONST);
    assert_string_equal(f->constant, "U");
    f = field(m, "expected_birth_date");
    assert_int_equal(f->kind, CS_MAP_SPLIT_DATE);
    assert_string_equal(f->month, "M");

    m = map(p, "cp_visit");
    assert_ptr_equal(m->entity, cs_entity_find("visit"));
    assert_string_equal(m->entity_name, "visit");
    assert_int_equal(m->optional, 1);
    assert_int_equal(m->table.delimiter, '\t');
    assert_int_equal(m->table.encoding, CS_ENC_UTF8);
    assert_int_equal(m->date_style, CS_DATES_SQLSERVER);
    assert_int_equal(m->table.invalid, CS_INVALID_REPLACE);

    m = map(p, "forms");
    assert_non_null(m->pivot);
    assert_string_equal(m->pivot->key, "INSTANCEID");
    assert_string_equal(m->pivot->order, "DATEANSWERED");
    assert_int_equal(m->pivot->ncarry, 1);
    assert_int_equal(m->nfilters, 1);
    assert_string_equal(m->filters[0].values[0], "CINAssessment");

    m = map(p, "contacts_fixed");
    assert_int_equal(m->table.format, CS_TABLE_FIXED);
    assert_int_equal(m->table.nlayout, 2);
    assert_int_equal(m->table.layout[1].start, 13);
    assert_int_equal(m->table.layout[1].width, 10);

    m = map(p, "referrals_xml");
    assert_int_equal(m->table.format, CS_TABLE_XML);
    assert_string_equal(m->table.record_element, "Referral");
    cs_profile_free(p);
}

static void test_minimal_defaults(void **state)
{
    (void)state;
    const char *path = write_file("mini.yaml", "entities:\n  person: { file: p.csv, fields: { id: ID } }\n");
    cs_profile *p = NULL;
    cs_diag d;
    assert_int_equal(cs_profile_load(&p, path, &d), CS_OK);
    assert_string_equal(p->name, "mini");
    assert_int_equal(p->encoding, CS_ENC_AUTO);
    assert_int_equal(p->date_style, CS_DATES_AUTO);
    assert_int_equal(p->entities[0].table.delimiter, 0);
    assert_non_null(strstr(p->codes_dir, "/../codes"));
    cs_profile_free(p);
}

static void test_unknown_names(void **state)
{
    (void)state;
    expect_error("e1.yaml",
                 "profile: t\n"
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      id: PERSON_ID\n"
                 "      birth_dat: DOB\n",
                 CS_ERR_CONFIG, 7, 7,
                 "unknown field 'birth_dat' for entity 'person' (fields are: id, legacy_id, upn");
    expect_error("e2.yaml",
                 "entities:\n"
                 "  persn:\n"
                 "    file: p.csv\n"
                 "    fields: { id: X }\n",
                 CS_ERR_CONFIG, 2, 3, "unknown entity 'persn'");
    expect_error("e3.yaml",
                 "entities:\n"
                 "  kids:\n"
                 "    entity: chld\n"
                 "    file: p.csv\n"
                 "    fields: { id: X }\n",
                 CS_ERR_CONFIG, 3, 13, "unknown entity 'chld' (entities are: person,");
    expect_error("e4.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    flie: p.csv\n"
                 "    fields: { id: X }\n",
                 CS_ERR_CONFIG, 3, 5, "unknown key 'flie' in entity map 'person' (keys are: entity, file");
    expect_error("e5.yaml", "profil: x\n", CS_ERR_CONFIG, 1, 1, "unknown key 'profil'");
    expect_error("e6.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields: { id: { colunm: X } }\n",
                 CS_ERR_CONFIG, 4, 21, "unknown key 'colunm' in field 'id'");
}

static void test_wrong_map_kinds(void **state)
{
    (void)state;
    write_sex_codes();
    expect_error("k1.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      upn: { day: D, month: M, year: Y }\n",
                 CS_ERR_CONFIG, 5, 19, "field 'upn' is string");
    expect_error("k2.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      upn: { column: U, true: \"Y\" }\n",
                 CS_ERR_CONFIG, 5, 31, "'true' spellings apply to yes/no fields");
    expect_error("k3.yaml",
                 "defaults: { codes: codes }\n"
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      birth_date: { column: DOB, codes: sex }\n",
                 CS_ERR_CONFIG, 6, 41, "code tables apply to code fields");
    expect_error("k4.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      sex: { column: S, dates: iso }\n",
                 CS_ERR_CONFIG, 5, 32, "'dates' applies to date fields");
    expect_error("k5.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      birth_date: { day: D, month: M }\n",
                 CS_ERR_CONFIG, 5, 19, "needs all of day, month and year");
    expect_error("k6.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      birth_date: { column: A, const: \"2020-01-01\" }\n",
                 CS_ERR_CONFIG, 5, 19, "exactly one source");
    expect_error("k7.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      birth_date: { const: not-a-date }\n",
                 CS_ERR_CONFIG, 5, 28, "constant 'not-a-date' is not a valid date");
    expect_error("k8.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      is_mother: { concat: [A, B] }\n",
                 CS_ERR_CONFIG, 5, 28, "concat is only for id, string and code fields");
    expect_error("k9.yaml",
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      sex: { column: S, codes: ../../etc/passwd }\n",
                 CS_ERR_CONFIG, 5, 32, "must be a plain name");
}

static void test_bad_settings(void **state)
{
    (void)state;
    expect_error("s1.yaml", "defaults: { encoding: ebcdic }\n", CS_ERR_CONFIG, 1, 23,
                 "unknown encoding 'ebcdic'");
    expect_error("s2.yaml", "defaults: { dates: mm/dd/yyyy }\n", CS_ERR_CONFIG, 1, 20,
                 "unknown date style 'mm/dd/yyyy'");
    expect_error("s3.yaml", "defaults: { format: xlsx }\n", CS_ERR_CONFIG, 1, 21,
                 "unknown format 'xlsx' (choose from: csv, fixed, xml)");
    expect_error("s4.yaml", "defaults: { delimiter: \";;\" }\n", CS_ERR_CONFIG, 1, 24,
                 "'delimiter' must be one character");
    expect_error("s5.yaml", "entities:\n  person: { file: p.csv, optional: maybe, fields: { id: X } }\n",
                 CS_ERR_CONFIG, 2, 36, "'optional' must be true or false");
    expect_error("s6.yaml", "entities:\n  person: { fields: { id: X } }\n", CS_ERR_CONFIG, 2, 3,
                 "entity map 'person' has no 'file'");
    expect_error("s7.yaml", "entities:\n  person: { file: p, format: fixed, fields: { id: X } }\n",
                 CS_ERR_CONFIG, 2, 3, "fixed-width but has no 'layout'");
    expect_error("s8.yaml", "entities:\n  person: { file: p, format: xml, fields: { id: X } }\n",
                 CS_ERR_CONFIG, 2, 3, "has no 'record' element");
    expect_error("s9.yaml",
                 "entities:\n"
                 "  contact:\n"
                 "    file: c.dat\n"
                 "    format: fixed\n"
                 "    layout:\n"
                 "      - { name: A, start: 1, width: 10 }\n"
                 "      - { name: B, start: 5, width: 3 }\n"
                 "    fields: { id: A }\n",
                 CS_ERR_CONFIG, 7, 9, "overlaps 'A'");
    expect_error("s10.yaml",
                 "entities:\n"
                 "  contact:\n"
                 "    file: c.dat\n"
                 "    format: fixed\n"
                 "    layout: [{ name: A, start: 0, width: 10 }]\n"
                 "    fields: { id: A }\n",
                 CS_ERR_CONFIG, 5, 32, "'start' must be a whole number");
    expect_error("s11.yaml", "entities:\n  person: { file: p.csv, fields: {} }\n", CS_ERR_CONFIG,
                 2, 3, "maps no fields");
    expect_error("s12.yaml", "profile: x\n", CS_ERR_CONFIG, 0, 0, "maps no entities");
    expect_error("s13.yaml",
                 "entities:\n  person:\n    file: p.csv\n    pivot: { key: K, value: V }\n"
                 "    fields: { id: K }\n",
                 CS_ERR_CONFIG, 4, 12, "'pivot' needs 'name'");
    expect_error("s14.yaml",
                 "entities:\n  person:\n    file: p.csv\n    filter: [{ column: T, include: [A], exclude: [B] }]\n"
                 "    fields: { id: K }\n",
                 CS_ERR_CONFIG, 4, 14, "exactly one of 'include' or 'exclude'");
    expect_error("s15.yaml", "entities: [person]\n", CS_ERR_CONFIG, 1, 11,
                 "'entities' must be a mapping");
}

static void test_yaml_syntax(void **state)
{
    (void)state;
    expect_error("y1.yaml", "entities:\n  person: { file: p.csv\n  referral: x\n", CS_ERR_FORMAT,
                 0, 0, "YAML syntax error");
    expect_error("y2.yaml", "entities:\n  person:\n    file: p.csv\n   fields: x\n", CS_ERR_FORMAT,
                 4, 0, "YAML syntax error");
    expect_error("y3.yaml", "a: &x 1\nb: *x\n", CS_ERR_FORMAT, 2, 4, "aliases");
    expect_error("y4.yaml", "profile: a\nprofile: b\n", CS_ERR_FORMAT, 2, 1,
                 "duplicate key 'profile' (first given at line 1)");
    expect_error("y5.yaml", "profile: a\n---\nprofile: b\n", CS_ERR_FORMAT, 2, 1,
                 "only one YAML document");
    expect_error("y6.yaml", "", CS_ERR_CONFIG, 0, 0, "the profile is empty");
    expect_error("y7.yaml", "- a\n- b\n", CS_ERR_CONFIG, 1, 1, "a profile must be a mapping");
    expect_error("y8.yaml", "profile: \"a\\0b\"\n", CS_ERR_FORMAT, 1, 10, "NUL");
    expect_error("y9.yaml", "profile: \xff\xfe\n", CS_ERR_FORMAT, 1, 0, "UTF-8");
    expect_error("y10.yaml", "? [a, b]\n: c\n", CS_ERR_FORMAT, 1, 3, "mapping key must be plain text");
    /* nesting beyond the cap */
    char deep[400];
    size_t n = 0;
    n += (size_t)snprintf(deep + n, sizeof deep - n, "profile: ");
    for (int i = 0; i < 70; i++)
        deep[n++] = '[';
    deep[n] = '\0';
    expect_error("y11.yaml", deep, CS_ERR_FORMAT, 1, 0, "nesting deeper");
}

static void test_codes_table(void **state)
{
    (void)state;
    expect_error("c1.yaml",
                 "defaults:\n  codes: codes\n"
                 "entities:\n"
                 "  person:\n"
                 "    file: p.csv\n"
                 "    fields:\n"
                 "      id: ID\n"
                 "      sex: { column: S, codes: no-such-table }\n",
                 CS_ERR_CONFIG, 8, 32, "code table 'no-such-table' cannot be read");
    write_file("codes/broken.tsv", "local\tdfe\nA\tB\tC\n");
    const char *path = write_file("c2.yaml",
                                  "defaults:\n  codes: codes\n"
                                  "entities:\n  person:\n    file: p.csv\n"
                                  "    fields: { id: ID, sex: { column: S, codes: broken } }\n");
    cs_profile *p = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_profile_load(&p, path, &d), CS_ERR_CONFIG);
    assert_non_null(strstr(d.file, "broken.tsv"));
    assert_int_equal(d.line, 2);
    /* a table used by two fields is loaded once and shared */
    write_sex_codes();
    path = write_file("c3.yaml", "defaults:\n  codes: codes\n"
                                 "entities:\n  person:\n    file: p.csv\n"
                                 "    fields: { id: ID, sex: { column: S, codes: sex }, "
                                 "gender: { column: G, codes: sex } }\n");
    assert_int_equal(cs_profile_load(&p, path, &d), CS_OK);
    assert_ptr_equal(p->entities[0].fields[1].codemap, p->entities[0].fields[2].codemap);
    cs_profile_free(p);
}

static void test_extends_override(void **state)
{
    (void)state;
    write_sex_codes();
    mkdir(strcat(strcpy((char[300]){0}, dir), "/base"), 0700);
    write_file("base/parent.yaml",
               "profile: parent\n"
               "system: mosaic\n"
               "defaults: { dates: iso, codes: ../codes }\n"
               "entities:\n"
               "  person:\n"
               "    file: PERSONS.csv\n"
               "    fields:\n"
               "      id: PERSON_ID\n"
               "      upn: UPN\n"
               "      sex: { column: GENDER, codes: sex }\n"
               "      postcode: POSTCODE\n"
               "  referral:\n"
               "    file: REFS.csv\n"
               "    fields: { id: REF_ID, person_id: PERSON_ID }\n"
               "  contact:\n"
               "    file: CONTACTS.csv\n"
               "    fields: { id: CONTACT_ID }\n");
    const char *path = write_file("child.yaml",
               "profile: our-la\n"
               "extends: base/parent.yaml\n"
               "defaults: { encoding: windows-1252 }\n"
               "entities:\n"
               "  referral:\n"
               "    file: LA_REFERRALS.csv\n"
               "    fields: { id: REFERRAL_NO }\n"
               "  contact: ~\n"
               "  early_help: { file: EH.csv, fields: { id: EH_ID } }\n"
               "override:\n"
               "  person:\n"
               "    file: LA_PERSONS.csv\n"
               "    fields:\n"
               "      upn: UPN_REFERENCE\n"
               "      postcode: ~\n"
               "      nationality: NAT\n");
    cs_profile *p = load_ok(path);
    assert_string_equal(p->name, "our-la");
    assert_string_equal(p->system, "mosaic");          /* inherited */
    assert_int_equal(p->date_style, CS_DATES_ISO);     /* inherited */
    assert_int_equal(p->encoding, CS_ENC_CP1252);      /* the child's */
    assert_int_equal(p->nentities, 3);                 /* contact removed, early_help added */
    const cs_entity_map *m = map(p, "person");
    assert_string_equal(m->file, "LA_PERSONS.csv");
    assert_int_equal(m->table.encoding, CS_ENC_CP1252); /* child's default reaches parent map */
    assert_int_equal(m->date_style, CS_DATES_ISO);
    assert_string_equal(field(m, "id")->column, "PERSON_ID");
    assert_string_equal(field(m, "upn")->column, "UPN_REFERENCE");
    assert_null(field(m, "postcode"));
    assert_string_equal(field(m, "nationality")->column, "NAT");
    assert_non_null(field(m, "sex")->codemap);          /* parent's codes dir */
    m = map(p, "referral");
    assert_string_equal(m->file, "LA_REFERRALS.csv");
    assert_int_equal(m->nfields, 1);                    /* replaced whole */
    assert_null(map(p, "contact"));
    assert_non_null(map(p, "early_help"));
    cs_profile_free(p);

    expect_error("o1.yaml",
                 "extends: base/parent.yaml\n"
                 "override:\n"
                 "  persons:\n"
                 "    fields: { upn: X }\n",
                 CS_ERR_CONFIG, 3, 3, "override 'persons': no entity map of that name");
    expect_error("o2.yaml",
                 "extends: base/parent.yaml\n"
                 "override:\n"
                 "  person:\n"
                 "    fields: { birth_dat: X }\n",
                 CS_ERR_CONFIG, 4, 15, "unknown field 'birth_dat' for entity 'person'");
    expect_error("o3.yaml",
                 "extends: base/parent.yaml\n"
                 "override:\n"
                 "  person:\n"
                 "    entity: referral\n",
                 CS_ERR_CONFIG, 4, 13, "cannot change the entity");
    expect_error("o4.yaml", "extends: base/missing.yaml\n", CS_ERR_CONFIG, 1, 10,
                 "cannot read extended profile");
}

static void test_extends_cycle_and_depth(void **state)
{
    (void)state;
    write_file("cy_a.yaml", "extends: cy_b.yaml\nentities:\n  person: { file: p, fields: { id: X } }\n");
    write_file("cy_b.yaml", "profile: b\n\nextends: cy_a.yaml\n");
    const char *path = write_file("cy_start.yaml", "extends: cy_a.yaml\n");
    cs_profile *p = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_profile_load(&p, path, &d), CS_ERR_CONFIG);
    assert_non_null(strstr(d.msg, "extends cycle"));
    assert_non_null(strstr(d.file, "cy_b.yaml"));
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 10);
    /* a profile extending itself */
    expect_error("self.yaml", "extends: self.yaml\n", CS_ERR_CONFIG, 1, 10, "extends cycle");
    /* a long chain of distinct files */
    for (int i = 0; i < 12; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "chain%d.yaml", i);
        snprintf(text, sizeof text, "extends: chain%d.yaml\n", i + 1);
        write_file(name, text);
    }
    write_file("chain12.yaml", "entities:\n  person: { file: p, fields: { id: X } }\n");
    path = write_file("chain_top.yaml", "extends: chain0.yaml\n");
    cs_diag_clear(&d);
    assert_int_equal(cs_profile_load(&p, path, &d), CS_ERR_CONFIG);
    assert_non_null(strstr(d.msg, "deeper than"));
    /* a short chain is fine */
    path = write_file("chain_ok.yaml", "extends: chain10.yaml\n");
    assert_int_equal(cs_profile_load(&p, path, &d), CS_OK);
    cs_profile_free(p);
}

static void test_size_cap_and_memory(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/huge.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < CS_MAX_PROFILE_BYTES / 16 + 10; i++)
        fputs("# padding line\n", f), fputc('#', f);
    fclose(f);
    cs_profile *p = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    assert_int_equal(cs_profile_load(&p, path, &d), CS_ERR_LIMIT);
    assert_null(p);
    assert_int_equal(cs_profile_load(&p, "/nonexistent/x.yaml", &d), CS_ERR_IO);

    char mempath[512];
    snprintf(mempath, sizeof mempath, "%s/mem.yaml", dir);
    const char *y = "profile: m\nentities:\n  person: { file: p, fields: { id: X } }\n";
    assert_int_equal(cs_profile_parse(&p, mempath, y, strlen(y), &d), CS_OK);
    assert_string_equal(p->name, "m");
    assert_string_equal(p->path, mempath);
    cs_profile_free(p);
    cs_profile_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_profile),
        cmocka_unit_test(test_minimal_defaults),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_wrong_map_kinds),
        cmocka_unit_test(test_bad_settings),
        cmocka_unit_test(test_yaml_syntax),
        cmocka_unit_test(test_codes_table),
        cmocka_unit_test(test_extends_override),
        cmocka_unit_test(test_extends_cycle_and_depth),
        cmocka_unit_test(test_size_cap_and_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
