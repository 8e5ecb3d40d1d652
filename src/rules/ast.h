/* The rule-file syntax tree. The parser builds it; the checker resolves
 * names in place (a bare field becomes `this.field`, a group name becomes a
 * row or a range of rows) and records types, so the compiler sees only
 * resolved nodes. Nodes live in the rule set's arena. */
#ifndef CS_RULES_AST_H
#define CS_RULES_AST_H

#include <stddef.h>
#include <stdint.h>

#include "rules/lexer.h"
#include "rules/srcfile.h"

typedef enum {
    A_INT, A_STR, A_DATE, A_BOOL,
    A_NAME,        /* name */
    A_MEMBER,      /* a.name */
    A_CALL,        /* name(args) */
    A_NEG,         /* -a */
    A_NOT,         /* not a */
    A_BIN,         /* a op b; op is a cs_tok_kind */
    A_AND, A_OR,
    A_IN,          /* a in {args} / a in name; neg = `not in` */
    A_AGG,         /* op = cs_agg_kind; name = binder or NULL; a = rows, b = where, c = value */
    A_INDEX,       /* a[b]: the b-th row of a set of rows (1-based; negative from the end) */
    /* resolved by the checker */
    A_THIS,        /* the rule's row */
    A_ROOT,        /* the root row of the dataset (return level) */
    A_LOCAL,       /* ix = slot (let, binder, define parameter) */
    A_LAST,        /* the child's row in last year's return */
    A_CONTEXT,     /* ix = cs_ctx_id */
    A_HEADERROW,   /* the header row of dataset ds */
    A_DEFCALL,     /* a define expanded: args stored to slots ix.., body in a */
    A_ABSENT       /* the absent value (never written by users) */
} cs_ast_kind;

typedef enum {
    AGG_COUNT, AGG_ANY, AGG_ALL, AGG_NONE, AGG_FIRST, AGG_FINAL,
    AGG_MIN, AGG_MAX, AGG_SUM, AGG_DISTINCT
} cs_agg_kind;

/* A_MEMBER resolutions (in `op` after checking) */
typedef enum {
    M_UNRESOLVED = 0,
    M_FIELD,       /* ix = field of a's group */
    M_UP,          /* ancestor row in group grp */
    M_PREV, M_NEXT,
    M_HEADER,      /* header row of a's dataset */
    M_ROWS         /* rows of group grp under a's ancestor in group ix (the range base) */
} cs_member_kind;

/* A_IN set kinds (in `op` after checking) */
typedef enum { IN_SET = 0, IN_CODELIST, IN_TABLE } cs_in_kind;

/* Value types */
typedef enum { TY_ERR = 0, TY_BOOL, TY_INT, TY_DATE, TY_STR, TY_ROW, TY_ROWS, TY_ANY } cs_type;

typedef enum {
    CTX_REFERENCE_DATE, CTX_COLLECTION_START, CTX_COLLECTION_END, CTX_COLLECTION_YEAR, CTX_LA,
    CTX_COUNT
} cs_ctx_id;

typedef struct cs_ast cs_ast;
struct cs_ast {
    uint8_t kind;
    uint8_t op;
    uint8_t neg;
    uint8_t ty;          /* cs_type, set by the checker */
    uint8_t ds;          /* 0 this return, 1 last year's (rows) */
    uint8_t konst;       /* compiler: the value is the same for every row of a run */
    int16_t grp;         /* group of a row or rows value */
    int32_t ix, ix2, ix3;
    size_t off, len;     /* source span */
    const char *name;
    int64_t ival;
    const char *sval;
    cs_ast *a, *b, *c;
    cs_ast **args;
    uint32_t nargs;
};

typedef struct {
    const char *group;   /* NULL: the rule's own group */
    const char *field;
    size_t off;
} cs_ast_fieldref;

typedef struct {
    const char *name;
    size_t off;
    cs_ast *expr;
} cs_ast_let;

typedef struct {
    const cs_rsrc *src;
    size_t off;                  /* of the `rule` keyword */
    const char *code;
    size_t code_off;
    const char *severity;
    size_t severity_off;
    const char *scope;           /* "return" for return level */
    size_t scope_off;
    int scope_return;
    const char *message;
    const char *mirrors;
    const char *explain;
    const char *example;
    cs_ast_fieldref *fields;
    uint32_t nfields;
    cs_ast_let *lets;
    uint32_t nlets;
    cs_ast **whens;
    uint32_t nwhens;
    cs_ast **requires;
    uint32_t nrequires;
    int optional_last;
    size_t optional_off;
    int broken;                  /* had a syntax error: not compiled */
} cs_ast_rule;

typedef struct {
    const cs_rsrc *src;
    const char *name;
    size_t off;
    const char **params;
    size_t *param_offs;
    uint32_t nparams;
    cs_ast *body;
    int broken;
} cs_ast_define;

typedef struct {
    cs_ast_rule **rules;
    uint32_t nrules;
    cs_ast_define **defines;
    uint32_t ndefines;
} cs_ast_file;

/* Parse one file. Syntax errors go to errs (all of them: after an error the
 * parser skips to the next `rule` or `define`). Returns the number of errors. */
unsigned cs_parse_file(const cs_rsrc *src, cs_arena *arena, cs_rule_errors *errs,
                       cs_ast_file *out);

/* Deep copy (for expanding defines once per use). */
cs_ast *cs_ast_clone(cs_arena *arena, const cs_ast *n);

/* Source text of a node with runs of whitespace collapsed to one space. */
char *cs_ast_text(cs_arena *arena, const cs_rsrc *src, const cs_ast *n);

const char *cs_agg_name(cs_agg_kind k);

#endif
