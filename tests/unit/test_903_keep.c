/* Keeping a built 903 return for the warehouse: the year's CSV tables in
 * memory, byte for byte as the writer writes them (written aside into a
 * temporary folder that is removed after, or read from the folder the run
 * wrote), with their row counts, reading back as the same dataset. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/built_903.h"
#include "unit/s903_test.h"

#define GOOD "tests/data/ssda903/csv-2025-26"

static cs_903_year y2526(void)
{
    cs_903_year y;
    assert_int_equal(cs_903_year_parse("2025-26", &y, NULL), CS_OK);
    return y;
}

static size_t entries(const char *dir)
{
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL)
        n += e->d_name[0] != '.';
    closedir(dh);
    return n;
}

static void read_good(cs_dataset *ds)
{
    cs_903_year y = y2526();
    cs_diag d;
    assert_int_equal(cs_903_read_csv_dir(src_path(GOOD), &y, ds, NULL, &d), CS_OK);
}

static void assert_reads_back(const cs_built_903 *b, const cs_dataset *want)
{
    cs_903_mem_file files[CS_903_NTABLES];
    for (size_t i = 0; i < b->wh.nfiles; i++)
        files[i] = (cs_903_mem_file){b->files[i].file, b->files[i].data, b->files[i].len};
    cs_dataset got;
    cs_diag d;
    assert_int_equal(cs_903_read_csv_mem(files, b->wh.nfiles, &b->year, &got, NULL, &d), CS_OK);
    /* the year's tables (the test folder also has a DoLo table, from 2026-27) */
    for (int g = 0; g < CS_903_NGROUPS; g++)
        if (g < CS_903_FIRST_TABLE || cs_903_table_in_year(cs_903_table_of(g), &b->year))
            assert_int_equal(cs_ds_count(&got, g), cs_ds_count(want, g));
    assert_int_equal(cs_ds_count(&got, CS_903_G_DOLO), 0);
    uint32_t n = cs_ds_count(want, CS_903_G_EPISODES);
    for (uint32_t r = 0; r < n; r++)
        for (int f = 0; f < CS_903_E_PL_LA; f++)
            assert_string_equal(val(&got, CS_903_G_EPISODES, r, f),
                                val(want, CS_903_G_EPISODES, r, f));
    cs_ds_free(&got);
}

static void test_kept_aside_in_memory(void **state)
{
    (void)state;
    char tmp[] = "/tmp/test903keep.XXXXXX";
    assert_non_null(mkdtemp(tmp));
    setenv("TMPDIR", tmp, 1);
    cs_dataset ds, want;
    read_good(&ds);
    read_good(&want);
    cs_903_year y = y2526();
    cs_built_903 b;
    cs_diag d;
    assert_int_equal(cs_built_903_keep(&b, &ds, &y, NULL, "mosaic", &d), CS_OK);
    assert_int_equal(entries(tmp), 0);   /* the folder written aside is gone */
    /* every table of the year, named as written, with its rows */
    assert_int_equal(b.wh.nfiles, 11);   /* 2025-26: no DoLo yet */
    assert_string_equal(b.wh.name, "ssda903");
    assert_string_equal(b.wh.year, "2025-26");
    assert_ptr_equal(b.wh.episodes, &b.ds);
    int seen = 0;
    for (size_t i = 0; i < b.wh.nfiles; i++) {
        const cs_wh_return_file *f = &b.wh.files[i];
        assert_true(f->len > 0);
        if (strcmp(f->file, "episodes.csv") == 0) {
            seen = 1;
            assert_string_equal(f->table, "Episodes");
            assert_int_equal(f->rows, cs_ds_count(&want, CS_903_G_EPISODES));
            assert_memory_equal(f->data, "CHILD,DECOM,", 12);
        }
    }
    assert_true(seen);
    assert_reads_back(&b, &want);
    cs_built_903_free(&b);
    cs_built_903_free(&b);   /* twice is fine */
    cs_ds_free(&want);
    rmdir(tmp);
    unsetenv("TMPDIR");
}

static void test_kept_from_written_folder(void **state)
{
    (void)state;
    char dir[] = "/tmp/test903keep.XXXXXX";
    assert_non_null(mkdtemp(dir));
    cs_dataset ds, want;
    read_good(&ds);
    read_good(&want);
    cs_903_year y = y2526();
    cs_diag d;
    assert_int_equal(cs_903_write_csv(&ds, dir, &y, &d), CS_OK);
    cs_built_903 b;
    assert_int_equal(cs_built_903_keep(&b, &ds, &y, dir, NULL, &d), CS_OK);
    /* the bytes are the written file's */
    char path[256];
    snprintf(path, sizeof path, "%s/header.csv", dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    int seen = 0;
    for (size_t i = 0; i < b.wh.nfiles; i++)
        if (strcmp(b.files[i].file, "header.csv") == 0) {
            seen = 1;
            assert_int_equal(b.files[i].len, n);
            assert_memory_equal(b.files[i].data, buf, n);
        }
    assert_true(seen);
    assert_reads_back(&b, &want);
    cs_built_903_free(&b);
    cs_ds_free(&want);
    /* a folder without the tables: an error naming the file, nothing kept */
    for (size_t i = 0; i < CS_903_NTABLES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, cs_903_table_at(i)->file);
        unlink(path);
    }
    read_good(&ds);
    cs_diag_clear(&d);
    assert_int_equal(cs_built_903_keep(&b, &ds, &y, dir, NULL, &d), CS_ERR_IO);
    assert_non_null(strstr(d.file, dir));
    assert_int_equal(b.have, 0);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept_aside_in_memory),
        cmocka_unit_test(test_kept_from_written_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
