/* placeholder until the extract command lands (helper replaces this file) */
#include "cli/cli.h"
int cs_cmd_extract(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cscdw extract: not built yet\n");
    return CS_EXIT_FAIL;
}
