/* The rule-file lexer. */
#include "rules/lexer.h"

#include <string.h>

static const struct {
    const char *word;
    cs_keyword kw;
} keywords[] = {
    {"rule", KW_RULE},       {"define", KW_DEFINE},     {"fields", KW_FIELDS},
    {"mirrors", KW_MIRRORS}, {"explain", KW_EXPLAIN},   {"example", KW_EXAMPLE},
    {"let", KW_LET},         {"when", KW_WHEN},         {"require", KW_REQUIRE},
    {"optional", KW_OPTIONAL}, {"and", KW_AND},         {"or", KW_OR},
    {"not", KW_NOT},         {"in", KW_IN},             {"where", KW_WHERE},
    {"for", KW_FOR},         {"true", KW_TRUE},         {"false", KW_FALSE},
};

const char *cs_keyword_name(cs_keyword k)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (keywords[i].kw == k)
            return keywords[i].word;
    return "";
}

const char *cs_tok_kind_name(cs_tok_kind k)
{
    switch (k) {
    case TK_EOF: return "end of file";
    case TK_IDENT: return "a name";
    case TK_INT: return "a number";
    case TK_WORD: return "a code";
    case TK_STRING: return "a string";
    case TK_DATE: return "a date";
    case TK_LPAREN: return "'('";
    case TK_RPAREN: return "')'";
    case TK_LBRACE: return "'{'";
    case TK_RBRACE: return "'}'";
    case TK_LBRACKET: return "'['";
    case TK_RBRACKET: return "']'";
    case TK_COMMA: return "','";
    case TK_DOT: return "'.'";
    case TK_COLON: return "':'";
    case TK_EQ: return "'='";
    case TK_NE: return "'!='";
    case TK_LT: return "'<'";
    case TK_LE: return "'<='";
    case TK_GT: return "'>'";
    case TK_GE: return "'>='";
    case TK_PLUS: return "'+'";
    case TK_MINUS: return "'-'";
    case TK_STAR: return "'*'";
    case TK_SLASH: return "'/'";
    case TK_PERCENT: return "'%'";
    case TK_ERROR: return "an unexpected character";
    }
    return "?";
}

void cs_lexer_init(cs_lexer *lx, const cs_rsrc *src, cs_arena *arena, cs_rule_errors *errs)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->arena = arena;
    lx->errs = errs;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }

static int peekc(const cs_lexer *lx, size_t k)
{
    size_t p = lx->pos + k;
    return p < lx->src->len ? (unsigned char)lx->src->text[p] : -1;
}

static void error(cs_lexer *lx, size_t off, const char *msg)
{
    lx->nerrors++;
    cs_rerr_add(lx->errs, lx->src, off, "%s", msg);
}

static void skip_space(cs_lexer *lx)
{
    for (;;) {
        int c = peekc(lx, 0);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
            lx->pos++;
        } else if (c == '#') {
            while (peekc(lx, 0) != -1 && peekc(lx, 0) != '\n')
                lx->pos++;
        } else {
            return;
        }
    }
}

/* 2013-04-01 as a date literal: 4 digits, '-', 2 digits, '-', 2 digits, and
 * no identifier character after. */
static int looks_like_date(const cs_lexer *lx)
{
    for (int i = 0; i < 4; i++)
        if (!is_digit(peekc(lx, (size_t)i)))
            return 0;
    return peekc(lx, 4) == '-' && is_digit(peekc(lx, 5)) && is_digit(peekc(lx, 6)) &&
           peekc(lx, 7) == '-' && is_digit(peekc(lx, 8)) && is_digit(peekc(lx, 9)) &&
           !is_alnum(peekc(lx, 10));
}

static void lex_string(cs_lexer *lx, cs_token *t, int quote)
{
    size_t start = lx->pos;
    lx->pos++;
    /* decoded text is never longer than the raw text up to the closing quote */
    char *buf = NULL;
    size_t n = 0, scan = lx->pos;
    while (scan < lx->src->len && lx->src->text[scan] != quote && lx->src->text[scan] != '\n') {
        if (lx->src->text[scan] == '\\' && scan + 1 < lx->src->len)
            scan++;
        scan++;
    }
    buf = cs_arena_alloc_raw(lx->arena, scan - lx->pos + 1);
    for (;;) {
        int c = peekc(lx, 0);
        if (c == -1 || c == '\n') {
            error(lx, start, "string is not closed on this line");
            break;
        }
        lx->pos++;
        if (c == quote)
            break;
        if (c == '\\') {
            int e = peekc(lx, 0);
            if (e == -1 || e == '\n')
                continue;
            lx->pos++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case '\\': c = '\\'; break;
            case '"': c = '"'; break;
            case '\'': c = '\''; break;
            default:
                error(lx, lx->pos - 2, "unknown escape in string (use \\\\, \\\", \\', \\n or \\t)");
                c = e;
            }
        }
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    t->kind = TK_STRING;
    t->text = buf;
    t->off = start;
    t->len = lx->pos - start;
}

