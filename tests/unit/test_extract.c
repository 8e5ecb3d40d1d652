/* The extract engine on small CSV extracts written to a temporary folder:
 * typed values, code tables, filters, pivots, split dates, missing columns,
 * blank and ragged rows, duplicate ids, orphans, provenance, globs, and the
 * dump and findings writers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "etl/extract.h"
#include "etl/profile.h"

static char dir[256], in[300];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* A fresh folder per test: dir/ (profile, codes/) and dir/in (extracts). */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cscdw-test-extract-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char codes[300];
    snprintf(codes, sizeof codes, "%s/codes", dir);
    snprintf(in, sizeof in, "%s/in", dir);
    mkdir(codes, 0700);
    mkdir(in, 0700);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

static void put(const char *sub, const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

typedef struct {
    cs_profile *p;
    cs_model m;
    cs_findings fx;
    cs_extract_stats stats;
    cs_diag d;
    cs_status st;
} run;

/* Load the profile text and extract dir/in. The profile must load. */
static void extract(run *r, const char *yaml)
{
    memset(r, 0, sizeof *r);
    char path[400];
    snprintf(path, sizeof path, "%s/p.yaml", dir);
    cs_diag_clear(&r->d);
    cs_status st = cs_profile_parse(&r->p, path, yaml, strlen(yaml), &r->d);
    if (st != CS_OK) {
        char buf[2048];
        print_error("profile: %s\n", cs_diag_format(&r->d, buf, sizeof buf));
    }
    assert_int_equal(st, CS_OK);
    cs_model_init(&r->m);
    cs_findings_init(&r->fx);
    r->st = cs_extract(r->p, in, &r->m, &r->fx, &r->stats, NULL, NULL, &r->d);
}

static void done(run *r)
{
    cs_extract_stats_free(&r->stats);
    cs_findings_free(&r->fx);
    cs_model_free(&r->m);
    cs_profile_free(r->p);
}

static size_t count_kind(const run *r, cs_finding_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < r->fx.count; i++)
        n += r->fx.items[i].kind == k;
    assert_int_equal(n, r->fx.per_kind[k]);
    return n;
}

static const cs_finding *nth_kind(const run *r, cs_finding_kind k, size_t nth)
{
    for (size_t i = 0; i < r->fx.count; i++)
        if (r->fx.items[i].kind == k && nth-- == 0)
            return &r->fx.items[i];
    return NULL;
}

static cs_date ymd(int y, int m, int d)
{
    return cs_date_from_ymd(y, m, d);
}

