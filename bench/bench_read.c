/* bench_read FILE [encoding]: streams FILE through the text source and the
 * CSV reader and prints throughput, records per second and peak memory.
 * Throughput is given on CPU time (user + system: the work of one core, not
 * disturbed by other processes) and on wall time. The last line is
 * machine-readable for bench/10-read.sh:
 *   bytes=<decoded input bytes> cpu=<s> wall=<s> records=<n> fields=<n> rss_kb=<peak> */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "io/source.h"
#include "read/csv.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(struct rusage *ru)
{
    getrusage(RUSAGE_SELF, ru);
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_read FILE [encoding]\n");
        return 2;
    }
    cs_encoding enc = CS_ENC_AUTO;
    if (argc == 3) {
        int e = cs_encoding_parse(argv[2]);
        if (e < 0) {
            fprintf(stderr, "bench_read: unknown encoding %s\n", argv[2]);
            return 2;
        }
        enc = (cs_encoding)e;
    }
    cs_diag d;
    cs_diag_clear(&d);
    char msg[2048];
    struct rusage ru;
    double t0 = now(), c0 = cpu_seconds(&ru);
    cs_bytesrc *bytes;
    cs_textsrc *text;
    cs_csv *csv;
    if (cs_bytesrc_open(&bytes, argv[1], &d) != CS_OK ||
        cs_textsrc_open(&text, bytes, enc, CS_INVALID_ERROR, NULL, &d) != CS_OK ||
        cs_csv_open(&csv, text, NULL, &d) != CS_OK) {
        fprintf(stderr, "bench_read: %s\n", cs_diag_format(&d, msg, sizeof msg));
        return 1;
    }
    int gzip = cs_bytesrc_is_gzip(bytes);
    cs_encoding used = cs_textsrc_encoding(text);
    cs_record rec;
    cs_status st;
    unsigned long long records = 0, fields = 0, checksum = 0;
    while ((st = cs_csv_next(csv, &rec, &d)) == CS_OK) {
        records++;
        fields += rec.nfields;
        checksum += rec.fields[rec.nfields - 1].len;   /* touch the data */
    }
    uint64_t nbytes = cs_bytesrc_offset(bytes);
    double wall = now() - t0, cpu = cpu_seconds(&ru) - c0;
    if (st != CS_EOF) {
        fprintf(stderr, "bench_read: %s\n", cs_diag_format(&d, msg, sizeof msg));
        cs_csv_close(csv);
        return 1;
    }
    cs_csv_close(csv);
    printf("%s (%s%s): %llu records, %.1f MB; CPU %.3f s: %.1f MB/s, %.0f records/s; "
           "wall %.3f s: %.1f MB/s; peak RSS %.1f MiB\n",
           argv[1], cs_encoding_name(used), gzip ? ", gzip" : "", records, nbytes / 1e6, cpu,
           nbytes / 1e6 / cpu, records / cpu, wall, nbytes / 1e6 / wall, ru.ru_maxrss / 1024.0);
    printf("bytes=%llu cpu=%.6f wall=%.6f records=%llu fields=%llu rss_kb=%ld check=%llu\n",
           (unsigned long long)nbytes, cpu, wall, records, fields, ru.ru_maxrss, checksum);
    return 0;
}
