/* Reading an SSDA903 XML file (EXPSSDA903) into the 903 dataset.
 *
 * One pass over the safe pull parser (read/xmlpull.h: libxml2's
 * xmlTextReader behind the prolog guard, entities refused), guided by the
 * element tree in xml_tree.c: a stack of open elements, each knowing its
 * node, the row its values go to and which once-only kids it has seen.
 *
 * The Child row of a CHILD element is only known at its end (CHILDID may
 * come anywhere in HEADER, and two CHILD elements with one CHILDID are one
 * child, as in the CSV tables): rows made inside it are attached then, and
 * CHILD, DOB and SEX copied into them from its HEADER. What stops the read
 * and what is only a finding is listed in ssda903.h. */
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/xmlpull.h"
#include "returns/ssda903/internal.h"
#include "util/limits.h"

#define MAX_OPEN 8              /* EXPSSDA903/CHILD/HEADER/AREVIEW/REVIEW is the deepest */
#define NO_ROW UINT32_MAX

typedef struct {
    const s903_xnode *x;
    int group;                  /* the row values below this element go to */
    uint32_t row;
    uint32_t seen;              /* bit per once-only kid */
    int stray_reported;
    uint64_t line;
} frame;

typedef struct {
    const char *name;
    cs_dataset *ds;
    cs_findings *findings;
    uint32_t file;
    cs_xmlpull *xp;
    cs_diag diag;               /* why the read stopped */

    frame stack[MAX_OPEN];
    int top;                    /* -1 before the root */
    int skip_depth;             /* libxml2 depth of the element being skipped, or -1 */
    int root_seen;

    char *text;                 /* value of the open leaf */
    size_t text_len, text_cap;
    char *upper;
    size_t upper_cap;

    /* the CHILD element being read */
    uint32_t first[CS_903_NGROUPS];   /* row counts when it started */
    uint32_t lazy[CS_903_NGROUPS];    /* its UASC / OC3 / AD1 row, or NO_ROW */
    uint32_t header_row;
    uint64_t child_line;
    s903_child_map children;
} xml_reader;

static uint64_t node_line(const xml_reader *r)
{
    return cs_xmlpull_line(r->xp);
}

