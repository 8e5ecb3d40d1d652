#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/xml_prolog.h"
#include "read/xmlrec.h"
#include "util/limits.h"

typedef struct {
    cs_xmlrec *r;
    cs_record rec;
    const char *const *names;
    cs_diag d;
} xr;

static cs_status open_mem(xr *x, const char *doc, size_t n, const char *record)
{
    memset(x, 0, sizeof *x);
    cs_diag_clear(&x->d);
    cs_bytesrc *src = NULL;
    cs_status st = cs_bytesrc_open_mem(&src, doc, n, "test.xml", &x->d);
    assert_int_equal(st, CS_OK);
    return cs_xmlrec_open(&x->r, src, record, &x->d);
}

static void open_ok(xr *x, const char *doc, const char *record)
{
    assert_int_equal(open_mem(x, doc, strlen(doc), record), CS_OK);
}

static cs_status next(xr *x)
{
    return cs_xmlrec_next(x->r, &x->rec, &x->names, &x->d);
}

/* Value of the k-th field called `name` (0 = first), or NULL. */
static const char *field(const xr *x, const char *name, int k)
{
    for (uint32_t i = 0; i < x->rec.nfields; i++)
        if (strcmp(x->names[i], name) == 0 && k-- == 0) {
            static char buf[256];
            snprintf(buf, sizeof buf, "%.*s", (int)x->rec.fields[i].len, x->rec.fields[i].ptr);
            return buf;
        }
    return NULL;
}

/* Read to the first error (or the end) and return its status. */
static cs_status drain(xr *x)
{
    cs_status st;
    while ((st = next(x)) == CS_OK)
        ;
    return st;
}

static void test_records_and_attributes(void **state)
{
    (void)state;
    xr x;
    open_ok(&x,
            "<?xml version=\"1.0\"?>\n"
            "<Root>\n"
            "  <Child id=\"1\" kind=\"A\">\n"
            "    <Name>Ann</Name>\n"
            "    <DOB>2010-01-01</DOB>\n"
            "  </Child>\n"
            "  <Other><Name>not a record</Name></Other>\n"
            "  <Child id=\"2\"><Name>Bob</Name></Child>\n"
            "  <Child id=\"3\"/>\n"
            "</Root>\n",
            "Child");
    assert_int_equal(next(&x), CS_OK);
    assert_int_equal(x.rec.nfields, 4);
    assert_string_equal(x.names[0], "id");
    assert_string_equal(x.names[1], "kind");
    assert_string_equal(x.names[2], "Name");
    assert_string_equal(x.names[3], "DOB");
    assert_string_equal(field(&x, "id", 0), "1");
    assert_string_equal(field(&x, "Name", 0), "Ann");
    assert_string_equal(field(&x, "DOB", 0), "2010-01-01");
    assert_int_equal(x.rec.line, 3);
    assert_int_equal(x.rec.fields[2].line, 4);
    assert_int_equal(x.rec.fields[3].line, 5);
    assert_int_equal(x.rec.index, 0);

    assert_int_equal(next(&x), CS_OK);
    assert_int_equal(x.rec.nfields, 2);
    assert_string_equal(field(&x, "id", 0), "2");
    assert_string_equal(field(&x, "Name", 0), "Bob");
    assert_int_equal(x.rec.line, 8);
    assert_int_equal(x.rec.index, 1);

    assert_int_equal(next(&x), CS_OK);   /* empty element record */
    assert_int_equal(x.rec.nfields, 1);
    assert_string_equal(field(&x, "id", 0), "3");

    assert_int_equal(next(&x), CS_EOF);
    assert_int_equal(next(&x), CS_EOF);
    assert_string_equal(cs_xmlrec_encoding(x.r), "UTF-8");
    cs_xmlrec_close(x.r);
}

