/* Byte sources: plain file, standard input or a memory buffer, with gzip
 * decompression switched on when the first bytes are the gzip magic 1f 8b.
 *
 * The underlying "raw" layer (fd or memory) is read in large chunks. The
 * first chunk is peeked to detect gzip; for plain input it is handed out
 * first and later reads go straight into the caller's buffer. */
#include "io/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/arena.h"

#define RAW_CHUNK (256u * 1024u)   /* compressed input / peek buffer */

struct cs_bytesrc {
    char *name;
    int fd;                     /* -1 for memory sources */
    int close_fd;               /* 0 for standard input */
    const unsigned char *mem;   /* memory source */
    size_t mem_len, mem_pos;
    size_t max_read;            /* 0 = none; see cs_bytesrc_set_max_read */

    unsigned char *in;          /* peeked plain bytes, or compressed input */
    size_t in_cap, in_len, in_pos;
    uint64_t raw_consumed;      /* raw (compressed) bytes taken from fd/mem */
    int raw_eof;

    int gzip;
    int z_ready;                /* inflateInit2 done */
    int z_member_done;          /* last inflate returned Z_STREAM_END */
    z_stream z;
    uint64_t out_offset;        /* decompressed bytes handed out */
    int eof;
    int failed;                 /* sticky error, re-reported on later reads */
    cs_diag err;
};

/* Records the error in s->err (sticky); it is copied to the caller's diag. */
static cs_status fail(cs_bytesrc *s, cs_status st, uint64_t offset)
{
    s->failed = 1;
    s->err.byte_offset = offset;
    return st;
}

/* Reads raw bytes from the fd or the memory buffer. */
static cs_status raw_read(cs_bytesrc *s, unsigned char *buf, size_t cap, size_t *got)
{
    *got = 0;
    if (s->raw_eof || cap == 0)
        return CS_OK;
    if (s->max_read && cap > s->max_read)
        cap = s->max_read;
    if (s->fd < 0) {
        size_t n = s->mem_len - s->mem_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->mem + s->mem_pos, n);
        s->mem_pos += n;
        *got = n;
    } else {
        ssize_t n;
        do
            n = read(s->fd, buf, cap);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            cs_diag_set(&s->err, CS_ERR_IO, s->name, 0, 0, "cannot read: %s", strerror(errno));
            return fail(s, CS_ERR_IO, s->raw_consumed);
        }
        *got = (size_t)n;
    }
    if (*got == 0)
        s->raw_eof = 1;
    s->raw_consumed += *got;
    return CS_OK;
}

/* Peek the first bytes (looping over short reads, e.g. from a pipe) so the
 * gzip magic can be seen even when the source trickles in. */
static cs_status peek_magic(cs_bytesrc *s)
{
    /* a small memory source gets a small buffer (fuzzing opens thousands) */
    s->in_cap = s->fd < 0 && s->mem_len < RAW_CHUNK ? s->mem_len + 2 : RAW_CHUNK;
    s->in = cs_xmalloc(s->in_cap);
    while (s->in_len < 2 && !s->raw_eof) {
        size_t got;
        cs_status st = raw_read(s, s->in + s->in_len, s->in_cap - s->in_len, &got);
        if (st != CS_OK)
            return st;
        s->in_len += got;
    }
    if (s->in_len >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
        s->gzip = 1;
        memset(&s->z, 0, sizeof s->z);
        if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
            cs_diag_set(&s->err, CS_ERR_NOMEM, s->name, 0, 0, "cannot start the gzip decoder");
            return fail(s, CS_ERR_NOMEM, 0);
        }
        s->z_ready = 1;
    }
    return CS_OK;
}

static cs_bytesrc *new_source(const char *name)
{
    cs_bytesrc *s = cs_xcalloc(1, sizeof *s);
    s->name = cs_xstrdup(name);
    s->fd = -1;
    return s;
}

static cs_status finish_open(cs_bytesrc **out, cs_bytesrc *s, cs_diag *d)
{
    cs_status st = peek_magic(s);
    if (st != CS_OK) {
        if (d)
            *d = s->err;
        cs_bytesrc_close(s);
        return st;
    }
    *out = s;
    return CS_OK;
}

cs_status cs_bytesrc_open(cs_bytesrc **out, const char *path, cs_diag *d)
{
    *out = NULL;
    if (strcmp(path, "-") == 0) {
        cs_bytesrc *s = new_source("<stdin>");
        s->fd = STDIN_FILENO;
        return finish_open(out, s, d);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read: is a directory");
    }
#ifdef POSIX_FADV_SEQUENTIAL
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    cs_bytesrc *s = new_source(path);
    s->fd = fd;
    s->close_fd = 1;
    return finish_open(out, s, d);
}

cs_status cs_bytesrc_open_mem(cs_bytesrc **out, const void *data, size_t n, const char *name,
                              cs_diag *d)
{
    *out = NULL;
    cs_bytesrc *s = new_source(name ? name : "<memory>");
    s->mem = data;
    s->mem_len = data ? n : 0;
    return finish_open(out, s, d);
}