void cs_lexer_next(cs_lexer *lx, cs_token *t)
{
    memset(t, 0, sizeof *t);
    skip_space(lx);
    t->off = lx->pos;
    int c = peekc(lx, 0);
    if (c == -1) {
        t->kind = TK_EOF;
        return;
    }
    if (is_alpha(c)) {
        size_t s = lx->pos;
        while (is_alnum(peekc(lx, 0)))
            lx->pos++;
        t->kind = TK_IDENT;
        t->len = lx->pos - s;
        t->text = cs_arena_strndup(lx->arena, lx->src->text + s, t->len);
        for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
            if (strcmp(keywords[i].word, t->text) == 0)
                t->kw = keywords[i].kw;
        return;
    }
    if (c == '`') {
        size_t s = ++lx->pos;
        while (peekc(lx, 0) != -1 && peekc(lx, 0) != '`' && peekc(lx, 0) != '\n')
            lx->pos++;
        t->kind = TK_IDENT;
        t->quoted = 1;
        t->text = cs_arena_strndup(lx->arena, lx->src->text + s, lx->pos - s);
        if (peekc(lx, 0) != '`')
            error(lx, s - 1, "quoted name is not closed with ` on this line");
        else
            lx->pos++;
        if (!t->text[0])
            error(lx, s - 1, "empty quoted name");
        t->len = lx->pos - t->off;
        return;
    }
    if (is_digit(c)) {
        size_t s = lx->pos;
        if (looks_like_date(lx)) {
            const char *p = lx->src->text + s;
            lx->pos += 10;
            t->kind = TK_DATE;
            t->len = 10;
            t->date = cs_date_parse_iso(p, 10);
            if (t->date == CS_DATE_NONE)
                error(lx, s, "not a real date (dates are written yyyy-mm-dd)");
            t->text = cs_arena_strndup(lx->arena, p, 10);
            return;
        }
        int letters = 0;
        while (is_alnum(peekc(lx, 0))) {
            if (!is_digit(peekc(lx, 0)))
                letters = 1;
            lx->pos++;
        }
        t->len = lx->pos - s;
        t->text = cs_arena_strndup(lx->arena, lx->src->text + s, t->len);
        if (letters) {
            t->kind = TK_WORD;
            return;
        }
        t->kind = TK_INT;
        int64_t v = 0;
        for (size_t i = 0; i < t->len; i++) {
            v = v * 10 + (t->text[i] - '0');
            if (v > INT32_MAX) {
                error(lx, s, "number is too large (at most 2147483647)");
                v = INT32_MAX;
                break;
            }
        }
        t->ival = v;
        return;
    }
    if (c == '"' || c == '\'') {
        lex_string(lx, t, c);
        return;
    }
    lx->pos++;
    t->len = 1;
    int n = peekc(lx, 0);
    switch (c) {
    case '(': t->kind = TK_LPAREN; return;
    case ')': t->kind = TK_RPAREN; return;
    case '{': t->kind = TK_LBRACE; return;
    case '}': t->kind = TK_RBRACE; return;
    case '[': t->kind = TK_LBRACKET; return;
    case ']': t->kind = TK_RBRACKET; return;
    case ',': t->kind = TK_COMMA; return;
    case '.': t->kind = TK_DOT; return;
    case ':': t->kind = TK_COLON; return;
    case '+': t->kind = TK_PLUS; return;
    case '-': t->kind = TK_MINUS; return;
    case '*': t->kind = TK_STAR; return;
    case '/': t->kind = TK_SLASH; return;
    case '%': t->kind = TK_PERCENT; return;
    case '=':
        t->kind = TK_EQ;
        if (n == '=') {
            lx->pos++;
            t->len = 2;
        }
        return;
    case '!':
        if (n == '=') {
            lx->pos++;
            t->len = 2;
            t->kind = TK_NE;
            return;
        }
        break;
    case '<':
        if (n == '=') {
            lx->pos++;
            t->len = 2;
            t->kind = TK_LE;
        } else if (n == '>') {
            lx->pos++;
            t->len = 2;
            t->kind = TK_NE;
        } else {
            t->kind = TK_LT;
        }
        return;
    case '>':
        if (n == '=') {
            lx->pos++;
            t->len = 2;
            t->kind = TK_GE;
        } else {
            t->kind = TK_GT;
        }
        return;
    default:
        break;
    }
    /* skip the rest of a multi-byte character so it is reported once */
    while ((peekc(lx, 0) & 0xC0) == 0x80)
        lx->pos++;
    t->len = lx->pos - t->off;
    t->kind = TK_ERROR;
    if (c == '&' || c == '|')
        error(lx, t->off, "unexpected character; write 'and' / 'or' for boolean logic");
    else if (c == '!')
        error(lx, t->off, "unexpected '!'; write 'not' (or '!=' for 'not equal')");
    else
        error(lx, t->off, "unexpected character");
}