static void test_nested_flattening(void **state)
{
    (void)state;
    xr x;
    open_ok(&x,
            "<Refs><Referral>"
            "<Id>7</Id>"
            "<Source type=\"x\"><Code>1A</Code><Desc>Police</Desc></Source>"
            "<Deep><A><B>b</B></A></Deep>"
            "<Empty/>"
            "<Factor>1B</Factor><Factor>2A</Factor>"
            "<Mixed>junk<Inner>i</Inner>more</Mixed>"
            "<Spaces>  padded  </Spaces>"
            "</Referral></Refs>",
            "Referral");
    assert_int_equal(next(&x), CS_OK);
    assert_string_equal(field(&x, "Id", 0), "7");
    assert_string_equal(field(&x, "Source/type", 0), "x");
    assert_string_equal(field(&x, "Source/Code", 0), "1A");
    assert_string_equal(field(&x, "Source/Desc", 0), "Police");
    assert_string_equal(field(&x, "Deep/A/B", 0), "b");
    assert_string_equal(field(&x, "Empty", 0), "");
    assert_string_equal(field(&x, "Factor", 0), "1B");
    assert_string_equal(field(&x, "Factor", 1), "2A");
    assert_string_equal(field(&x, "Mixed/Inner", 0), "i");
    assert_string_equal(field(&x, "Spaces", 0), "  padded  ");
    assert_null(field(&x, "Source", 0));   /* non-leaf: no field of its own */
    assert_null(field(&x, "Mixed", 0));
    assert_int_equal(next(&x), CS_EOF);
    cs_xmlrec_close(x.r);
}

static void test_text_forms(void **state)
{
    (void)state;
    xr x;
    open_ok(&x,
            "<r><c><n>a &amp; b &#65;&#x42; &lt;&gt;&quot;&apos;</n>"
            "<d><![CDATA[<not a tag>]]></d>"
            "<e>caf\xc3\xa9</e></c>"
            "<ns:c xmlns:ns=\"urn:x\"><n>namespaced</n></ns:c></r>",
            "c");
    assert_int_equal(next(&x), CS_OK);
    assert_string_equal(field(&x, "n", 0), "a & b AB <>\"'");
    assert_string_equal(field(&x, "d", 0), "<not a tag>");
    assert_string_equal(field(&x, "e", 0), "caf\xc3\xa9");
    assert_int_equal(next(&x), CS_OK);   /* matched by local name */
    assert_int_equal(x.rec.nfields, 1);  /* the xmlns declaration is not a field */
    assert_string_equal(field(&x, "n", 0), "namespaced");
    assert_int_equal(next(&x), CS_EOF);
    cs_xmlrec_close(x.r);
}

static void test_utf16_with_bom(void **state)
{
    (void)state;
    const char *ascii = "<r><c><n>x</n></c></r>";
    size_t n = strlen(ascii);
    char doc[128];
    doc[0] = (char)0xFF;
    doc[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++) {
        doc[2 + 2 * i] = ascii[i];
        doc[3 + 2 * i] = 0;
    }
    xr x;
    assert_int_equal(open_mem(&x, doc, 2 + 2 * n, "c"), CS_OK);
    assert_int_equal(next(&x), CS_OK);
    assert_string_equal(field(&x, "n", 0), "x");
    assert_int_equal(next(&x), CS_EOF);
    cs_xmlrec_close(x.r);
}

static void expect_format_error(const char *doc, size_t n, uint64_t min_line)
{
    xr x;
    cs_status st = open_mem(&x, doc, n, "c");
    if (st == CS_OK) {
        st = drain(&x);
        /* sticky: asking again gives the same error, never a record */
        cs_diag again;
        cs_record rec;
        assert_int_equal(cs_xmlrec_next(x.r, &rec, NULL, &again), st);
        assert_string_equal(again.msg, x.d.msg);
        cs_xmlrec_close(x.r);
    }
    assert_int_equal(st, CS_ERR_FORMAT);
    assert_string_equal(x.d.file, "test.xml");
    assert_true(x.d.line >= min_line);
    assert_true(x.d.msg[0] != '\0');
}

