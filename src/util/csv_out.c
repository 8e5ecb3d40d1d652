#include "util/csv_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"

#define CSV_OUT_BUFFER (1u << 20)

int cs_csv_out_open(cs_csv_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    /* owner-only even when the file existed with a wider mode (a device or
     * pipe such as /dev/stdout is left as it is); never through a symlink */
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (o->fd < 0)
        return errno;
    struct stat sb;
    if (fstat(o->fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 0777) != 0600 &&
        fchmod(o->fd, 0600) != 0) {
        int e = errno;
        close(o->fd);
        o->fd = -1;
        return e;
    }
    o->cap = CSV_OUT_BUFFER;
    o->buf = cs_xmalloc(o->cap);
    return 0;
}

/* Writes n bytes at s unless an earlier write failed. */
static void write_all(cs_csv_out *o, const char *s, size_t n)
{
    while (n && !o->err) {
        ssize_t w = write(o->fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            o->err = w < 0 ? errno : EIO;
            break;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void flush(cs_csv_out *o)
{
    write_all(o, o->buf, o->len);
    o->len = 0;
}

void cs_csv_out_bytes(cs_csv_out *o, const char *s, size_t n)
{
    if (n > o->cap - o->len) {
        flush(o);
        if (n >= o->cap) {   /* larger than the buffer: straight out */
            write_all(o, s, n);
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

size_t cs_csv_plain_len(const char *s)
{
    size_t n = strcspn(s, ",\"\r\n");
    return s[n] ? SIZE_MAX : n;
}

void cs_csv_out_field(cs_csv_out *o, const char *s)
{
    if (!s)
        return;
    size_t plain = cs_csv_plain_len(s);
    if (plain != SIZE_MAX) {
        cs_csv_out_bytes(o, s, plain);
        return;
    }
    cs_csv_out_char(o, '"');
    /* each quote ends a stretch and is written twice */
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
        cs_csv_out_bytes(o, s, (size_t)(q - s) + 1);
        cs_csv_out_char(o, '"');
    }
    cs_csv_out_bytes(o, s, strlen(s));
    cs_csv_out_char(o, '"');
}

void cs_csv_out_uint(cs_csv_out *o, uint64_t v)
{
    char num[20];
    char *p = num + sizeof num;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    cs_csv_out_bytes(o, p, (size_t)(num + sizeof num - p));
}

int cs_csv_out_close(cs_csv_out *o)
{
    if (o->fd < 0)
        return EBADF;
    flush(o);
    int err = o->err;
    if (close(o->fd) != 0 && !err)
        err = errno;
    free(o->buf);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    return err;
}
