/* Internals shared by the checker, compiler, VM and loader: the compiled
 * rule, the bytecode, the VM value and the rule set itself. */
#ifndef CS_RULES_INTERNAL_H
#define CS_RULES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "rules/ast.h"
#include "rules/codelist.h"
#include "rules/pattern.h"
#include "rules/reftable.h"
#include "rules/rules.h"

/* ---- values ------------------------------------------------------------ */

/* The first six kinds are cs_vkind's, so a dataset cell loads by copying. */
enum { VK_ABSENT = CS_V_ABSENT, VK_INVALID = CS_V_INVALID, VK_DATE = CS_V_DATE,
       VK_INT = CS_V_INT, VK_STR = CS_V_STR, VK_BOOL = CS_V_BOOL, VK_ROW = 6,
       VK_UNSET = 7 /* a let not yet worked out for the row */ };

typedef struct {
    uint8_t kind;
    uint8_t ds;          /* rows: 0 this return, 1 last year's */
    int16_t g;           /* rows: group */
    int32_t i;           /* date, int, bool, row index; range cursor */
    const char *s;       /* strings, raw text of invalid values */
} cs_vval;

/* ---- bytecode ---------------------------------------------------------- */

/* Every opcode once, with the operand that holds a code address ('a', 'b'
 * or 0), so the VM's dispatch table, the enum and the relocation of
 * programs cannot drift apart. "Pops" counts values taken off the stack;
 * branches (J...) jump to a when their test comes out as u says (u = 1:
 * jump when true). */
