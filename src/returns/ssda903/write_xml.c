/* Writing the 903 dataset as one EXPSSDA903 XML file, streamed through
 * libxml2's xmlTextWriter by walking the element tree in xml_tree.c, then
 * (when an XSD is named) validated before it is renamed into place. See
 * ssda903.h for the element order and what the XML cannot hold. */
#include <errno.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "returns/cin/cin.h"
#include "returns/ssda903/internal.h"

#define NO_ROW UINT32_MAX

typedef struct {
    int fd;
    int io_errno;
} sink;

typedef struct {
    xmlTextWriterPtr w;
    const cs_dataset *ds;
    int failed;
} wctx;

static int sink_write(void *ctx, const char *buf, int len)
{
    sink *s = ctx;
    size_t done = 0;
    while (done < (size_t)len) {
        ssize_t n = write(s->fd, buf + done, (size_t)len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            s->io_errno = s->io_errno ? s->io_errno : errno;
            return -1;
        }
        done += (size_t)n;
    }
    return len;
}

static int sink_close(void *ctx)
{
    (void)ctx;   /* the descriptor is closed when the file is committed */
    return 0;
}

static void check(wctx *c, int rc)
{
    if (rc < 0)
        c->failed = 1;
}

/* The child's only row of group g, NO_ROW when none. */
static uint32_t only_row(const cs_dataset *ds, int g, uint32_t child)
{
    uint32_t first, n;
    cs_ds_children(ds, g, child, &first, &n);
    return n ? first : NO_ROW;
}

static void leaf(wctx *c, const char *name, int g, uint32_t row, int field)
{
    if (row == NO_ROW)
        return;
    char buf[32];
    const char *t = s903_cell_text(cs_ds_cell_c(c->ds, g, row, field), buf, sizeof buf);
    if (t)
        check(c, xmlTextWriterWriteElement(c->w, BAD_CAST name, BAD_CAST t));
}

/* Rows of group x->group under the child, each as element x with its leaves. */
static void rows(wctx *c, const s903_xnode *x, uint32_t child)
{
    uint32_t first, n;
    cs_ds_children(c->ds, x->group, child, &first, &n);
    for (uint32_t r = first; r < first + n && !c->failed; r++) {
        check(c, xmlTextWriterStartElement(c->w, BAD_CAST x->name));
        for (uint32_t k = 0; k < x->nkids; k++)
            leaf(c, x->kids[k].name, x->kids[k].group, r, x->kids[k].field);
        check(c, xmlTextWriterEndElement(c->w));
    }
}

static void header(wctx *c, const s903_xnode *x, uint32_t child)
{
    uint32_t hrow = only_row(c->ds, CS_903_G_HEADER, child);
    check(c, xmlTextWriterStartElement(c->w, BAD_CAST x->name));
    for (uint32_t k = 0; k < x->nkids && !c->failed; k++) {
        const s903_xnode *kid = &x->kids[k];
        if (kid->kind == S903_X_ROW)
            rows(c, kid, child);
        else if (kid->group == CS_903_G_HEADER && kid->field == CS_903_H_CHILD && hrow == NO_ROW)
            leaf(c, kid->name, CS_903_G_CHILD, child, CS_903_C_CHILD);
        else if (kid->group == CS_903_G_HEADER)
            leaf(c, kid->name, CS_903_G_HEADER, hrow, kid->field);
        else
            leaf(c, kid->name, kid->group, only_row(c->ds, kid->group, child), kid->field);
    }
    check(c, xmlTextWriterEndElement(c->w));
}

