/* Reading SSDA903 CSV tables held in memory (as the warehouse stores last
 * year's return): the same dataset as reading the files, gzip recognised by
 * its magic bytes, and the same stops as for files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "unit/s903_test.h"

#define GOOD "tests/data/ssda903/csv-2025-26"

typedef struct {
    cs_903_mem_file files[32];
    char names[32][256];
    char *data[32];
    size_t n;
} mem_set;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static int candidate(const struct dirent *e)
{
    return e->d_name[0] != '.' && !strstr(e->d_name, ".md");
}

/* Every file of the folder the dir reader would read, in its order. */
static void load_dir(mem_set *m, const char *dir)
{
    struct dirent **list;
    int n = scandir(dir, &list, candidate, alphasort);
    assert_true(n > 0 && n <= 32);
    m->n = 0;
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        snprintf(m->names[m->n], sizeof m->names[0], "%s", list[i]->d_name);
        m->data[m->n] = slurp(path, &m->files[m->n].len);
        m->files[m->n].name = m->names[m->n];
        m->files[m->n].data = m->data[m->n];
        m->n++;
        free(list[i]);
    }
    free(list);
}

static void mem_free(mem_set *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->data[i]);
}

static void assert_same_dataset(const cs_dataset *a, const cs_dataset *b)
{
    for (int g = 0; g < CS_903_NGROUPS; g++) {
        assert_int_equal(cs_ds_count(a, g), cs_ds_count(b, g));
        uint32_t nf = cs_903_schema.groups[g].nfields;
        for (uint32_t r = 0; r < cs_ds_count(a, g); r++)
            for (uint32_t f = 0; f < nf; f++) {
                assert_int_equal(kind(a, g, r, (int)f), kind(b, g, r, (int)f));
                assert_string_equal(val(a, g, r, (int)f), val(b, g, r, (int)f));
            }
    }
}

static cs_903_year y2526(void)
{
    cs_903_year y;
    assert_int_equal(cs_903_year_parse("2025-26", &y, NULL), CS_OK);
    return y;
}

static void test_memory_reads_as_the_files(void **state)
{
    (void)state;
    cs_903_year y = y2526();
    cs_diag d;
    cs_dataset a, b;
    assert_int_equal(cs_903_read_csv_dir(src_path(GOOD), &y, &a, NULL, &d), CS_OK);
    mem_set m;
    load_dir(&m, src_path(GOOD));
    cs_findings f;
    cs_findings_init(&f);
    assert_int_equal(cs_903_read_csv_mem(m.files, m.n, &y, &b, &f, &d), CS_OK);
    assert_true(cs_ds_count(&b, CS_903_G_EPISODES) > 0);
    assert_same_dataset(&a, &b);
    /* findings name the in-memory file by its name */
    int named = 0;
    for (size_t i = 0; i < f.count; i++)
        named |= f.items[i].file && strcmp(f.items[i].file, "notes.txt") == 0;
    assert_true(named);
    cs_findings_free(&f);
    cs_ds_free(&a);
    cs_ds_free(&b);
    mem_free(&m);
}

static void test_gzip_in_memory(void **state)
{
    (void)state;
    cs_903_year y = y2526();
    cs_diag d;
    mem_set m;
    load_dir(&m, src_path(GOOD));
    cs_dataset a, b;
    assert_int_equal(cs_903_read_csv_mem(m.files, m.n, &y, &a, NULL, &d), CS_OK);
    /* every file gzip-compressed in memory (uasc.csv.gz is already) */
    for (size_t i = 0; i < m.n; i++) {
        if (strstr(m.names[i], ".gz"))
            continue;
        z_stream z = {0};
        assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
        size_t cap = deflateBound(&z, m.files[i].len) + 32;
        char *out = malloc(cap);
        z.next_in = (unsigned char *)m.data[i];
        z.avail_in = (unsigned)m.files[i].len;
        z.next_out = (unsigned char *)out;
        z.avail_out = (unsigned)cap;
        assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
        m.files[i].len = z.total_out;
        deflateEnd(&z);
        free(m.data[i]);
        m.data[i] = out;
        m.files[i].data = out;
    }
    assert_int_equal(cs_903_read_csv_mem(m.files, m.n, &y, &b, NULL, &d), CS_OK);
    assert_same_dataset(&a, &b);
    cs_ds_free(&a);
    cs_ds_free(&b);
    mem_free(&m);
}

static void test_no_table_in_memory(void **state)
{
    (void)state;
    cs_903_year y = y2526();
    cs_diag d;
    cs_diag_clear(&d);
    static const char text[] = "A,B\n1,2\n";
    cs_903_mem_file f = {"stored.csv", text, sizeof text - 1};
    cs_dataset ds;
    assert_int_equal(cs_903_read_csv_mem(&f, 1, &y, &ds, NULL, &d), CS_ERR_FORMAT);
    assert_non_null(strstr(d.msg, "SSDA903 table"));
    assert_non_null(strstr(d.file, "stored.csv"));
    /* a truncated gzip stream stops with the file's name */
    static const unsigned char gz[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c};
    cs_903_mem_file g = {"episodes.csv", gz, sizeof gz};
    cs_diag_clear(&d);
    assert_int_not_equal(cs_903_read_csv_mem(&g, 1, &y, &ds, NULL, &d), CS_OK);
    assert_non_null(strstr(d.file, "episodes.csv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_reads_as_the_files),
        cmocka_unit_test(test_gzip_in_memory),
        cmocka_unit_test(test_no_table_in_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
