/* The rule-file lexer: token kinds, keywords, quoted names, date literals
 * against subtraction, strings and escapes, comments, and lexical errors
 * with their positions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "rules/lexer.h"

typedef struct {
    cs_arena arena;
    cs_rsrc src;
    cs_lexer lx;
    cs_rule_errors errs;
} fixture;

static void lex_init(fixture *f, const char *text)
{
    cs_arena_init(&f->arena, 0);
    f->src.path = "x.rules";
    f->src.text = text;
    f->src.len = strlen(text);
    cs_rule_errors_init(&f->errs);
    cs_lexer_init(&f->lx, &f->src, &f->arena, &f->errs);
}

static void lex_free(fixture *f)
{
    cs_rule_errors_free(&f->errs);
    cs_arena_free(&f->arena);
}

/* all token kinds of a text, as a compact string ("I W S D ( ) ...") */
static const char *kinds(const char *text, unsigned *nerrors)
{
    static char out[512];
    fixture f;
    lex_init(&f, text);
    size_t w = 0;
    cs_token t;
    for (;;) {
        cs_lexer_next(&f.lx, &t);
        if (t.kind == TK_EOF || w > sizeof out - 8)
            break;
        const char *k;
        switch (t.kind) {
        case TK_IDENT: k = t.kw ? "K" : (t.quoted ? "Q" : "I"); break;
        case TK_INT: k = "N"; break;
        case TK_WORD: k = "W"; break;
        case TK_STRING: k = "S"; break;
        case TK_DATE: k = "D"; break;
        case TK_EQ: k = "="; break;
        case TK_NE: k = "!="; break;
        case TK_LE: k = "<="; break;
        case TK_GE: k = ">="; break;
        case TK_LT: k = "<"; break;
        case TK_GT: k = ">"; break;
        case TK_MINUS: k = "-"; break;
        case TK_PLUS: k = "+"; break;
        case TK_LPAREN: k = "("; break;
        case TK_RPAREN: k = ")"; break;
        case TK_LBRACE: k = "{"; break;
        case TK_RBRACE: k = "}"; break;
        case TK_COMMA: k = ","; break;
        case TK_DOT: k = "."; break;
        case TK_ERROR: k = "?"; break;
        default: k = "o"; break;
        }
        w += (size_t)snprintf(out + w, sizeof out - w, "%s%s", w ? " " : "", k);
    }
    *nerrors = f.lx.nerrors;
    lex_free(&f);
    return out;
}

static void test_rule_header(void **state)
{
    (void)state;
    unsigned e;
    assert_string_equal(kinds("rule 8525Q query on Child \"msg\" fields A, B", &e),
                        "K W I I I S K I , I");
    assert_int_equal(e, 0);
    assert_string_equal(kinds("rule 1105 error on return 'm'", &e), "K N I I I S");
    assert_string_equal(kinds("when a >= b and c <> d or e == f != g <= h", &e),
                        "K I >= I K I != I K I = I != I <= I");
    assert_string_equal(kinds("x = -3 + y.z", &e), "I = - N + I . I");
    assert_int_equal(e, 0);
}

static void test_keywords_and_quoted_names(void **state)
{
    (void)state;
    fixture f;
    lex_init(&f, "require `when` `Date of Birth` count not_a_kw SW01aSTG1");
    cs_token t;
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kw, KW_REQUIRE);
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kind, TK_IDENT);
    assert_true(t.quoted);
    assert_string_equal(t.text, "when");
    cs_lexer_next(&f.lx, &t);
    assert_string_equal(t.text, "Date of Birth");
    assert_int_equal(t.off, 15);
    assert_int_equal(t.len, 15);
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kw, KW_NONE);   /* aggregate names are not reserved */
    cs_lexer_next(&f.lx, &t);
    assert_string_equal(t.text, "not_a_kw");
    assert_int_equal(t.kw, KW_NONE);
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kind, TK_IDENT);
    assert_string_equal(t.text, "SW01aSTG1");
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kind, TK_EOF);
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kind, TK_EOF);
    assert_int_equal(f.errs.count, 0);
    lex_free(&f);
}

