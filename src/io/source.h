/* Byte sources and text decoding.
 *
 * cs_bytesrc: raw bytes from a plain file, a gzip file (detected by its magic
 * bytes 1f 8b, never by name) or standard input ("-"). Multi-member gzip
 * files are read to the end; a truncated gzip stream is CS_ERR_FORMAT naming
 * the file and the offset.
 *
 * cs_textsrc: UTF-8 text from a byte source. The encoding is sniffed (BOM
 * first: UTF-8 BOM, UTF-16LE/BE BOM; otherwise valid UTF-8 -> UTF-8, NUL
 * pattern -> UTF-16 without BOM, else Windows-1252) or forced by the caller
 * (the profile). A BOM, when present, decides over the caller's choice (a
 * UTF-16 BOM also fixes the byte order); the forced encoding is for files
 * without one. Conversion uses iconv. A BOM is never passed on. An invalid
 * byte sequence is CS_ERR_ENCODING naming file, line and byte offset, unless
 * the policy is CS_INVALID_REPLACE: then U+FFFD is substituted and one
 * CS_FK_BAD_ENCODING finding per line is recorded. NUL bytes in UTF-8 or
 * single-byte text (and U+0000 in UTF-16) are an encoding error (they are
 * not text). Lines end at LF, CR LF or a lone CR, as in the CSV reader; the
 * text before an invalid sequence is handed out before the error. */
#ifndef CS_IO_SOURCE_H
#define CS_IO_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"
#include "util/findings.h"

typedef struct cs_bytesrc cs_bytesrc;

cs_status cs_bytesrc_open(cs_bytesrc **out, const char *path, cs_diag *d);
/* Wrap an in-memory buffer (not copied; must outlive the source). For tests and fuzzing. */
cs_status cs_bytesrc_open_mem(cs_bytesrc **out, const void *data, size_t n, const char *name,
                              cs_diag *d);
/* Reads up to cap bytes; *got = 0 only at end of input. */
cs_status cs_bytesrc_read(cs_bytesrc *s, void *buf, size_t cap, size_t *got, cs_diag *d);
/* Caps every underlying read at max bytes (0 = no cap). For tests and
 * fuzzing: with 1, every byte is a buffer boundary for the layers above. */
void cs_bytesrc_set_max_read(cs_bytesrc *s, size_t max);
const char *cs_bytesrc_name(const cs_bytesrc *s);
int cs_bytesrc_is_gzip(const cs_bytesrc *s);
uint64_t cs_bytesrc_offset(const cs_bytesrc *s);   /* raw (decompressed) bytes consumed */
void cs_bytesrc_close(cs_bytesrc *s);

typedef enum {
    CS_ENC_AUTO = 0,
    CS_ENC_UTF8,
    CS_ENC_UTF16LE,
    CS_ENC_UTF16BE,
    CS_ENC_CP1252,
    CS_ENC_LATIN1
} cs_encoding;

typedef enum { CS_INVALID_ERROR = 0, CS_INVALID_REPLACE } cs_invalid_policy;

/* "utf-8", "utf-16le", "windows-1252", ...; case-insensitive, common aliases
 * (utf8, cp1252, latin1, iso-8859-1, utf-16) accepted. -1 if unknown. */
int cs_encoding_parse(const char *name);
const char *cs_encoding_name(cs_encoding e);

typedef struct cs_textsrc cs_textsrc;

/* Takes ownership of src. findings may be NULL (then REPLACE records nothing). */
cs_status cs_textsrc_open(cs_textsrc **out, cs_bytesrc *src, cs_encoding enc,
                          cs_invalid_policy policy, cs_findings *findings, cs_diag *d);
/* Convenience: open a path and wrap it. */
cs_status cs_textsrc_open_path(cs_textsrc **out, const char *path, cs_encoding enc,
                               cs_invalid_policy policy, cs_findings *findings, cs_diag *d);
/* UTF-8 out; *got = 0 only at end of input. */
cs_status cs_textsrc_read(cs_textsrc *t, char *buf, size_t cap, size_t *got, cs_diag *d);
cs_encoding cs_textsrc_encoding(const cs_textsrc *t);   /* the one detected/used */
const char *cs_textsrc_name(const cs_textsrc *t);
void cs_textsrc_close(cs_textsrc *t);

#endif