static cs_status stop(xml_reader *r, cs_status st, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static cs_status stop(xml_reader *r, cs_status st, uint64_t line, const char *fmt, ...)
{
    char msg[sizeof r->diag.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cs_diag_set(&r->diag, st, r->name, line, 0, "%s", msg);
    return st;
}

/* ---- findings ------------------------------------------------------------------ */

static const char *current_child(const xml_reader *r)
{
    if (r->header_row == NO_ROW)
        return NULL;
    const cs_value *v = cs_ds_cell_c(r->ds, CS_903_G_HEADER, r->header_row, CS_903_H_CHILD);
    return v->kind == CS_V_STR ? v->s : NULL;
}

static void finding(xml_reader *r, uint64_t line, const char *parent, const char *element,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void finding(xml_reader *r, uint64_t line, const char *parent, const char *element,
                    const char *fmt, ...)
{
    if (!r->findings)
        return;
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    cs_findings_addv(r->findings, CS_FK_XML_UNEXPECTED, r->name, line, 0, parent, element,
                     current_child(r), NULL, 0, NULL, detail);
}

/* ---- the CHILD element ----------------------------------------------------------- */

static void child_start(xml_reader *r, uint64_t line)
{
    for (int g = 0; g < CS_903_NGROUPS; g++) {
        r->first[g] = cs_ds_count(r->ds, g);
        r->lazy[g] = NO_ROW;
    }
    r->header_row = NO_ROW;
    r->child_line = line;
}

static const cs_value *header_value(const xml_reader *r, int field)
{
    static const cs_value absent = {0};
    if (r->header_row == NO_ROW)
        return &absent;
    return cs_ds_cell_c(r->ds, CS_903_G_HEADER, r->header_row, field);
}

/* The column of a group that repeats a Header value, or -1. */
static int repeated_field(int g, int header_field)
{
    const cs_ds_group *grp = &cs_903_schema.groups[g];
    const char *name = cs_903_schema.groups[CS_903_G_HEADER].fields[header_field].name;
    for (uint32_t f = 0; f < grp->nfields; f++)
        if (strcmp(grp->fields[f].name, name) == 0)
            return (int)f;
    return -1;
}

/* </CHILD>: find or make its Child row, attach the rows made inside it and
 * copy CHILD, DOB (and SEX) into them. */
static void child_end(xml_reader *r, uint64_t end_line)
{
    const cs_value *id = header_value(r, CS_903_H_CHILD);
    uint32_t line = r->child_line > UINT32_MAX ? UINT32_MAX : (uint32_t)r->child_line;
    uint32_t crow;
    if (id->kind == CS_V_STR) {
        crow = s903_child_map_get(&r->children, r->ds, id->s, r->file, line);
    } else {
        crow = cs_ds_add_row(r->ds, CS_903_G_CHILD, 0, r->file, line);
        finding(r, r->child_line, "CHILD", r->header_row == NO_ROW ? "HEADER" : "CHILDID",
                "<CHILD> (lines %llu-%llu) has no %s; read as a child without an id",
                (unsigned long long)r->child_line, (unsigned long long)end_line,
                r->header_row == NO_ROW ? "<HEADER>" : "CHILDID value");
    }
    static const int copied[] = {CS_903_H_CHILD, CS_903_H_DOB, CS_903_H_SEX};
    for (int g = CS_903_FIRST_TABLE; g < CS_903_NGROUPS; g++) {
        uint32_t n = cs_ds_count(r->ds, g);
        for (uint32_t row = r->first[g]; row < n; row++) {
            r->ds->rows[g].parent[row] = crow;
            if (g == CS_903_G_HEADER)
                continue;
            for (size_t k = 0; k < sizeof copied / sizeof copied[0]; k++) {
                int f = repeated_field(g, copied[k]);
                if (f >= 0 && cs_ds_cell(r->ds, g, row, f)->kind == CS_V_ABSENT)
                    *cs_ds_cell(r->ds, g, row, f) = *header_value(r, copied[k]);
            }
        }
    }
    r->header_row = NO_ROW;
}

/* ---- elements ---------------------------------------------------------------------- */

static int is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static cs_status push(xml_reader *r, const s903_xnode *x, int group, uint32_t row,
                      uint64_t line)
{
    if (r->top + 1 >= MAX_OPEN)
        return stop(r, CS_ERR_INTERNAL, line, "SSDA903 element tree deeper than expected");
    r->stack[++r->top] = (frame){.x = x, .group = group, .row = row, .line = line};
    r->text_len = 0;
    return CS_OK;
}

static cs_status append_text(xml_reader *r, const char *s, size_t n)
{
    if (r->text_len + n > CS_MAX_FIELD_BYTES)
        return stop(r, CS_ERR_LIMIT, node_line(r), "a value is longer than %u bytes",
                    CS_MAX_FIELD_BYTES);
    if (r->text_len + n + 1 > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 256;
        while (cap < r->text_len + n + 1)
            cap *= 2;
        r->text = cs_xrealloc(r->text, cap);
        r->text_cap = cap;
    }
    memcpy(r->text + r->text_len, s, n);
    r->text_len += n;
    r->text[r->text_len] = '\0';
    return CS_OK;
}

/* A leaf has ended: its value, trimmed and upper-cased, into its field. */
static void leaf_value(xml_reader *r, const frame *f)
{
    const s903_xnode *x = f->x;
    const char *s = r->text ? r->text : "";
    size_t n = r->text_len;
    while (n > 0 && is_xml_space(*s))
        s++, n--;
    while (n > 0 && is_xml_space(s[n - 1]))
        n--;
    if (n + 1 > r->upper_cap) {
        r->upper_cap = n + 64;
        r->upper = cs_xrealloc(r->upper, r->upper_cap);
    }
    n = s903_upper(r->upper, r->upper_cap, s, n);
    uint32_t row = f->row;
    if (x->group != f->group) {   /* HEADER's flat UASC, OC3 and AD1 items */
        if (n == 0)
            return;
        if (r->lazy[x->group] == NO_ROW)
            r->lazy[x->group] = cs_ds_add_row(r->ds, x->group, 0, r->file, (uint32_t)f->line);
        row = r->lazy[x->group];
    }
    cs_ds_set_text(r->ds, x->group, row, x->field, r->upper, n, CS_DS_TEXT_DMY);
    if (x->group == CS_903_G_HEADER && x->field == CS_903_H_UASC && n == 1 && r->upper[0] == '1' &&
        r->lazy[CS_903_G_UASC] == NO_ROW)
        r->lazy[CS_903_G_UASC] =
            cs_ds_add_row(r->ds, CS_903_G_UASC, 0, r->file, (uint32_t)f->line);
}

static void pop(xml_reader *r, uint64_t line)
{
    frame *f = &r->stack[r->top];
    if (f->x->kind == S903_X_LEAF)
        leaf_value(r, f);
    else if (f->x->group == CS_903_G_CHILD)
        child_end(r, line);
    r->top--;
    r->text_len = 0;
}

static void skip(xml_reader *r, int depth, int empty)
{
    if (!empty)
        r->skip_depth = depth;
}

static cs_status start_element(xml_reader *r, const char *name, int depth, int empty)
{
    uint64_t line = node_line(r);
    cs_status st;
    if (!r->root_seen) {
        r->root_seen = 1;
        if (strcmp(name, s903_xml_root.name) != 0)
            return stop(r, CS_ERR_FORMAT, line,
                        "the root element is <%.100s>; an SSDA903 file has <EXPSSDA903>", name);
        uint32_t row = cs_ds_add_row(r->ds, CS_903_G_ROOT, 0, r->file, (uint32_t)line);
        st = push(r, &s903_xml_root, CS_903_G_ROOT, row, line);
        if (st == CS_OK && empty)
            pop(r, line);
        return st;
    }
    if (r->top < 0)
        return stop(r, CS_ERR_FORMAT, line, "element <%.100s> after the root element", name);
    frame *f = &r->stack[r->top];
    const s903_xnode *px = f->x;
    if (px->kind == S903_X_LEAF) {
        finding(r, line, px->name, name, "element <%.100s> inside the value <%s>; ignored", name,
                px->name);
        skip(r, depth, empty);
        return CS_OK;
    }
    uint32_t idx = 0;
    const s903_xnode *x = s903_xnode_kid(px, name, &idx);
    if (!x) {
        finding(r, line, px->name, name,
                "<%.100s> is not part of <%s> in an SSDA903 file; skipped with its content",
                name, px->name);
        skip(r, depth, empty);
        return CS_OK;
    }
    if (!x->repeat) {
        if (f->seen & (1u << idx)) {
            finding(r, line, px->name, name,
                    "<%s> appears more than once in <%s>; the first is kept", name, px->name);
            skip(r, depth, empty);
            return CS_OK;
        }
        f->seen |= 1u << idx;
    }
    int group = f->group;
    uint32_t row = f->row;
    if (x->kind == S903_X_ROW) {
        group = x->group;
        if (group == CS_903_G_CHILD) {
            child_start(r, line);
            row = NO_ROW;   /* made at </CHILD> */
        } else {
            row = cs_ds_add_row(r->ds, group, 0, r->file, (uint32_t)line);
            if (group == CS_903_G_HEADER)
                r->header_row = row;
        }
    }
    st = push(r, x, group, row, line);
    if (st == CS_OK && empty)
        pop(r, line);
    return st;
}

static cs_status on_text(xml_reader *r)
{
    const char *v = cs_xmlpull_value(r->xp);
    size_t n = strlen(v);
    if (r->top < 0)
        return CS_OK;
    frame *f = &r->stack[r->top];
    if (f->x->kind == S903_X_LEAF)
        return append_text(r, v, n);
    size_t i = 0;
    while (i < n && is_xml_space(v[i]))
        i++;
    if (i < n && !f->stray_reported) {
        f->stray_reported = 1;
        char shown[60];
        snprintf(shown, sizeof shown, "%.50s", v + i);
        for (char *p = shown; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t')
                *p = ' ';
        finding(r, node_line(r), f->x->name, NULL,
                "text \"%s\" inside <%s>, where only elements belong; ignored", shown,
                f->x->name);
    }
    return CS_OK;
}

static cs_status on_node(xml_reader *r)
{
    int type = cs_xmlpull_type(r->xp);
    int depth = cs_xmlpull_depth(r->xp);
    if (r->skip_depth >= 0) {
        if (type == XML_READER_TYPE_END_ELEMENT && depth == r->skip_depth)
            r->skip_depth = -1;
        return CS_OK;
    }
    switch (type) {
    case XML_READER_TYPE_ELEMENT:
        return start_element(r, cs_xmlpull_local_name(r->xp), depth, cs_xmlpull_is_empty(r->xp));
    case XML_READER_TYPE_END_ELEMENT:
        if (r->top >= 0)
            pop(r, node_line(r));
        return CS_OK;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
        return on_text(r);
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        if (r->top >= 0 && r->stack[r->top].x->kind == S903_X_LEAF)
            return on_text(r);
        return CS_OK;
    default:   /* whitespace between elements, comments, processing instructions */
        return CS_OK;
    }
}

static cs_status read_all(xml_reader *r)
{
    cs_status st;
    while ((st = cs_xmlpull_next(r->xp, &r->diag)) == CS_OK)
        if ((st = on_node(r)) != CS_OK)
            return st;
    if (st != CS_EOF)
        return st;
    if (!r->root_seen)
        return stop(r, CS_ERR_FORMAT, 0, "the file has no root element");
    return CS_OK;
}

cs_status cs_903_read_xml_src(cs_bytesrc *src, cs_dataset *out, cs_findings *findings,
                              cs_diag *d)
{
    cs_ds_init(out, &cs_903_schema);
    xml_reader r = {.ds = out, .findings = findings, .top = -1, .skip_depth = -1,
                    .header_row = NO_ROW};
    r.file = cs_ds_add_file(out, cs_bytesrc_name(src) ? cs_bytesrc_name(src) : "");
    r.name = out->files[r.file];
    cs_status st = cs_xmlpull_open(&r.xp, src, &r.diag);
    if (st == CS_OK)
        st = read_all(&r);
    if (st != CS_OK && d)
        *d = r.diag;
    cs_xmlpull_close(r.xp);
    free(r.text);
    free(r.upper);
    s903_child_map_free(&r.children);
    cs_bytesrc_close(src);
    if (st == CS_OK) {
        s903_set_uasc_flags(out, 1);
        st = cs_ds_finalize(out, d);
    }
    if (st != CS_OK)
        cs_ds_free(out);
    return st;
}

cs_status cs_903_read_xml(const char *path, cs_dataset *out, cs_findings *findings, cs_diag *d)
{
    cs_bytesrc *src = NULL;
    cs_status st = cs_bytesrc_open(&src, path, d);
    if (st != CS_OK) {
        cs_ds_init(out, &cs_903_schema);
        cs_ds_free(out);
        return st;
    }
    return cs_903_read_xml_src(src, out, findings, d);
}