static void write_document(wctx *c)
{
    const s903_xnode *xchild = &s903_xml_root.kids[0];
    check(c, xmlTextWriterSetIndent(c->w, 1));
    check(c, xmlTextWriterSetIndentString(c->w, BAD_CAST "  "));
    check(c, xmlTextWriterStartDocument(c->w, "1.0", "UTF-8", NULL));
    check(c, xmlTextWriterStartElement(c->w, BAD_CAST s903_xml_root.name));
    uint32_t nchild = cs_ds_count(c->ds, CS_903_G_CHILD);
    for (uint32_t ch = 0; ch < nchild && !c->failed; ch++) {
        check(c, xmlTextWriterStartElement(c->w, BAD_CAST xchild->name));
        for (uint32_t k = 0; k < xchild->nkids; k++) {
            const s903_xnode *kid = &xchild->kids[k];
            if (kid->group == CS_903_G_HEADER)
                header(c, kid, ch);
            else
                rows(c, kid, ch);
        }
        check(c, xmlTextWriterEndElement(c->w));
    }
    check(c, xmlTextWriterEndElement(c->w));
    check(c, xmlTextWriterEndDocument(c->w));
}

/* Groups whose items HEADER holds once per child. */
static cs_status check_once_per_child(const cs_dataset *ds, const char *path, cs_diag *d)
{
    static const int once[] = {CS_903_G_HEADER, CS_903_G_UASC, CS_903_G_OC3, CS_903_G_AD1,
                               CS_903_G_PREVPERM, CS_903_G_OC2};
    uint32_t nchild = cs_ds_count(ds, CS_903_G_CHILD);
    for (uint32_t ch = 0; ch < nchild; ch++)
        for (size_t k = 0; k < sizeof once / sizeof once[0]; k++) {
            uint32_t first, n;
            cs_ds_children(ds, once[k], ch, &first, &n);
            if (n > 1)
                return cs_diag_set(d, CS_ERR_FORMAT, path, 0, 0,
                                   "child %s has %u %s rows; the XML holds one per child",
                                   cs_ds_child_id(ds, CS_903_G_CHILD, ch), n,
                                   ds->schema->groups[once[k]].name);
        }
    return CS_OK;
}

cs_status cs_903_xsd_validate(const char *path, const char *xsd_path, cs_diag *d)
{
    /* the CIN module's validator is not specific to the CIN census */
    return cs_cin_xsd_validate(path, xsd_path, d);
}

cs_status cs_903_write_xml(const cs_dataset *ds, const char *path, const cs_903_year *year,
                           const char *xsd_path, cs_diag *d)
{
    (void)year;   /* both known years have the same XML; the XSD names the year */
    if (!ds || ds->schema != &cs_903_schema || !ds->finalized)
        return cs_diag_set(d, CS_ERR_INTERNAL, path, 0, 0,
                           "cs_903_write_xml needs a finalised SSDA903 dataset");
    cs_status st = check_once_per_child(ds, path, d);
    if (st != CS_OK)
        return st;
    s903_tmpfile tf;
    if ((st = s903_tmp_open(&tf, path, d)) != CS_OK)
        return st;
    sink s = {.fd = tf.fd};
    wctx c = {.ds = ds};
    xmlOutputBufferPtr out = xmlOutputBufferCreateIO(sink_write, sink_close, &s, NULL);
    if (out)
        c.w = xmlNewTextWriter(out);   /* owns out from here */
    if (!c.w) {
        if (out)
            xmlOutputBufferClose(out);
        s903_tmp_abort(&tf);
        return cs_diag_set(d, CS_ERR_NOMEM, path, 0, 0, "cannot start the XML writer");
    }
    write_document(&c);
    xmlFreeTextWriter(c.w);   /* flushes */
    if (s.io_errno || c.failed) {
        s903_tmp_abort(&tf);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot write the output file: %s",
                           s.io_errno ? strerror(s.io_errno) : "the XML writer failed");
    }
    if (xsd_path) {
        st = cs_903_xsd_validate(tf.tmp, xsd_path, d);
        if (st != CS_OK) {
            if (d && d->status == CS_ERR_FORMAT)
                snprintf(d->file, sizeof d->file, "%s", path);   /* not the temporary name */
            s903_tmp_abort(&tf);
            return st;
        }
    }
    return s903_tmp_commit(&tf, d);
}
