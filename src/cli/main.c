/* cscdw: entry point and command dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const cs_command commands[] = {
    {"synth", "write a synthetic local authority's extracts as a case system would", cs_cmd_synth},
    {"extract", "read a source system's extracts into the canonical model", cs_cmd_extract},
    {"inspect", "say what a file holds (encoding, columns, records) or where it is broken", cs_cmd_inspect},
    {"run", "run a job: extracts to returns, exception lists and warehouse", cs_cmd_run},
    {"load", "extract, validate and load one LA's extract into the warehouse", cs_cmd_load},
    {"warehouse", "create, start, stop, migrate or query the warehouse", cs_cmd_warehouse},
    {"rules", "list, explain and check rule files (the DfE and local checks)", cs_cmd_rules},
    {"validate", "validate a CIN or SSDA903 return file and write its exception list", cs_cmd_validate},
    {"emit", "extract, build, validate and write a CIN or SSDA903 return", cs_cmd_emit},
};

static void usage(FILE *out)
{
    fprintf(out,
            "cscdw %s — children's social care data warehouse\n"
            "\n"
            "Usage: cscdw COMMAND [OPTIONS]\n"
            "       cscdw COMMAND --help\n"
            "\n"
            "Commands:\n",
            CS_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "Exit status: 0 done, 1 operational failure, 2 usage error,\n"
            "3 (with --strict) error-severity findings exist.\n"
            "See cscdw(1) and README.md.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CS_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CS_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("cscdw %s\n", CS_VERSION);
        return CS_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "cscdw: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CS_EXIT_USAGE;
}
