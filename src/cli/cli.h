/* The command-line layer: the only code that prints diagnostics and exits.
 * Exit statuses: 0 done, 1 operational failure, 2 usage error, 3 --strict
 * with error findings. */
#ifndef CS_CLI_CLI_H
#define CS_CLI_CLI_H

#include <stdio.h>

#include "util/diag.h"

enum { CS_EXIT_OK = 0, CS_EXIT_FAIL = 1, CS_EXIT_USAGE = 2, CS_EXIT_STRICT = 3 };

typedef struct {
    const char *name;
    const char *summary;                  /* one line for `cscdw --help` */
    int (*run)(int argc, char **argv);    /* argv[0] is the command name */
} cs_command;

/* Print "cscdw: <formatted diag>" to stderr and return the exit status that
 * fits the diag's status (usage -> 2, everything else -> 1). */
int cs_cli_fail(const cs_diag *d);
/* Print "cscdw COMMAND: message" + a hint to run --help; return 2. */
int cs_cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* True when stderr is a terminal (progress bars are shown only then). */
int cs_cli_stderr_is_tty(void);

/* Commands (src/cli/cmd_*.c) */
int cs_cmd_extract(int argc, char **argv);
int cs_cmd_inspect(int argc, char **argv);
int cs_cmd_synth(int argc, char **argv);
int cs_cmd_warehouse(int argc, char **argv);
int cs_cmd_run(int argc, char **argv);
int cs_cmd_load(int argc, char **argv);
int cs_cmd_rules(int argc, char **argv);
/* Annex A (cmd_annexa.c), for the emit and validate dispatch: `emit annexa ...`
 * and `validate --return annexa PATH` (argv as the command received it). */
int cs_cmd_emit_annexa(int argc, char **argv);
int cs_cmd_validate_annexa(int argc, char **argv);
int cs_cmd_validate(int argc, char **argv);
int cs_cmd_emit(int argc, char **argv);

#endif