static void test_malformed(void **state)
{
    (void)state;
    const char *unclosed = "<r>\n<c>\n<n>x</n>\n";
    expect_format_error(unclosed, strlen(unclosed), 3);
    const char *wrong = "<r>\n<c><n>x</c></n>\n</r>\n";
    expect_format_error(wrong, strlen(wrong), 2);
    const char *badchar = "<r><c><n>a\x01</n></c></r>";
    expect_format_error(badchar, strlen(badchar), 1);
    const char *two_roots = "<r/><r/>";
    expect_format_error(two_roots, strlen(two_roots), 1);
    expect_format_error("", 0, 1);
    const char *text_only = "just text, no XML";
    expect_format_error(text_only, strlen(text_only), 1);
    const char *undeclared = "<r><c><n>&nbsp;</n></c></r>";
    expect_format_error(undeclared, strlen(undeclared), 1);
    const char *badattr = "<r><c a=\"1\" a=\"2\"/></r>";
    expect_format_error(badattr, strlen(badattr), 1);
    const char *undeclared_prefix = "<r><x:c/></r>";
    expect_format_error(undeclared_prefix, strlen(undeclared_prefix), 1);
}

/* libxml2 parses ahead of the records it hands out, so records just before
 * an error may be lost with it; the error itself names the right line. */
static void expect_message(const char *doc, const char *words)
{
    xr x;
    assert_int_equal(open_mem(&x, doc, strlen(doc), "c"), CS_OK);
    assert_int_equal(drain(&x), CS_ERR_FORMAT);
    if (!strstr(x.d.msg, words))
        fail_msg("'%s' lacks '%s'", x.d.msg, words);
    cs_xmlrec_close(x.r);
}

/* libxml2's push-parser wording is replaced where it misleads. */
static void test_plain_messages(void **state)
{
    (void)state;
    expect_message("", "empty");
    expect_message("  \n\t\n", "empty");
    expect_message("<r>\n<c><n>1</n></c>\n<c>\n", "cut short");
    expect_message("ID,NAME\n1,Ann\n", "is this file XML");
    expect_message("<r/>\n<r/>\n", "Extra content");
}

static void test_error_position(void **state)
{
    (void)state;
    xr x;
    open_ok(&x, "<r>\n<c><n>1</n></c>\n<c><n>2</n></c>\n<c><n>3</m></c>\n</r>\n", "c");
    assert_int_equal(drain(&x), CS_ERR_FORMAT);
    assert_int_equal(x.d.line, 4);
    assert_true(x.d.col > 0);
    assert_non_null(strstr(x.d.msg, "malformed XML"));
    cs_xmlrec_close(x.r);

    /* deep into a long file: earlier records arrive, the line is exact */
    size_t cap = 5000 * 40 + 100, len = 0;
    char *doc = malloc(cap);
    len += (size_t)sprintf(doc + len, "<r>\n");
    for (int i = 0; i < 4000; i++)
        len += (size_t)sprintf(doc + len, "<c><n>%d</n></c>\n", i);
    len += (size_t)sprintf(doc + len, "<c><n>bad</c>\n</r>\n");   /* line 4002 */
    assert_int_equal(open_mem(&x, doc, len, "c"), CS_OK);
    int got = 0;
    cs_status st;
    while ((st = next(&x)) == CS_OK)
        got++;
    assert_int_equal(st, CS_ERR_FORMAT);
    assert_int_equal(x.d.line, 4002);
    assert_true(got > 3900);
    assert_true(got <= 4000);
    cs_xmlrec_close(x.r);
    free(doc);
}

/* libxml2 must say nothing on stderr: errors go to the diag only. */
static void test_no_stderr_output(void **state)
{
    (void)state;
    char path[] = "/tmp/cs-xmlrec-stderr-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    const char *bad = "<r><c><n>x</c></r>";
    expect_format_error(bad, strlen(bad), 1);
    expect_format_error("", 0, 1);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    assert_int_equal(size, 0);
}

