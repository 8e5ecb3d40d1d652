/* placeholder */
#include "synth/gen_internal.h"
void syn_inject_defects(syn_ctx *c, syn_child *ch) { (void)c; (void)ch; }
