#include "cli/cli.h"

#include <stdarg.h>
#include <unistd.h>

int cs_cli_fail(const cs_diag *d)
{
    char buf[2048];
    fprintf(stderr, "cscdw: %s\n", cs_diag_format(d, buf, sizeof buf));
    return d->status == CS_ERR_USAGE ? CS_EXIT_USAGE : CS_EXIT_FAIL;
}

int cs_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cscdw %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'cscdw %s --help' for usage.\n", command);
    return CS_EXIT_USAGE;
}

int cs_cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO);
}
