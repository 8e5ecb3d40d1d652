/* Writing the CIN dataset as the census XML, streamed through libxml2's
 * xmlTextWriter by walking the element tree in schema.c: the tree gives the
 * order, the dataset gives the rows and values. See cin.h for the rules. */
#include <errno.h>
#include <fcntl.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "returns/cin/cin.h"
#include "util/limits.h"

typedef struct {
    int fd;
    int io_errno;          /* first write/close failure */
} sink;

typedef struct {
    xmlTextWriterPtr w;
    const cs_dataset *ds;
    int end_year;
    int failed;            /* a libxml2 writer call failed */
} wctx;

static int sink_write(void *ctx, const char *buf, int len)
{
    sink *s = ctx;
    size_t done = 0;
    while (done < (size_t)len) {
        ssize_t n = write(s->fd, buf + done, (size_t)len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (!s->io_errno)
                s->io_errno = errno;
            return -1;
        }
        done += (size_t)n;
    }
    return len;
}

static int sink_close(void *ctx)
{
    sink *s = ctx;
    if (s->fd >= 0 && close(s->fd) != 0 && !s->io_errno)
        s->io_errno = errno;
    s->fd = -1;
    return s->io_errno ? -1 : 0;
}

/* ---- values ---------------------------------------------------------------- */

/* Text of a cell as the XML wants it; NULL when absent. */
static const char *cell_text(const cs_value *v, char *buf, size_t n)
{
    switch ((cs_vkind)v->kind) {
    case CS_V_ABSENT:
        return NULL;
    case CS_V_DATE:
        if (n < 11)
            return NULL;
        return cs_date_iso(v->i, buf);
    case CS_V_INT:
        snprintf(buf, n, "%ld", (long)v->i);
        return buf;
    case CS_V_BOOL:
        return v->i ? "true" : "false";
    case CS_V_STR:
    case CS_V_INVALID:
        return v->s && v->s[0] ? v->s : NULL;
    }
    return NULL;
}

static const cs_value *leaf_cell(const wctx *c, const cs_cin_xnode *x, uint32_t row)
{
    return cs_ds_cell_c(c->ds, x->group, row, x->field);
}

/* ---- walking the tree -------------------------------------------------------- */

static int has_content(const wctx *c, const cs_cin_xnode *x, uint32_t row);

static int any_kid_content(const wctx *c, const cs_cin_xnode *x, uint32_t row)
{
    for (uint32_t i = 0; i < x->nkids; i++)
        if (has_content(c, &x->kids[i], row))
            return 1;
    return 0;
}

/* Whether x, under the row `row` of the group being written, would write anything. */
static int has_content(const wctx *c, const cs_cin_xnode *x, uint32_t row)
{
    if (!cs_cin_xnode_in_year(x, c->end_year))
        return 0;
    char buf[32];
    uint32_t first = 0, n = 0;
    switch ((cs_cin_xkind)x->kind) {
    case CS_CIN_X_LEAF:
        return cell_text(leaf_cell(c, x, row), buf, sizeof buf) != NULL;
    case CS_CIN_X_LEAF_ROW:
        cs_ds_children(c->ds, x->group, row, &first, &n);
        for (uint32_t i = 0; i < n; i++)
            if (cell_text(leaf_cell(c, x, first + i), buf, sizeof buf))
                return 1;
        return 0;
    case CS_CIN_X_ROW:
        cs_ds_children(c->ds, x->group, row, &first, &n);
        return n > 0;
    case CS_CIN_X_WRAP:
        return (x->flags & CS_CIN_X_ALWAYS) || any_kid_content(c, x, row);
    case CS_CIN_X_OBSOLETE:
        return 0;
    }
    return 0;
}

static void check(wctx *c, int rc)
{
    if (rc < 0)
        c->failed = 1;
}

static void write_value(wctx *c, const char *name, const cs_value *v)
{
    char buf[32];
    const char *t = cell_text(v, buf, sizeof buf);
    if (t)
        check(c, xmlTextWriterWriteElement(c->w, BAD_CAST name, BAD_CAST t));
}

static void write_node(wctx *c, const cs_cin_xnode *x, uint32_t row);

