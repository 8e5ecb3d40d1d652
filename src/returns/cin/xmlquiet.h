/* Keeping libxml2 quiet: while a CIN reader, writer or validator runs,
 * libxml2's thread-global error handlers point at the caller's structured
 * handler (and a generic one that drops context-free chatter), so nothing
 * reaches stderr; the previous handlers are put back afterwards. Library
 * code never prints. */
#ifndef CS_RETURNS_CIN_XMLQUIET_H
#define CS_RETURNS_CIN_XMLQUIET_H

#include <libxml/globals.h>
#include <libxml/xmlerror.h>

typedef struct {
    xmlStructuredErrorFunc serr;
    void *sctx;
    xmlGenericErrorFunc gerr;
    void *gctx;
} cs_cin_xml_handlers;

static inline void cs_cin_xml_drop_generic(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

static inline cs_cin_xml_handlers cs_cin_xml_quiet(void *ctx, xmlStructuredErrorFunc on_error)
{
    cs_cin_xml_handlers h = {xmlStructuredError, xmlStructuredErrorContext, xmlGenericError,
                             xmlGenericErrorContext};
    xmlSetStructuredErrorFunc(ctx, on_error);
    xmlSetGenericErrorFunc(ctx, cs_cin_xml_drop_generic);
    return h;
}

static inline void cs_cin_xml_restore(const cs_cin_xml_handlers *h)
{
    xmlSetStructuredErrorFunc(h->sctx, h->serr);
    xmlSetGenericErrorFunc(h->gctx, h->gerr);
}

#endif