/* Bytes after a complete gzip member: another member, zero padding (which
 * gzip(1) also ignores), or garbage. */
static cs_status after_member(cs_bytesrc *s)
{
    for (;;) {
        while (s->in_pos < s->in_len && s->in[s->in_pos] == 0)
            s->in_pos++;
        if (s->in_pos < s->in_len)
            break;
        size_t got;
        s->in_pos = s->in_len = 0;
        cs_status st = raw_read(s, s->in, s->in_cap, &got);
        if (st != CS_OK)
            return st;
        if (got == 0) {
            s->eof = 1;
            return CS_OK;
        }
        s->in_len = got;
    }
    if (s->in[s->in_pos] != 0x1f) {
        uint64_t off = s->raw_consumed - (s->in_len - s->in_pos);
        cs_diag_set(&s->err, CS_ERR_FORMAT, s->name, 0, 0,
                    "data after the end of the gzip stream at compressed byte offset %llu",
                    (unsigned long long)off);
        return fail(s, CS_ERR_FORMAT, off);
    }
    inflateReset(&s->z);
    s->z_member_done = 0;
    return CS_OK;
}

/* Takes the next chunk of compressed input; running out of it before the
 * end of a member means the file was cut short. */
static cs_status refill_compressed(cs_bytesrc *s, uint64_t produced)
{
    size_t n;
    s->in_pos = s->in_len = 0;
    cs_status st = raw_read(s, s->in, s->in_cap, &n);
    if (st != CS_OK)
        return st;
    if (n == 0) {
        cs_diag_set(&s->err, CS_ERR_FORMAT, s->name, 0, 0,
                    "gzip stream is truncated at compressed byte offset %llu "
                    "(after %llu bytes of data)",
                    (unsigned long long)s->raw_consumed,
                    (unsigned long long)(s->out_offset + produced));
        return fail(s, CS_ERR_FORMAT, s->raw_consumed);
    }
    s->in_len = n;
    return CS_OK;
}

static cs_status gzip_read(cs_bytesrc *s, unsigned char *buf, size_t cap, size_t *got)
{
    uInt want = cap > UINT32_MAX ? UINT32_MAX : (uInt)cap;
    s->z.next_out = buf;
    s->z.avail_out = want;
    cs_status st = CS_OK;
    while (st == CS_OK && s->z.avail_out > 0 && !s->eof) {
        if (s->z_member_done) {
            st = after_member(s);
            continue;
        }
        /* inflate first even with no input left: it may hold output back */
        s->z.next_in = s->in + s->in_pos;
        s->z.avail_in = (uInt)(s->in_len - s->in_pos);
        int zr = inflate(&s->z, Z_NO_FLUSH);
        s->in_pos = s->in_len - s->z.avail_in;
        if (zr == Z_STREAM_END) {
            s->z_member_done = 1;
        } else if (zr == Z_BUF_ERROR && s->z.avail_in == 0) {
            st = refill_compressed(s, want - s->z.avail_out);
        } else if (zr != Z_OK) {
            uint64_t off = s->raw_consumed - s->z.avail_in;
            cs_diag_set(&s->err, CS_ERR_FORMAT, s->name, 0, 0,
                        "corrupt gzip data at compressed byte offset %llu: %s",
                        (unsigned long long)off, s->z.msg ? s->z.msg : "inflate failed");
            st = fail(s, CS_ERR_FORMAT, off);
        }
    }
    *got = want - s->z.avail_out;
    /* Data decoded before a failure is handed out first; the error is sticky
     * and comes with the next read. */
    return *got ? CS_OK : st;
}

cs_status cs_bytesrc_read(cs_bytesrc *s, void *buf, size_t cap, size_t *got, cs_diag *d)
{
    *got = 0;
    if (s->failed) {
        if (d)
            *d = s->err;
        return s->err.status;
    }
    if (cap == 0)
        return CS_OK;
    if (s->max_read && cap > s->max_read)
        cap = s->max_read;
    cs_status st;
    if (s->gzip) {
        st = gzip_read(s, buf, cap, got);
    } else if (s->in_pos < s->in_len) {
        size_t n = s->in_len - s->in_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->in + s->in_pos, n);
        s->in_pos += n;
        *got = n;
        st = CS_OK;
    } else {
        st = raw_read(s, buf, cap, got);
    }
    if (st != CS_OK && d)
        *d = s->err;
    s->out_offset += *got;
    return st;
}

void cs_bytesrc_set_max_read(cs_bytesrc *s, size_t max)
{
    s->max_read = max;
}

const char *cs_bytesrc_name(const cs_bytesrc *s)
{
    return s->name;
}

int cs_bytesrc_is_gzip(const cs_bytesrc *s)
{
    return s->gzip;
}

uint64_t cs_bytesrc_offset(const cs_bytesrc *s)
{
    return s->out_offset;
}

void cs_bytesrc_close(cs_bytesrc *s)
{
    if (!s)
        return;
    if (s->z_ready)
        inflateEnd(&s->z);
    if (s->close_fd && s->fd >= 0)
        close(s->fd);
    free(s->in);
    free(s->name);
    free(s);
}
