/* placeholder until the synth command lands (helper replaces this file) */
#include "cli/cli.h"
int cs_cmd_synth(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "cscdw synth: not built yet\n");
    return CS_EXIT_FAIL;
}