static void test_one_byte_reads(void **state)
{
    (void)state;
    const char *doc = "<?xml version=\"1.0\"?>\n<r><c a=\"1\"><n>x &amp; y</n></c>"
                      "<c><n>z</n></c></r>\n";
    xr x;
    memset(&x, 0, sizeof x);
    cs_bytesrc *src = NULL;
    assert_int_equal(cs_bytesrc_open_mem(&src, doc, strlen(doc), "t.xml", &x.d), CS_OK);
    cs_bytesrc_set_max_read(src, 1);
    assert_int_equal(cs_xmlrec_open(&x.r, src, "c", &x.d), CS_OK);
    assert_int_equal(next(&x), CS_OK);
    assert_string_equal(field(&x, "a", 0), "1");
    assert_string_equal(field(&x, "n", 0), "x & y");
    assert_int_equal(next(&x), CS_OK);
    assert_string_equal(field(&x, "n", 0), "z");
    assert_int_equal(next(&x), CS_EOF);
    cs_xmlrec_close(x.r);

    const char *bomb = "<!DOCTYPE r [\n<!ENTITY a \"aaaa\">\n]><r>&a;</r>";
    assert_int_equal(cs_bytesrc_open_mem(&src, bomb, strlen(bomb), "t.xml", &x.d), CS_OK);
    cs_bytesrc_set_max_read(src, 1);
    assert_int_equal(cs_xmlrec_open(&x.r, src, "c", &x.d), CS_OK);
    assert_int_equal(drain(&x), CS_ERR_FORMAT);
    assert_int_equal(x.d.line, 2);
    assert_int_equal(x.d.col, 1);
    cs_xmlrec_close(x.r);
}

static void test_billion_laughs(void **state)
{
    (void)state;
    const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE lolz [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        "<lolz><c><n>&lol9;</n></c></lolz>\n";
    expect_format_error(doc, strlen(doc), 1);
}

static int loader_calls;

static xmlParserInputPtr spy_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    loader_calls++;
    return NULL;
}