#define CS_OPCODES(X) \
    X(OP_PUSH_CONST, 0)         /* a = constant */ \
    X(OP_PUSH_ABSENT, 0) \
    X(OP_PUSH_BOOL, 0)          /* a = 0/1 */ \
    X(OP_PUSH_INT, 0)           /* a */ \
    X(OP_THIS, 0) \
    X(OP_ROOT, 0) \
    X(OP_LAST, 0) \
    X(OP_CONTEXT, 0)            /* a = cs_ctx_id */ \
    X(OP_LOAD, 0)               /* a = slot */ \
    X(OP_STORE, 0)              /* a = slot (pops) */ \
    X(OP_POP, 0) \
    X(OP_THIS_FIELD, 0)         /* a = field of the rule's group */ \
    X(OP_THIS_PRESENT, 0)       /* a = field of the rule's group: pushes present(it) = u */ \
    X(OP_LOCAL_FIELD, 0)        /* a = slot holding a row, b = field */ \
    X(OP_FIELD, 0)              /* pops a row; a = field */ \
    X(OP_UP, 0)                 /* pops a row; a = ancestor group */ \
    X(OP_PREV, 0)               /* pops a row */ \
    X(OP_NEXT, 0)               /* pops a row */ \
    X(OP_HEADER, 0)             /* a = dataset: pushes its header row */ \
    X(OP_RANGE, 0)              /* pops a row; a = slot, b = path; u = 1 for a reversed walk */ \
    X(OP_RANGE_ALL, 0)          /* a = slot, b = group (rows of a root group); u = reversed | dataset << 1 */ \
    X(OP_ITER, 'b')             /* a = slot; b = jump target when done */ \
    X(OP_RANGE_SIZE, 0)         /* a = slot of a forward range: pushes how many rows it has */ \
    X(OP_INDEX, 0)              /* pops n; a = slot of a range: pushes its n-th row (n < 0: from the end) */ \
    X(OP_JMP, 'a')              /* a = target */ \
    X(OP_J, 'a')                /* pops; jumps to a when (top is true) = u */ \
    X(OP_J_THIS_PRESENT, 'a')   /* b = field of the rule's group: jumps to a when present(it) = u */ \
    X(OP_J_PRESENT, 'a')        /* pops; jumps to a when present(top) = u */ \
    X(OP_J_THIS_STEP, 'a')      /* b = -1 (prev) or 1 (next) of the rule's row: jumps to a when it exists = u */ \
    X(OP_J_CMP, 'a')            /* pops two; b = cmp_kind | comparison << 8: jumps to a when it holds = u */ \
    X(OP_J_THIS_CMP, 'a')       /* b = field of the rule's group, c = constant: jumps to a when */ \
                                /* (field cmp constant, operands of kind) = u */ \
    X(OP_J_THIS_IN, 'a')        /* b = field of the rule's group, c = set or code list (cmp = */ \
                                /* cs_in_kind), kind = negated: jumps to a when (field in c) = u */ \
    X(OP_AND_JF, 'a')           /* short-circuit and: if top is not true, leave false and jump */ \
    X(OP_OR_JT, 'a')            /* short-circuit or: if top is true, leave true and jump */ \
    X(OP_TOBOOL, 0)             /* top := true/false (absent -> false) */ \
    X(OP_NOT, 0) \
    X(OP_CMP, 0)                /* u = comparison (cs_tok_kind), b = operand kind (cmp_kind) */ \
    X(OP_CMP_CONST, 0)          /* top := top compared with constant a; u, b as OP_CMP */ \
    X(OP_ARITH, 0)              /* u = operator (cs_tok_kind), b = arith kind */ \
    X(OP_NEG, 0) \
    X(OP_IN_SET, 0)             /* a = set; u = negated */ \
    X(OP_IN_CODELIST, 0)        /* a = code list; u = negated */ \
    X(OP_IN_TABLE, 0)           /* a = table; u = negated */ \
    X(OP_CALL, 0)               /* a = builtin, b = argc */ \
    X(OP_PRESENT, 0) \
    X(OP_ABSENT, 0) \
    X(OP_VALID, 0) \
    X(OP_INVALID, 0) \
    X(OP_COALESCE, 0)           /* b = argc: first valid of the top b values */ \
    X(OP_INC, 0)                /* a = slot (int) */ \
    X(OP_ACC, 0)                /* pops a value into slot a; u = AGG_MIN/AGG_MAX/AGG_SUM */ \
    X(OP_DSET_CLEAR, 0)         /* a = distinct set */ \
    X(OP_DSET_ADD, 0)           /* pops; a = distinct set */ \
    X(OP_DSET_COUNT, 0)         /* a = distinct set */ \
    X(OP_COUNT_EQ, 0)           /* pops a value; a = equality index: how many rows hold it */ \
    X(OP_MATCH, 0)              /* pops a string; a = pattern */ \
    X(OP_LOOKUP, 0)             /* pops a key; a = table, b = column */ \
    X(OP_CACHED, 'b')           /* a = cache slot: if filled, push it and jump to b */ \
    X(OP_CACHE_SET, 0)          /* a = cache slot: remember the top of the stack for the run */ \
    X(OP_UNSET, 0)              /* a = slot of a let: not yet worked out for this row */ \
    X(OP_LET, 'b')              /* a = slot of a let: if worked out, push it and jump to b */ \
    X(OP_LET_SET, 0)            /* a = slot of a let: keep the top of the stack there */ \
    X(OP_MEMO, 'b')             /* a = memo, u = keys on the stack: if the define's last call */ \
                                /* had them, pop them, push its value and jump to b; else note them */ \
    X(OP_MEMO_SET, 0)           /* a = memo: remember the top as the value for the noted keys */ \
    X(OP_RET_BOOL, 0)           /* the rule's answer is a (1: it fails for the row) */ \
    X(OP_RULE_END, 'a')         /* in a group's program: rule b's answer is u; on to the next rule at a */ \
    X(OP_GROUP_END, 0)          /* in a group's program: every rule has run on the row */

#define CS_OP_ENUM(op, target) op,
typedef enum { CS_OPCODES(CS_OP_ENUM) OP__COUNT } cs_opcode;
#undef CS_OP_ENUM

/* Which operand of an instruction is a code address (to move programs):
 * 'a', 'b', or 0 for none; the second column of CS_OPCODES. */
static inline char cs_op_target(cs_opcode op)
{
#define CS_OP_TARGET(op, target) target,
    static const char targets[OP__COUNT] = {CS_OPCODES(CS_OP_TARGET)};
#undef CS_OP_TARGET
    return targets[op];
}

/* A define whose value depends only on its arguments remembers its last
 * arguments and value (one memo per define, shared by its calls): rows of
 * one child come together, so f(Child) is worked out once per child rather
 * than once per row and rule, f(this) once per row rather than per rule. */
