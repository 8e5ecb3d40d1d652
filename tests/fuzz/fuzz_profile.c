/* libFuzzer target: bytes as a YAML source profile. The profile sits in a
 * scratch folder beside a parent profile (extends: base.yaml) and a code
 * table (codes: sex), so merging and code loading are reached too. Every
 * input must load or fail with a diagnostic; nothing may crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/profile.h"

static char profile_path[256];
static char scratch[128];

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

static void cleanup(void)
{
    char path[300];
    const char *files[] = {"sources/base.yaml", "codes/sex.tsv"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", scratch, files[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/sources", scratch);
    rmdir(path);
    snprintf(path, sizeof path, "%s/codes", scratch);
    rmdir(path);
    rmdir(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(scratch, sizeof scratch, "/tmp/cscdw-fuzz-profile-XXXXXX");
    if (!mkdtemp(scratch))
        abort();
    char path[300];
    snprintf(path, sizeof path, "%s/sources", scratch);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/codes", scratch);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/codes/sex.tsv", scratch);
    write_text(path, "local\tdfe\nMale\tM\nFemale\tF\n*\t=\n");
    snprintf(path, sizeof path, "%s/sources/base.yaml", scratch);
    write_text(path, "profile: base\nsystem: fuzz\n"
                     "entities:\n"
                     "  person:\n"
                     "    file: P.csv\n"
                     "    fields: { id: ID, sex: { column: S, codes: sex } }\n"
                     "  referral: { file: R.csv, fields: { id: RID, person_id: ID } }\n");
    snprintf(profile_path, sizeof profile_path, "%s/sources/fuzz.yaml", scratch);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_profile *p = NULL;
    cs_diag d;
    cs_diag_clear(&d);
    cs_status st = cs_profile_parse(&p, profile_path, (const char *)data, size, &d);
    if (st == CS_OK) {
        if (!p || p->nentities == 0)
            abort();
        for (size_t i = 0; i < p->nentities; i++)
            if (!p->entities[i].entity || !p->entities[i].file || p->entities[i].nfields == 0)
                abort();
    } else if (p || d.msg[0] == '\0') {
        abort();
    }
    cs_profile_free(p);
    return 0;
}