static void test_dates_and_numbers(void **state)
{
    (void)state;
    unsigned e;
    assert_string_equal(kinds("2013-04-01", &e), "D");
    assert_string_equal(kinds("2013 - 04", &e), "N - N");
    assert_string_equal(kinds("2013-04-011", &e), "N - N - N");
    assert_string_equal(kinds("d >= 2013-04-01)", &e), "I >= D )");
    fixture f;
    lex_init(&f, "2024-02-29 42 8525Q");
    cs_token t;
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kind, TK_DATE);
    assert_int_equal(t.date, cs_date_from_ymd(2024, 2, 29));
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.ival, 42);
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kind, TK_WORD);
    assert_string_equal(t.text, "8525Q");
    lex_free(&f);
    /* not real dates, and numbers too large, are errors with positions */
    lex_init(&f, "x = 2025-02-30\ny = 99999999999");
    cs_lexer_next(&f.lx, &t);
    cs_lexer_next(&f.lx, &t);
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kind, TK_DATE);
    assert_int_equal(t.date, CS_DATE_NONE);
    cs_lexer_next(&f.lx, &t);
    cs_lexer_next(&f.lx, &t);
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.ival, INT32_MAX);
    assert_int_equal(f.errs.count, 2);
    assert_int_equal(f.errs.items[0].line, 1);
    assert_int_equal(f.errs.items[0].col, 5);
    assert_non_null(strstr(f.errs.items[0].message, "not a real date"));
    assert_int_equal(f.errs.items[1].line, 2);
    assert_int_equal(f.errs.items[1].col, 5);
    assert_non_null(strstr(f.errs.items[1].message, "too large"));
    lex_free(&f);
}

static void test_strings(void **state)
{
    (void)state;
    fixture f;
    lex_init(&f, "\"a\\\"b\\\\c\\n\" 'it''s' \"\"");
    cs_token t;
    cs_lexer_next(&f.lx, &t);
    assert_int_equal(t.kind, TK_STRING);
    assert_string_equal(t.text, "a\"b\\c\n");
    cs_lexer_next(&f.lx, &t);
    assert_string_equal(t.text, "it");
    cs_lexer_next(&f.lx, &t);
    assert_string_equal(t.text, "s");
    cs_lexer_next(&f.lx, &t);
    assert_string_equal(t.text, "");
    assert_int_equal(f.errs.count, 0);
    lex_free(&f);
    lex_init(&f, "rule X error on Child \"never closed\nrequire \"bad \\q escape\"");
    for (int i = 0; i < 8; i++)
        cs_lexer_next(&f.lx, &t);
    assert_int_equal(f.errs.count, 2);
    assert_int_equal(f.errs.items[0].line, 1);
    assert_int_equal(f.errs.items[0].col, 23);
    assert_non_null(strstr(f.errs.items[0].message, "not closed"));
    assert_int_equal(f.errs.items[1].line, 2);
    assert_int_equal(f.errs.items[1].col, 14);
    assert_non_null(strstr(f.errs.items[1].message, "unknown escape"));
    lex_free(&f);
}

static void test_comments_and_errors(void **state)
{
    (void)state;
    unsigned e;
    assert_string_equal(kinds("# a comment\nx # more\n# last", &e), "I");
    assert_int_equal(e, 0);
    assert_string_equal(kinds("a && b", &e), "I ? ? I");
    assert_int_equal(e, 2);
    fixture f;
    lex_init(&f, "a ! b\n\xC3\xA9t\xC3\xA9 ~ `open");
    cs_token t;
    do
        cs_lexer_next(&f.lx, &t);
    while (t.kind != TK_EOF);
    assert_int_equal(f.errs.count, 5);
    assert_non_null(strstr(f.errs.items[0].message, "write 'not'"));
    /* columns count characters: é is one column */
    assert_int_equal(f.errs.items[1].line, 2);
    assert_int_equal(f.errs.items[1].col, 1);
    assert_int_equal(f.errs.items[2].col, 3);
    assert_int_equal(f.errs.items[3].col, 5);
    assert_non_null(strstr(f.errs.items[4].message, "quoted name is not closed"));
    /* the caret line lines up under the character */
    assert_string_equal(f.errs.items[3].text,
                        "x.rules:2:5: unexpected character\n\xC3\xA9t\xC3\xA9 ~ `open\n    ^");
    lex_free(&f);
    assert_string_equal(kinds("``", &e), "Q");
    assert_int_equal(e, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_header),
        cmocka_unit_test(test_keywords_and_quoted_names),
        cmocka_unit_test(test_dates_and_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_comments_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