enum { CS_MEMO_MAX_ARGS = 5 };   /* keys: the arguments, and `last` if read */

typedef enum { CK_NUM, CK_STR, CK_BOOL, CK_ROW } cs_cmp_kind;
typedef enum { AK_INT, AK_DATE_INT, AK_DATE_DATE } cs_arith_kind;

typedef struct {
    uint8_t op;
    uint8_t u;
    uint8_t cmp, kind;   /* fused tests: comparison (cs_tok_kind) and operand kind */
    int32_t a, b, c;
} cs_instr;

/* A group path for OP_RANGE: from a base group down to a target group. */
typedef struct {
    int16_t groups[16];   /* groups below the base, top-down */
    uint8_t n;
} cs_gpath;

/* Inline sets {"A", "B"}; a few strings are also kept in a list, which a
 * scan answers faster than hashing the value. */
enum { CS_SET_SCAN_MAX = 8 };
typedef struct {
    cs_strmap strs;
    const char **scan;   /* the strings when there are at most CS_SET_SCAN_MAX, else NULL */
    uint32_t nscan;
    int32_t *nums;       /* ints and dates */
    uint32_t nnums;
} cs_set;

/* Index for count(x in G where x.F = v) over a whole return. */
typedef struct {
    int16_t group;
    int16_t field;
    uint8_t ds;
} cs_eqindex_spec;

/* ---- compiled rules and the rule set ---------------------------------- */

typedef struct {
    cs_rule pub;
    cs_instr *code;
    uint32_t ncode;
    uint32_t nlocals;
    uint32_t max_stack;
    int32_t *tables;     /* reference table indexes it needs */
    int *let_slots;      /* slot of each let, in order */
} cs_crule;

typedef struct {
    const char *name;
    const cs_ast_define *def;   /* from the most recent folder that defines it */
} cs_define_ent;

struct cs_ruleset {
    cs_arena arena;
    const cs_ds_schema *schema;
    const char *year;
    const char *ret;
    cs_date period_start, period_end;

    cs_crule **rules;
    size_t nrules, rules_cap;

    cs_vval *consts;
    uint32_t nconsts, consts_cap;
    cs_set *sets;
    uint32_t nsets, sets_cap;
    cs_codelist *codelists;
    uint32_t ncodelists, codelists_cap;
    cs_reftable *tables;
    uint32_t ntables, tables_cap;
    cs_gpath *paths;
    uint32_t npaths, paths_cap;
    cs_pattern *patterns;
    uint32_t npatterns, patterns_cap;
    cs_eqindex_spec *eqindexes;
    uint32_t neqindexes, eqindexes_cap;
    int16_t *dsets;            /* distinct sets: the group whose rows feed each */
    uint32_t ndsets, dsets_cap;

    cs_define_ent *defines;
    uint32_t ndefines, defines_cap;

    const char **table_dirs;   /* where reference tables are searched, in order */
    uint32_t ntable_dirs;

    const char **sources;
    uint32_t nsources;

    uint32_t ncaches;          /* values computed once per run (context-only expressions) */
    uint32_t nmemos;           /* memos of defines (indexed as defines) */

    cs_calendar *calendar;     /* owned */
    uint32_t max_locals, max_stack, max_pattern_states;
};

/* Grow an array inside the rule set (malloc'd; freed with the set). */
#define CS_RS_PUSH(rs, arr, n, cap) \
    ((n) == (cap) ? ((cap) = (cap) ? (cap) * 2 : 8, \
                     (arr) = cs_xrealloc((arr), (size_t)(cap) * sizeof *(arr)), (n)++) \
                  : (n)++)

/* check.c: resolves and types every rule, fills cs_rule's public parts,
 * reports errors. Returns the number of errors. */
unsigned cs_check_rule(cs_ruleset *rs, const cs_ast_rule *r, cs_crule *out, cs_rule_errors *errs);

/* compile.c: bytecode for a checked rule. */
void cs_compile_rule(cs_ruleset *rs, const cs_ast_rule *r, cs_crule *out);

/* Find a code list / table by name, -1 when unknown. */
int cs_rs_codelist(const cs_ruleset *rs, const char *name);
int cs_rs_table(cs_ruleset *rs, const char *name, cs_rule_errors *errs);

#endif