static void test_typed_values(void **state)
{
    (void)state;
    put("codes", "sex.tsv", "local\tdfe\nMale\tM\nFemale\tF\n");
    put("in", "people.csv",
        "PERSON_ID,NAME_UPN,GENDER,ETHNIC,DOB,DUE,MOTHER\r\n"
        "1001.0,  A123 ,male,WBRI,01/02/2015,2015-03-04,MOTHER\r\n"
        "1002,B456,Female,abcd,45000,,Y\r\n"
        "1003,,Unknown,,2015-13-01,,\r\n");
    put("in", "sdq.csv", "ID,PID,SCORE,DONE\n1,1001,10.0,01/01/2020\n2,1002,ten,\n");
    run r;
    extract(&r, "defaults: { dates: dd/mm/yyyy, codes: codes }\n"
                "entities:\n"
                "  person:\n"
                "    file: people.csv\n"
                "    fields:\n"
                "      id: PERSON_ID\n"
                "      upn: NAME_UPN\n"
                "      sex: { column: GENDER, codes: sex }\n"
                "      ethnicity: ETHNIC\n"
                "      birth_date: { column: DOB, dates: auto }\n"
                "      expected_birth_date: { column: DUE, dates: iso }\n"
                "      is_mother: { column: MOTHER, true: \"mother, m\" }\n"
                "      nationality: { const: British }\n"
                "  sdq:\n"
                "    file: sdq.csv\n"
                "    fields: { id: ID, person_id: PID, score: SCORE, completed_date: DONE }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, person), 3);
    const cs_person *p = CS_TABLE(&r.m, person);
    assert_string_equal(p[0].id, "1001");                 /* Excel's .0 removed */
    assert_string_equal(p[0].upn, "A123");                /* trimmed */
    assert_string_equal(p[0].sex, "M");                   /* code table, case ignored */
    assert_ptr_equal(p[0].sex, cs_intern_find(&r.m.codes, "M", 1));
    assert_string_equal(p[0].ethnicity, "WBRI");          /* no table: as is */
    assert_string_equal(p[1].ethnicity, "abcd");
    assert_int_equal(p[0].birth_date, ymd(2015, 2, 1));
    assert_int_equal(p[0].expected_birth_date, ymd(2015, 3, 4));
    assert_int_equal(p[0].is_mother, 1);                  /* the profile's spelling */
    assert_int_equal(p[1].is_mother, 1);                  /* standard Y */
    assert_int_equal(p[2].is_mother, CS_BOOL_NONE);
    assert_int_equal(p[1].birth_date, ymd(2023, 3, 15));  /* Excel serial 45000 */
    assert_int_equal(p[2].birth_date, CS_DATE_NONE);
    assert_null(p[2].upn);
    assert_string_equal(p[2].nationality, "British");
    assert_ptr_equal(p[0].nationality, p[2].nationality); /* converted once */
    /* Unmapped code: kept upper-cased, finding with both spellings. */
    assert_string_equal(p[2].sex, "UNKNOWN");
    assert_int_equal(count_kind(&r, CS_FK_UNMAPPED_CODE), 1);
    const cs_finding *f = nth_kind(&r, CS_FK_UNMAPPED_CODE, 0);
    assert_string_equal(f->original, "Unknown");
    assert_string_equal(f->repaired, "UNKNOWN");
    assert_string_equal(f->field, "sex");
    assert_string_equal(f->source_id, "1003");
    assert_int_equal(f->line, 4);
    assert_int_equal(f->col, 7);
    assert_int_equal(count_kind(&r, CS_FK_ID_FLOAT), 1);
    assert_string_equal(nth_kind(&r, CS_FK_ID_FLOAT, 0)->source_id, "1001.0");
    assert_int_equal(count_kind(&r, CS_FK_WHITESPACE), 1);
    assert_int_equal(count_kind(&r, CS_FK_EXCEL_SERIAL_DATE), 1);
    assert_int_equal(count_kind(&r, CS_FK_BAD_DATE), 1);
    assert_int_equal(count_kind(&r, CS_FK_BOOL_SPELLING), 1);  /* Y, not "MOTHER" */
    assert_int_equal(CS_COUNT(&r.m, sdq), 2);
    assert_int_equal(CS_TABLE(&r.m, sdq)[0].score, 10);
    assert_int_equal(CS_TABLE(&r.m, sdq)[1].score, CS_INT_NONE);
    assert_int_equal(count_kind(&r, CS_FK_INT_DECIMAL), 1);
    assert_int_equal(count_kind(&r, CS_FK_BAD_INTEGER), 1);
    /* provenance and stats */
    assert_string_equal(r.m.files[p[1].prov.file], r.stats.files[0].path);
    assert_int_equal(p[1].prov.line, 3);
    assert_string_equal(r.m.source_system, "p");
    assert_int_equal(r.stats.nfiles, 2);
    assert_int_equal(r.stats.files[0].records, 3);
    assert_string_equal(r.stats.files[0].entity, "person");
    assert_string_equal(r.stats.files[0].encoding, "utf-8");
    assert_true(r.stats.files[0].bytes > 100);
    assert_int_equal(r.stats.records_total, 5);
    done(&r);
}

static void test_filters(void **state)
{
    (void)state;
    put("in", "p.csv",
        "ID,TYPE\n1,CHILD\n2,adult\n999999,CHILD\n3, child \n0,CHILD\n");
    run r;
    extract(&r, "entities:\n"
                "  person:\n"
                "    file: p.csv\n"
                "    filter:\n"
                "      - { column: TYPE, include: [CHILD] }\n"
                "      - { column: ID, exclude: [\"999999\", \"0\"] }\n"
                "    fields: { id: ID }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, person), 2);
    assert_string_equal(CS_TABLE(&r.m, person)[0].id, "1");
    assert_string_equal(CS_TABLE(&r.m, person)[1].id, "3");
    assert_int_equal(count_kind(&r, CS_FK_EXCLUDED), 2);  /* the adult is simply not a child */
    const cs_finding *f = nth_kind(&r, CS_FK_EXCLUDED, 0);
    assert_int_equal(f->line, 4);
    assert_string_equal(f->original, "999999");
    assert_string_equal(f->source_id, "999999");
    assert_string_equal(f->field, "ID");
    done(&r);

    /* a filter on a column the file lacks sees empty values */
    extract(&r, "entities:\n"
                "  person:\n"
                "    file: p.csv\n"
                "    filter: [{ column: STATUS, exclude: [\"\"] }]\n"
                "    fields: { id: ID }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, person), 0);
    assert_int_equal(count_kind(&r, CS_FK_EXCLUDED), 5);
    assert_int_equal(nth_kind(&r, CS_FK_EXCLUDED, 4)->line, 6);
    assert_int_equal(count_kind(&r, CS_FK_MISSING_COLUMN), 1);
    done(&r);
}

static void test_pivot(void **state)
{
    (void)state;
    put("in", "answers.csv",
        "INSTANCEID,FORMTYPE,SUBJECT,WORKER,CONTROLNAME,ANSWERVALUE,ANSWERED\n"
        "A1,CIN,P1,W9,start,01/05/2024,2024-05-01 09:00:00\n"      /* line 2 */
        "A1,CIN,P1,W9,seen,No,2024-05-01 09:00:00\n"
        "B7,OTHER,P1,W9,start,01/01/2020,2024-01-01\n"
        "A2,CIN,P2,W8,start,10/06/2024,2024-06-10\n"               /* line 5 */
        "A1,CIN,P1,W9,seen,Yes,2024-05-03 10:00:00\n"
        "A1,CIN,P1,W9,START,02/05/2024,2024-04-30 08:00:00\n"      /* older: loses */
        "A1,CIN,P1,W9,unused,x,2024-05-09\n"
        "A2,CIN,P2,W8,authorised,bad-date,2024-06-11\n"            /* line 9 */
        ",CIN,P3,W8,start,01/01/2024,2024-01-01\n");
    run r;
    extract(&r, "defaults: { dates: dd/mm/yyyy }\n"
                "entities:\n"
                "  forms:\n"
                "    entity: assessment\n"
                "    file: answers.csv\n"
                "    filter: [{ column: FORMTYPE, include: [CIN] }]\n"
                "    pivot: { key: INSTANCEID, name: CONTROLNAME, value: ANSWERVALUE,\n"
                "             order: ANSWERED, carry: [SUBJECT] }\n"
                "    fields:\n"
                "      id: INSTANCEID\n"
                "      person_id: SUBJECT\n"
                "      worker_id: WORKER\n"           /* a column not in carry: carried too */
                "      start_date: Start\n"
                "      child_seen: seen\n"
                "      authorised_date: authorised\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, assessment), 2);
    const cs_assessment *a = CS_TABLE(&r.m, assessment);
    assert_string_equal(a[0].id, "A1");
    assert_string_equal(a[0].person_id, "P1");
    assert_string_equal(a[0].worker_id, "W9");
    assert_int_equal(a[0].start_date, ymd(2024, 5, 1));  /* latest by order, not by row */
    assert_int_equal(a[0].child_seen, 1);               /* Yes answered later */
    assert_int_equal(a[0].authorised_date, CS_DATE_NONE);
    assert_int_equal(a[0].prov.line, 2);                /* the key's first row */
    assert_string_equal(a[1].id, "A2");
    assert_int_equal(a[1].start_date, ymd(2024, 6, 10));
    assert_int_equal(a[1].prov.line, 5);
    /* the bad answer's finding points at its own row */
    const cs_finding *f = nth_kind(&r, CS_FK_BAD_DATE, 0);
    assert_non_null(f);
    assert_int_equal(f->line, 9);
    assert_string_equal(f->source_id, "A2");
    assert_int_equal(count_kind(&r, CS_FK_MISSING_ID), 1);  /* the keyless row */
    assert_int_equal(r.stats.files[0].records, 2);
    done(&r);

    /* without an order column the later row wins; a missing value column
     * makes the file unusable (X120), not an error */
    put("in", "answers.csv", "K,N,V\nk1,start,01/01/2020\nk1,start,02/02/2020\n");
    extract(&r, "entities:\n"
                "  forms:\n"
                "    entity: assessment\n"
                "    file: answers.csv\n"
                "    pivot: { key: K, name: N, value: V }\n"
                "    fields: { id: K, start_date: start }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_TABLE(&r.m, assessment)[0].start_date, ymd(2020, 2, 2));
    done(&r);
    extract(&r, "entities:\n"
                "  forms:\n"
                "    entity: assessment\n"
                "    file: answers.csv\n"
                "    pivot: { key: K, name: N, value: VALUE, order: WHEN }\n"
                "    fields: { id: K }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, assessment), 0);
    assert_int_equal(count_kind(&r, CS_FK_MISSING_COLUMN), 2);
    done(&r);
}

static void test_split_and_concat(void **state)
{
    (void)state;
    put("in", "az.csv",
        "STEP,PID,DOB_DAY,DOB_MTH,DOB_YR\n"
        "7,100.0,5.0,11,2012\n"
        "7,101,,,\n"
        "8,102,31,2,2013\n"
        ",,1,1,2001\n");
    run r;
    extract(&r, "entities:\n"
                "  person:\n"
                "    file: az.csv\n"
                "    fields:\n"
                "      id: { concat: [STEP, PID], separator: \"-\" }\n"
                "      legacy_id: { concat: [PID, STEP], separator: \"/\" }\n"
                "      birth_date: { day: DOB_DAY, month: DOB_MTH, year: DOB_YR }\n");
    assert_int_equal(r.st, CS_OK);
    const cs_person *p = CS_TABLE(&r.m, person);
    assert_int_equal(CS_COUNT(&r.m, person), 4);
    assert_string_equal(p[0].id, "7-100");
    assert_string_equal(p[0].legacy_id, "100/7");
    assert_int_equal(p[0].birth_date, ymd(2012, 11, 5));
    assert_int_equal(p[1].birth_date, CS_DATE_NONE);   /* all empty: no finding */
    assert_int_equal(p[2].birth_date, CS_DATE_NONE);   /* 31 February */
    assert_int_equal(count_kind(&r, CS_FK_SPLIT_DATE), 1);
    assert_null(p[3].id);                              /* every part empty */
    assert_int_equal(count_kind(&r, CS_FK_MISSING_ID), 1);
    assert_int_equal(nth_kind(&r, CS_FK_MISSING_ID, 0)->line, 5);
    done(&r);
}

static void test_missing_columns_blank_ragged(void **state)
{
    (void)state;
    put("in", "r1.csv",
        "REF_ID,PID,WHEN\n"
        "R1,P1,2024-01-01\n"
        "\n"
        ",,\n"
        "R2,P1\n"
        "R3,P1,2024-01-03,extra\n"
        "\"R4\",\"P\n1\",2024-01-04\n"
        "R5,P1,2024-01-05\n");
    put("in", "r2.csv", "REF_ID,PID,WHEN\nR9,P1,2024-02-01\n");
    run r;
    extract(&r, "entities:\n"
                "  referral:\n"
                "    file: r*.csv\n"
                "    fields: { id: REF_ID, person_id: PID, referral_date: WHEN,\n"
                "              source: SOURCE_CODE, nfa: NFA_FLAG,\n"
                "              closure_reason: { concat: [SOURCE_CODE, PID] } }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, referral), 6);
    const cs_referral *x = CS_TABLE(&r.m, referral);
    assert_null(x[0].source);
    assert_int_equal(x[0].nfa, CS_BOOL_NONE);
    /* one X120 per file and column, whatever the number of rows and fields */
    assert_int_equal(count_kind(&r, CS_FK_MISSING_COLUMN), 4);
    assert_string_equal(nth_kind(&r, CS_FK_MISSING_COLUMN, 0)->original, "SOURCE_CODE");
    assert_int_equal(count_kind(&r, CS_FK_BLANK_ROW), 2);
    assert_int_equal(count_kind(&r, CS_FK_RAGGED_ROW), 2);
    assert_int_equal(nth_kind(&r, CS_FK_RAGGED_ROW, 0)->line, 5);
    assert_int_equal(nth_kind(&r, CS_FK_RAGGED_ROW, 1)->line, 6);
    /* a quoted field across two lines: the record starts on line 7 */
    assert_string_equal(x[3].id, "R4");
    assert_string_equal(x[3].person_id, "P\n1");
    assert_int_equal(x[3].prov.line, 7);
    assert_string_equal(x[4].id, "R5");
    assert_int_equal(x[4].prov.line, 9);
    /* sorted glob: r1 before r2 */
    assert_string_equal(x[5].id, "R9");
    assert_int_equal(r.stats.nfiles, 2);
    assert_non_null(strstr(r.stats.files[1].path, "r2.csv"));
    done(&r);
}

static void test_shared_file_facts_once(void **state)
{
    (void)state;
    put("in", "forms.csv", "K,KIND,P,N,V\nk1,A,p1,x,1\n\nk2,B,p1,x,2,extra\n");
    run r;
    extract(&r, "entities:\n"
                "  person: { file: forms.csv, fields: { id: P, upn: MISSING } }\n"
                "  a:\n"
                "    entity: assessment\n"
                "    file: forms.csv\n"
                "    filter: [{ column: KIND, include: [A] }]\n"
                "    fields: { id: K, person_id: P, team_id: MISSING }\n"
                "  b:\n"
                "    entity: cin_plan\n"
                "    file: forms.csv\n"
                "    filter: [{ column: KIND, include: [B] }]\n"
                "    fields: { id: K, person_id: P }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, assessment), 1);
    assert_int_equal(CS_COUNT(&r.m, cin_plan), 1);
    assert_int_equal(r.stats.nfiles, 3);
    assert_int_equal(r.m.nfiles, 2);                        /* "" and forms.csv */
    assert_int_equal(count_kind(&r, CS_FK_BLANK_ROW), 1);
    assert_int_equal(count_kind(&r, CS_FK_RAGGED_ROW), 1);
    assert_int_equal(count_kind(&r, CS_FK_MISSING_COLUMN), 1);
    assert_int_equal(count_kind(&r, CS_FK_DUPLICATE_ID), 1);  /* person p1 twice */
    done(&r);
}

static void test_duplicates_and_orphans(void **state)
{
    (void)state;
    put("in", "p.csv", "ID\n1\n2\n1\n3\n1\n");
    put("in", "c.csv", "ID,PID\nc1,1\nc2,9\nc3,\nc1,2\n");
    put("in", "t.csv", "ID\nt1\n");
    run r;
    extract(&r, "entities:\n"
                "  person: { file: p.csv, fields: { id: ID } }\n"
                "  contact: { file: c.csv, fields: { id: ID, person_id: PID } }\n"
                "  team: { file: t.csv, fields: { id: ID } }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(count_kind(&r, CS_FK_DUPLICATE_ID), 3);   /* 1 twice more, c1 once */
    const cs_finding *f = nth_kind(&r, CS_FK_DUPLICATE_ID, 0);
    assert_string_equal(f->entity, "person");
    assert_int_equal(f->line, 4);
    assert_non_null(strstr(f->detail, "p.csv:2"));
    assert_int_equal(count_kind(&r, CS_FK_ORPHAN), 1);
    f = nth_kind(&r, CS_FK_ORPHAN, 0);
    assert_string_equal(f->entity, "contact");
    assert_string_equal(f->original, "9");
    assert_string_equal(f->source_id, "c2");
    assert_int_equal(f->line, 3);
    done(&r);

    /* no person map: no orphan check (every contact would be one) */
    extract(&r, "entities:\n  contact: { file: c.csv, fields: { id: ID, person_id: PID } }\n");
    assert_int_equal(count_kind(&r, CS_FK_ORPHAN), 0);
    done(&r);
}

/* Enough rows that the repeat check splits ids into many partitions and
 * person references go through its lookahead: every repeat is reported, in
 * row order, against the row that had the id first; every person_id that
 * names no person is reported, including runs of the same one; X119 comes
 * after every X118. Codes and texts repeated from row to row (which the
 * extract remembers) keep their findings on every row. */
enum { NP = 12000, NC = 12000 };

static void test_checks_at_scale(void **state)
{
    (void)state;
    put("codes", "kind.tsv", "local\tdfe\nvisit\tV\n");
    char path[600];
    snprintf(path, sizeof path, "%s/in/p.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("ID\n", f);
    /* ids in a scrambled order; rows NP.. repeat earlier ids */
    static int pid_of_row[NP + 40];
    for (int i = 0; i < NP; i++)
        pid_of_row[i] = (int)(((long)i * 7919) % NP);
    for (int k = 0; k < 40; k++)
        pid_of_row[NP + k] = pid_of_row[(k * 997) % NP];
    pid_of_row[NP + 39] = pid_of_row[NP + 38];   /* the same repeat twice */
    for (int i = 0; i < NP + 40; i++)
        fprintf(f, "P%d\n", pid_of_row[i]);
    fclose(f);

    snprintf(path, sizeof path, "%s/in/c.csv", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("ID,PID,KIND,NOTE\n", f);
    static char want_orphan[NC];
    for (int i = 0; i < NC; i++) {
        int group = i / 3;                           /* runs of three rows per child */
        char pid[32] = "";
        if (group % 50 == 7)
            snprintf(pid, sizeof pid, "Z%d", group); /* a run naming no person */
        else if (group % 50 != 9)                    /* (9: no person_id at all) */
            snprintf(pid, sizeof pid, "P%d", (group * 31) % NP);
        want_orphan[i] = pid[0] == 'Z';
        fprintf(f, "C%d,%s,%s,note %d\n", i == NC - 1 ? 5 : i, pid,
                i % 2 ? "visit" : "phone", group);
    }
    fclose(f);

    run r;
    extract(&r, "defaults: { codes: codes }\n"
                "entities:\n"
                "  person: { file: p.csv, fields: { id: ID } }\n"
                "  contact:\n"
                "    file: c.csv\n"
                "    fields: { id: ID, person_id: PID, source: { column: KIND, codes: kind },\n"
                "              outcome: NOTE }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, person), NP + 40);
    assert_int_equal(CS_COUNT(&r.m, contact), NC);

    /* X118: the 40 person repeats in row order, then the contact C5 */
    assert_int_equal(count_kind(&r, CS_FK_DUPLICATE_ID), 41);
    size_t k = 0;
    for (int i = 0; i < NP + 40; i++) {
        int first = -1;
        for (int j = 0; j < i && first < 0; j++)
            if (pid_of_row[j] == pid_of_row[i])
                first = j;
        if (first < 0)
            continue;
        const cs_finding *x = nth_kind(&r, CS_FK_DUPLICATE_ID, k++);
        assert_string_equal(x->entity, "person");
        assert_int_equal(x->line, (uint64_t)i + 2);
        char also[64];
        snprintf(also, sizeof also, "p.csv:%d", first + 2);
        assert_non_null(strstr(x->detail, also));
    }
    const cs_finding *x = nth_kind(&r, CS_FK_DUPLICATE_ID, k);
    assert_string_equal(x->entity, "contact");
    assert_string_equal(x->source_id, "C5");
    assert_int_equal(x->line, NC + 1);
    assert_non_null(strstr(x->detail, "c.csv:7"));

    /* X119: every row of every Z run, in order, after every X118 */
    size_t orphans = 0, last_dup = 0, first_orphan = r.fx.count;
    for (size_t i = 0; i < r.fx.count; i++) {
        if (r.fx.items[i].kind == CS_FK_DUPLICATE_ID)
            last_dup = i;
        else if (r.fx.items[i].kind == CS_FK_ORPHAN && first_orphan == r.fx.count)
            first_orphan = i;
    }
    assert_true(last_dup < first_orphan);
    for (int i = 0; i < NC; i++) {
        if (!want_orphan[i])
            continue;
        const cs_finding *o = nth_kind(&r, CS_FK_ORPHAN, orphans++);
        assert_non_null(o);
        assert_int_equal(o->line, (uint64_t)i + 2);
        char zid[32];
        snprintf(zid, sizeof zid, "Z%d", i / 3);
        assert_string_equal(o->original, zid);
    }
    assert_int_equal(count_kind(&r, CS_FK_ORPHAN), orphans);

    /* repeated values: unmapped codes reported on every row, texts intact */
    assert_int_equal(count_kind(&r, CS_FK_UNMAPPED_CODE), NC / 2);
    const cs_contact *c = CS_TABLE(&r.m, contact);
    for (int i = 0; i < NC; i++) {
        char note[32];
        snprintf(note, sizeof note, "note %d", i / 3);
        assert_string_equal(c[i].outcome, note);
        assert_string_equal(c[i].source, i % 2 ? "V" : "PHONE");
        assert_ptr_equal(c[i].source, cs_intern_find(&r.m.codes, c[i].source, strlen(c[i].source)));
    }
    done(&r);
}

static void test_files_missing_and_empty(void **state)
{
    (void)state;
    put("in", "empty.csv", "");
    put("in", "header.csv", "ID\n");
    run r;
    extract(&r, "entities:\n"
                "  person: { file: EMPTY.CSV, fields: { id: ID } }\n"         /* case ignored */
                "  team: { file: header.csv, fields: { id: ID } }\n"
                "  worker: { file: workers_*.csv, optional: true, fields: { id: ID } }\n");
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(count_kind(&r, CS_FK_EMPTY_FILE), 3);
    assert_int_equal(r.stats.nfiles, 2);
    done(&r);

    extract(&r, "entities:\n  person: { file: DM_PERSONS.csv, fields: { id: ID } }\n");
    assert_int_equal(r.st, CS_ERR_IO);
    assert_non_null(strstr(r.d.msg, "no file matching 'DM_PERSONS.csv' in "));
    assert_non_null(strstr(r.d.msg, "for entity person"));
    done(&r);

    /* a malformed CSV stops the run with the file and line */
    put("in", "bad.csv", "ID,NAME\n1,ok\n2,\"never closed\n");
    extract(&r, "entities:\n  person: { file: bad.csv, fields: { id: ID } }\n");
    assert_int_equal(r.st, CS_ERR_FORMAT);
    assert_non_null(strstr(r.d.file, "bad.csv"));
    assert_int_equal(r.d.line, 3);
    done(&r);

    /* the input folder must exist */
    snprintf(in, sizeof in, "%s/no-such-folder", dir);
    extract(&r, "entities:\n  person: { file: p.csv, fields: { id: ID } }\n");
    assert_int_equal(r.st, CS_ERR_IO);
    assert_non_null(strstr(r.d.file, "no-such-folder"));
    done(&r);
    snprintf(in, sizeof in, "%s/in", dir);
}

static void test_fixed_xml_gzip(void **state)
{
    (void)state;
    put("in", "contacts.dat",
        "C000000001  P001      20240105\n"
        "C000000002  P002      \n"
        "C000000003\n");
    put("in", "refs.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Export>\n"
        "  <Referral id=\"R1\"><Child>P001</Child><Date>2024-01-05</Date></Referral>\n"
        "  <Referral id=\"R2\"><Date>2024-02-06</Date><Child>P002</Child><NFA>true</NFA></Referral>\n"
        "</Export>\n");
    char path[600];
    snprintf(path, sizeof path, "%s/in/people.csv.gz", dir);
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    gzputs(gz, "ID;NAME\nP001;Ann\nP002;Bob\n");
    gzclose(gz);
    run r;
    extract(&r, "entities:\n"
                "  person: { file: people.csv.gz, fields: { id: ID, upn: NAME } }\n"
                "  contact:\n"
                "    format: fixed\n"
                "    file: contacts.dat\n"
                "    layout:\n"
                "      - { name: CONTACT_ID, start: 1, width: 12 }\n"
                "      - { name: PERSON_ID, start: 13, width: 10 }\n"
                "      - { name: WHEN, start: 23, width: 8 }\n"
                "    fields: { id: CONTACT_ID, person_id: PERSON_ID, contact_date: WHEN }\n"
                "  referral:\n"
                "    format: xml\n"
                "    record: Referral\n"
                "    file: refs.xml\n"
                "    fields: { id: id, person_id: Child, referral_date: Date, nfa: NFA,\n"
                "              closure_date: Closed }\n");
    if (r.st != CS_OK) {
        char buf[2048];
        print_error("%s\n", cs_diag_format(&r.d, buf, sizeof buf));
    }
    assert_int_equal(r.st, CS_OK);
    assert_int_equal(CS_COUNT(&r.m, person), 2);
    assert_string_equal(CS_TABLE(&r.m, person)[1].upn, "Bob");   /* ';' sniffed, gzip by magic */
    assert_int_equal(CS_COUNT(&r.m, contact), 3);
    const cs_contact *c = CS_TABLE(&r.m, contact);
    assert_string_equal(c[0].id, "C000000001");
    assert_string_equal(c[0].person_id, "P001");
    assert_int_equal(c[0].contact_date, ymd(2024, 1, 5));
    assert_int_equal(c[1].contact_date, CS_DATE_NONE);
    assert_null(c[2].person_id);
    assert_int_equal(c[2].prov.line, 3);
    assert_int_equal(count_kind(&r, CS_FK_RAGGED_ROW), 2);         /* lines 2 and 3 stop early */
    assert_int_equal(CS_COUNT(&r.m, referral), 2);
    const cs_referral *x = CS_TABLE(&r.m, referral);
    assert_string_equal(x[0].id, "R1");
    assert_string_equal(x[0].person_id, "P001");
    assert_int_equal(x[1].referral_date, ymd(2024, 2, 6));
    assert_string_equal(x[1].person_id, "P002");               /* matched by name, not place */
    assert_int_equal(x[1].nfa, 1);
    assert_int_equal(x[0].nfa, CS_BOOL_NONE);
    assert_int_equal(x[1].prov.line, 4);
    /* NFA first appears in the second record: not missing; Closed never does */
    assert_int_equal(count_kind(&r, CS_FK_MISSING_COLUMN), 1);
    assert_string_equal(nth_kind(&r, CS_FK_MISSING_COLUMN, 0)->original, "Closed");
    done(&r);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_dump_and_findings_csv(void **state)
{
    (void)state;
    put("in", "p.csv", "ID,NAME,DOB,M\n1,\"Smith, \"\"Jo\"\"\",2015-02-01,1\n2,Lee,,\n2,X,,\n");
    run r;
    extract(&r, "entities:\n"
                "  person: { file: p.csv, fields: { id: ID, upn: NAME, birth_date: DOB, is_mother: M } }\n");
    assert_int_equal(r.st, CS_OK);
    char out[400], path[500];
    snprintf(out, sizeof out, "%s/dump", dir);
    assert_int_equal(cs_model_dump(&r.m, out, &r.d), CS_OK);
    struct stat sb;
    assert_int_equal(stat(out, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(path, sizeof path, "%s/person.csv", out);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    const char *text = slurp(path);
    assert_non_null(strstr(text, "id,legacy_id,upn,"));
    assert_non_null(strstr(text, ",_file,_line\r\n"));
    assert_non_null(strstr(text, "1,,\"Smith, \"\"Jo\"\"\",,,,,,2015-02-01,,,1,"));
    assert_non_null(strstr(text, "p.csv,2\r\n"));
    snprintf(path, sizeof path, "%s/referral.csv", out);
    assert_int_not_equal(stat(path, &sb), 0);            /* empty entities are not written */
    /* again into the existing folder, over a file with loose permissions */
    snprintf(path, sizeof path, "%s/person.csv", out);
    chmod(path, 0644);
    assert_int_equal(cs_model_dump(&r.m, out, &r.d), CS_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* a file in the way of the folder */
    assert_int_equal(cs_model_dump(&r.m, path, &r.d), CS_ERR_IO);

    snprintf(path, sizeof path, "%s/findings.csv", dir);
    assert_int_equal(cs_findings_write_csv(&r.fx, path, &r.d), CS_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    text = slurp(path);
    assert_non_null(strstr(text, "code,severity,file,line,column,entity,field,source_id,"
                                 "original,repaired,message\r\n"));
    assert_non_null(strstr(text, "X118,error,"));
    assert_non_null(strstr(text, ",4,,person,id,2,2,,Identifier appears on more than one record: also at "));
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_typed_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pivot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_and_concat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_columns_blank_ragged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_file_facts_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_and_orphans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checks_at_scale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_missing_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fixed_xml_gzip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump_and_findings_csv, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
