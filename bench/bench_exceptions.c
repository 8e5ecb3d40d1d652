/* bench_exceptions [ROWS] [OUT.csv]: writes an exception list of ROWS rows
 * (default 1,000,000) shaped like a 903 validation's (child ids, episode
 * records, URN values, a few rules' messages, one with quotes, the source
 * file and line) as CSV, 5 times, and prints the best CPU (user + system)
 * and wall time of one write and the file's size. The last line is
 * machine-readable for bench/45-exceptions.sh:
 *   rows=<n> bytes=<file size> cpu=<s> wall=<s> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "report/exceptions.h"

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    size_t rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    const char *path = argc > 2 ? argv[2] : "/tmp/cscdw-bench-exceptions.csv";
    static const char *const messages[] = {
        "Ofsted URN doesn't match the placement type", "Ofsted URN not valid",
        "Duplicate UPN reported", "Give either the date of birth, or the \"expected\" one"};
    static const char *const rules[] = {"219", "1008", "444", "8525Q"};
    cs_exception_list l;
    cs_exceptions_init(&l, "20261203T131049Z-999-ab12");
    for (size_t i = 0; i < rows; i++) {
        char child[32], record[32], values[64];
        snprintf(child, sizeof child, "%02zu%07zu", i % 50, 1000000 + i / 50);
        snprintf(record, sizeof record, "Episodes[%zu]", 1 + i % 4);
        snprintf(values, sizeof values, "%zu;U6", 2072000 + i % 900);
        size_t r = (i / 1000) % 4;   /* findings come rule by rule */
        cs_exception e = {.return_name = "ssda903", .year = "2025-26", .rule = rules[r],
                          .severity = CS_SEV_ERROR, .message = messages[r], .child_id = child,
                          .record = record, .fields = "URN;PLACE", .values = values,
                          .source_file = "/data/903/2025-26/episodes.csv",
                          .source_line = (uint32_t)(i + 2)};
        cs_exceptions_add(&l, &e);
    }
    double best_cpu = 1e30, best_wall = 1e30;
    for (int run = 0; run < 5; run++) {
        double c0 = cpu_now(), w0 = wall_now();
        cs_diag d;
        if (cs_exceptions_write_csv(&l, path, &d) != CS_OK) {
            fprintf(stderr, "bench_exceptions: %s\n", d.msg);
            return 1;
        }
        double c = cpu_now() - c0, w = wall_now() - w0;
        best_cpu = c < best_cpu ? c : best_cpu;
        best_wall = w < best_wall ? w : best_wall;
    }
    struct stat st;
    long long bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
    remove(path);
    cs_exceptions_free(&l);
    printf("rows=%zu bytes=%lld cpu=%.3f wall=%.3f\n", rows, bytes, best_cpu, best_wall);
    return 0;
}