static void test_external_entities_never_loaded(void **state)
{
    (void)state;
    xmlExternalEntityLoader prev = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(spy_loader);
    loader_calls = 0;
    const char *general =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE r [\n"
        "  <!ENTITY pw SYSTEM \"file:///etc/passwd\">\n"
        "]>\n"
        "<r><c><n>&pw;</n></c></r>\n";
    expect_format_error(general, strlen(general), 1);
    const char *parameter =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE r [\n"
        "  <!ENTITY % pe SYSTEM \"file:///etc/passwd\">\n"
        "  %pe;\n"
        "]>\n"
        "<r><c><n>x</n></c></r>\n";
    expect_format_error(parameter, strlen(parameter), 1);
    const char *external_dtd =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE r SYSTEM \"file:///etc/passwd\">\n"
        "<r><c><n>&undeclared;</n></c></r>\n";
    xr x;
    open_ok(&x, external_dtd, "c");
    cs_status st = drain(&x);
    assert_true(st == CS_ERR_FORMAT);
    assert_null(strstr(x.d.msg, "root:"));
    cs_xmlrec_close(x.r);
    xmlSetExternalEntityLoader(prev);
    assert_int_equal(loader_calls, 0);
}

static void test_doctype_without_entities_is_fine(void **state)
{
    (void)state;
    xr x;
    open_ok(&x, "<!DOCTYPE r [ <!ELEMENT r ANY> ]><r><c><n>ok</n></c></r>", "c");
    assert_int_equal(next(&x), CS_OK);
    assert_string_equal(field(&x, "n", 0), "ok");
    assert_int_equal(next(&x), CS_EOF);
    cs_xmlrec_close(x.r);
}

/* The guard sees every byte before libxml2 does, in whatever pieces. */
static cs_status feed_bytewise(const char *doc, size_t n, cs_diag *d)
{
    cs_xml_prolog p;
    cs_xml_prolog_init(&p);
    for (size_t i = 0; i < n; i++) {
        cs_status st = cs_xml_prolog_feed(&p, (const unsigned char *)doc + i, 1, "g.xml", d);
        if (st != CS_OK)
            return st;
    }
    return CS_OK;
}

static void test_prolog_guard(void **state)
{
    (void)state;
    cs_diag d;
    const char *sneaky =
        "<?xml version=\"1.0\"?>\n"
        "<!-- <!ENTITY in a comment is not a declaration -->\n"
        "<?pi <!ENTITY nor in a processing instruction ?>\n"
        "<!DOCTYPE r SYSTEM \"x<y\" [\n"
        "  <!ELEMENT r ANY>\n"
        "  <!ATTLIST r a CDATA \"]>\">\n"
        "    <!ENTITY e \"boom\">\n"
        "]>\n"
        "<r/>\n";
    assert_int_equal(feed_bytewise(sneaky, strlen(sneaky), &d), CS_ERR_FORMAT);
    assert_int_equal(d.line, 7);
    assert_int_equal(d.col, 5);
    assert_string_equal(d.file, "g.xml");

    const char *harmless =
        "<?xml version=\"1.0\"?>\n<!-- <!ENTITY --><!DOCTYPE r [<!ELEMENT r ANY>]>\n"
        "<r><![CDATA[<!ENTITY after the root is text]]></r>\n";
    assert_int_equal(feed_bytewise(harmless, strlen(harmless), &d), CS_OK);

    /* the same refusal through the reader, in UTF-16 without a BOM */
    const char *ascii = "<!DOCTYPE r [\n<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r><c>&x;</c></r>";
    size_t n = strlen(ascii);
    char *u16 = malloc(2 * n);
    for (size_t i = 0; i < n; i++) {
        u16[2 * i] = ascii[i];
        u16[2 * i + 1] = 0;
    }
    xr x;
    assert_int_equal(open_mem(&x, u16, 2 * n, "c"), CS_OK);
    assert_int_equal(drain(&x), CS_ERR_FORMAT);
    assert_int_equal(x.d.line, 2);
    assert_non_null(strstr(x.d.msg, "entity"));
    cs_xmlrec_close(x.r);
    free(u16);

    /* UTF-32 is refused rather than guessed at */
    const char u32[] = {'<', 0, 0, 0, 'r', 0, 0, 0, '/', 0, 0, 0, '>', 0, 0, 0};
    assert_int_equal(open_mem(&x, u32, sizeof u32, "c"), CS_OK);
    assert_int_equal(drain(&x), CS_ERR_FORMAT);
    assert_non_null(strstr(x.d.msg, "UTF-32"));
    cs_xmlrec_close(x.r);
}

static char *repeat_doc(const char *head, const char *unit, size_t times, const char *mid,
                        const char *unit2, const char *tail, size_t *len)
{
    size_t n = strlen(head) + (strlen(unit) + strlen(unit2)) * times + strlen(mid) +
               strlen(tail) + 1;
    char *s = malloc(n);
    char *p = s;
    p += sprintf(p, "%s", head);
    for (size_t i = 0; i < times; i++)
        p += sprintf(p, "%s", unit);
    p += sprintf(p, "%s", mid);
    for (size_t i = 0; i < times; i++)
        p += sprintf(p, "%s", unit2);
    p += sprintf(p, "%s", tail);
    *len = (size_t)(p - s);
    return s;
}

static void test_depth_cap(void **state)
{
    (void)state;
    size_t len;
    char *doc = repeat_doc("<r><c>", "<d>", 100, "x", "</d>", "</c></r>", &len);
    xr x;
    assert_int_equal(open_mem(&x, doc, len, "c"), CS_OK);
    assert_int_equal(drain(&x), CS_ERR_LIMIT);
    assert_int_equal(x.d.line, 1);
    assert_non_null(strstr(x.d.msg, "nested"));
    cs_xmlrec_close(x.r);
    free(doc);

    /* just under the cap is fine */
    doc = repeat_doc("<r><c>", "<d>", CS_MAX_XML_DEPTH - 3, "x", "</d>", "</c></r>", &len);
    assert_int_equal(open_mem(&x, doc, len, "c"), CS_OK);
    assert_int_equal(next(&x), CS_OK);
    assert_int_equal(x.rec.nfields, 1);
    assert_int_equal(x.rec.fields[0].len, 1);
    assert_memory_equal(x.rec.fields[0].ptr, "x", 1);
    assert_int_equal(next(&x), CS_EOF);
    cs_xmlrec_close(x.r);
    free(doc);

    /* far deeper than libxml2's own limit: still a clean error */
    doc = repeat_doc("<r>", "<d>", 20000, "", "</d>", "</r>", &len);
    assert_int_equal(open_mem(&x, doc, len, "c"), CS_OK);
    cs_status st = drain(&x);
    assert_true(st == CS_ERR_LIMIT || st == CS_ERR_FORMAT);
    assert_true(x.d.line >= 1);
    cs_xmlrec_close(x.r);
    free(doc);
}

static void test_text_and_field_caps(void **state)
{
    (void)state;
    size_t len;
    char *doc = repeat_doc("<r>\n<c><n>", "xxxxxxxxxxxxxxxx", (CS_MAX_FIELD_BYTES / 16) + 1, "",
                           "", "</n></c></r>", &len);
    xr x;
    assert_int_equal(open_mem(&x, doc, len, "c"), CS_OK);
    assert_int_equal(drain(&x), CS_ERR_LIMIT);
    assert_int_equal(x.d.line, 2);
    cs_xmlrec_close(x.r);
    free(doc);

    doc = repeat_doc("<r><c>", "<f>1</f>", CS_MAX_COLUMNS + 1, "", "", "</c></r>", &len);
    assert_int_equal(open_mem(&x, doc, len, "c"), CS_OK);
    assert_int_equal(drain(&x), CS_ERR_LIMIT);
    cs_xmlrec_close(x.r);
    free(doc);

    char attrs[CS_MAX_XML_ATTRS * 16 + 64];
    char *p = attrs + sprintf(attrs, "<r><c");
    for (unsigned i = 0; i <= CS_MAX_XML_ATTRS; i++)
        p += sprintf(p, " a%u=\"1\"", i);
    sprintf(p, "/></r>");
    assert_int_equal(open_mem(&x, attrs, strlen(attrs), "c"), CS_OK);
    assert_int_equal(drain(&x), CS_ERR_LIMIT);
    cs_xmlrec_close(x.r);
}

static void test_no_records_and_bad_name(void **state)
{
    (void)state;
    xr x;
    open_ok(&x, "<r><other/></r>", "c");
    assert_int_equal(next(&x), CS_EOF);
    cs_xmlrec_close(x.r);

    cs_bytesrc *src = NULL;
    cs_diag d;
    assert_int_equal(cs_bytesrc_open_mem(&src, "<r/>", 4, "t.xml", &d), CS_OK);
    cs_xmlrec *r = NULL;
    assert_int_equal(cs_xmlrec_open(&r, src, "", &d), CS_ERR_CONFIG);
    assert_null(r);
}

static void test_safe_options(void **state)
{
    (void)state;
    int o = cs_xml_safe_options();
    assert_true(o & XML_PARSE_NONET);
    assert_false(o & XML_PARSE_NOENT);
    assert_false(o & XML_PARSE_DTDLOAD);
    assert_false(o & XML_PARSE_DTDATTR);
    assert_false(o & XML_PARSE_DTDVALID);
    assert_false(o & XML_PARSE_HUGE);
    assert_false(o & XML_PARSE_XINCLUDE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_and_attributes),
        cmocka_unit_test(test_nested_flattening),
        cmocka_unit_test(test_text_forms),
        cmocka_unit_test(test_utf16_with_bom),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_error_position),
        cmocka_unit_test(test_plain_messages),
        cmocka_unit_test(test_one_byte_reads),
        cmocka_unit_test(test_no_stderr_output),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_external_entities_never_loaded),
        cmocka_unit_test(test_doctype_without_entities_is_fine),
        cmocka_unit_test(test_prolog_guard),
        cmocka_unit_test(test_depth_cap),
        cmocka_unit_test(test_text_and_field_caps),
        cmocka_unit_test(test_no_records_and_bad_name),
        cmocka_unit_test(test_safe_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