static void write_kids(wctx *c, const cs_cin_xnode *x, uint32_t row)
{
    for (uint32_t i = 0; i < x->nkids && !c->failed; i++)
        write_node(c, &x->kids[i], row);
}

/* Writes x under the row `row` of the group being written (for the root,
 * row is the Message row itself). */
static void write_node(wctx *c, const cs_cin_xnode *x, uint32_t row)
{
    if (c->failed || !cs_cin_xnode_in_year(x, c->end_year))
        return;
    uint32_t first = 0, n = 0;
    switch ((cs_cin_xkind)x->kind) {
    case CS_CIN_X_LEAF:
        write_value(c, x->name, leaf_cell(c, x, row));
        return;
    case CS_CIN_X_LEAF_ROW:
        cs_ds_children(c->ds, x->group, row, &first, &n);
        for (uint32_t i = 0; i < n && !c->failed; i++)
            write_value(c, x->name, leaf_cell(c, x, first + i));
        return;
    case CS_CIN_X_WRAP:
        if (!has_content(c, x, row))
            return;
        check(c, xmlTextWriterStartElement(c->w, BAD_CAST x->name));
        write_kids(c, x, row);
        check(c, xmlTextWriterEndElement(c->w));
        return;
    case CS_CIN_X_ROW:
        cs_ds_children(c->ds, x->group, row, &first, &n);
        for (uint32_t i = 0; i < n && !c->failed; i++) {
            check(c, xmlTextWriterStartElement(c->w, BAD_CAST x->name));
            write_kids(c, x, first + i);
            check(c, xmlTextWriterEndElement(c->w));
        }
        return;
    case CS_CIN_X_OBSOLETE:
        return;
    }
}

static void write_document(wctx *c)
{
    check(c, xmlTextWriterSetIndent(c->w, 1));
    check(c, xmlTextWriterSetIndentString(c->w, BAD_CAST "  "));
    check(c, xmlTextWriterStartDocument(c->w, "1.0", "UTF-8", NULL));
    check(c, xmlTextWriterStartElement(c->w, BAD_CAST cs_cin_xml_root.name));
    write_kids(c, &cs_cin_xml_root, 0);
    check(c, xmlTextWriterEndElement(c->w));
    check(c, xmlTextWriterEndDocument(c->w));
}

cs_status cs_cin_write(const cs_dataset *ds, const char *path, const cs_cin_year *year,
                       cs_diag *d)
{
    if (!ds || ds->schema != &cs_cin_schema || !ds->finalized ||
        cs_ds_count(ds, CS_CIN_G_MESSAGE) != 1)
        return cs_diag_set(d, CS_ERR_INTERNAL, path, 0, 0,
                           "cs_cin_write needs a finalised CIN dataset with one Message row");
    size_t plen = strlen(path);
    if (plen + 16 > CS_MAX_PATH)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "output path too long");
    char *tmp = cs_xmalloc(plen + 16);
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    sink s = {.fd = mkstemp(tmp)};   /* mode 0600: owner only */
    if (s.fd < 0) {
        cs_status st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot create the output file: %s",
                                   strerror(errno));
        free(tmp);
        return st;
    }
    wctx c = {.ds = ds, .end_year = year->end_year};
    xmlOutputBufferPtr out = xmlOutputBufferCreateIO(sink_write, sink_close, &s, NULL);
    if (out)
        c.w = xmlNewTextWriter(out);   /* owns out from here */
    else
        sink_close(&s);
    if (!c.w) {
        if (out)
            xmlOutputBufferClose(out);
        unlink(tmp);
        free(tmp);
        return cs_diag_set(d, CS_ERR_NOMEM, path, 0, 0, "cannot start the XML writer");
    }
    write_document(&c);
    xmlFreeTextWriter(c.w);   /* flushes and closes the sink */
    cs_status st = CS_OK;
    if (s.io_errno)
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the output file: %s",
                         strerror(s.io_errno));
    else if (c.failed)
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "writing the XML failed");
    else if (rename(tmp, path) != 0)
        st = cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot move the output into place: %s",
                         strerror(errno));
    if (st != CS_OK)
        unlink(tmp);
    free(tmp);
    return st;
}
