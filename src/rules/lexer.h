/* The rule-file lexer: hand-written, one token of lookahead, positions as
 * byte offsets into the source (line and column are worked out only when an
 * error is reported). Lexical errors are reported and skipped, so one pass
 * finds all of them. */
#ifndef CS_RULES_LEXER_H
#define CS_RULES_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "rules/srcfile.h"
#include "util/arena.h"
#include "util/date.h"

typedef enum {
    TK_EOF = 0,
    TK_IDENT,      /* name, or `quoted name` (quoted = 1) */
    TK_INT,        /* 123 */
    TK_WORD,       /* starts with a digit but has letters: a rule code such as 8525Q */
    TK_STRING,     /* "text" or 'text' (escapes decoded) */
    TK_DATE,       /* 2013-04-01 */
    TK_LPAREN, TK_RPAREN, TK_LBRACE, TK_RBRACE, TK_LBRACKET, TK_RBRACKET,
    TK_COMMA, TK_DOT, TK_COLON,
    TK_EQ,         /* = or == */
    TK_NE,         /* != or <> */
    TK_LT, TK_LE, TK_GT, TK_GE,
    TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT,
    TK_ERROR       /* a character that starts no token (already reported) */
} cs_tok_kind;

/* Reserved words: they start clauses or are operators, so they cannot be
 * bare field names (write `when` with backticks if a field is so named). */
typedef enum {
    KW_NONE = 0,
    KW_RULE, KW_DEFINE, KW_FIELDS, KW_MIRRORS, KW_EXPLAIN, KW_EXAMPLE, KW_LET, KW_WHEN,
    KW_REQUIRE, KW_OPTIONAL, KW_AND, KW_OR, KW_NOT, KW_IN, KW_WHERE, KW_FOR, KW_TRUE,
    KW_FALSE
} cs_keyword;

typedef struct {
    cs_tok_kind kind;
    cs_keyword kw;       /* for unquoted identifiers */
    uint8_t quoted;
    size_t off, len;     /* span in the source */
    const char *text;    /* identifier/word/string text, NUL-terminated (arena) */
    int64_t ival;        /* TK_INT */
    cs_date date;        /* TK_DATE */
} cs_token;

typedef struct {
    const cs_rsrc *src;
    size_t pos;
    cs_arena *arena;
    cs_rule_errors *errs;
    unsigned nerrors;
} cs_lexer;

void cs_lexer_init(cs_lexer *lx, const cs_rsrc *src, cs_arena *arena, cs_rule_errors *errs);
/* Next token; TK_EOF at the end (repeatedly). */
void cs_lexer_next(cs_lexer *lx, cs_token *t);

const char *cs_tok_kind_name(cs_tok_kind k);
const char *cs_keyword_name(cs_keyword k);

#endif
