/* COPY streams encoded on a second thread (warehouse/copy_pipe): every byte
 * arrives, in order, in the stream it was written to, with little memory
 * (streams far larger than the pipe's bound); a stream asked for by the
 * wrong name, or one the encoder never wrote, is an error and not a hang;
 * and a loader that gives up stops the encoder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "warehouse/copy_pipe.h"

/* Row i of a stream, as the encoder writes it: its number, a text with
 * characters to escape, and a long value every 1000th row (longer than one
 * buffer: handed on in pieces). */
static void write_row(cs_copy *o, size_t stream, size_t i)
{
    static char longtext[300000];
    if (!longtext[0])
        memset(longtext, 'x', sizeof longtext - 1);
    cs_copy_int(o, (long long)(stream * 1000000 + i));
    cs_copy_sep(o);
    cs_copy_text(o, i % 1000 == 999 ? longtext : "tab\there");
    cs_copy_eol(o);
}

typedef struct {
    size_t rows[4];     /* rows per stream */
    size_t nstreams;
    size_t written;     /* rows the encoder wrote */
    int saw_failed;     /* the encoder was told to stop */
} plan;

static const char *const names[] = {"first", "second", "third", "fourth"};

static void encode_plan(cs_copy *enc, void *arg)
{
    plan *p = arg;
    for (size_t s = 0; s < p->nstreams; s++) {
        cs_copy_pipe_stream(enc, names[s]);
        for (size_t i = 0; i < p->rows[s]; i++) {
            if (enc->failed) {
                p->saw_failed = 1;
                return;
            }
            write_row(enc, s, i);
            p->written++;
        }
    }
}

/* A sink that compares what arrives with what the encoder wrote. */
typedef struct {
    cs_copy expect;     /* the same rows, encoded here (never flushed: big buffer) */
    size_t at;          /* bytes of it matched so far */
    int mismatch;
    size_t pieces;
} checker;

static void check_bytes(void *ctx, const char *bytes, size_t n)
{
    checker *c = ctx;
    c->pieces++;
    if (c->at + n > c->expect.len || memcmp(c->expect.buf + c->at, bytes, n) != 0)
        c->mismatch = 1;
    c->at += n;
}

/* The bytes of stream s, encoded without a pipe. */
static void expect_stream(checker *c, size_t s, size_t rows)
{
    cs_copy_free(&c->expect);
    cs_copy_init(&c->expect, NULL);
    size_t need = rows * 32 + (rows / 1000 + 1) * 300000;
    c->expect.buf = realloc(c->expect.buf, need);
    c->expect.cap = need;
    for (size_t i = 0; i < rows; i++)
        write_row(&c->expect, s, i);
    c->at = 0;
    c->mismatch = 0;
    c->pieces = 0;
}

static void test_streams_arrive_whole_and_in_order(void **state)
{
    (void)state;
    /* 5 MB and more through a pipe of two 256 KB buffers; an empty stream */
    plan p = {.rows = {150000, 0, 3, 120000}, .nstreams = 4};
    cs_copy_pipe *pipe = cs_copy_pipe_start(encode_plan, &p, 2 * CS_COPY_BUF);
    checker c;
    cs_copy_init(&c.expect, NULL);
    for (size_t s = 0; s < p.nstreams; s++) {
        expect_stream(&c, s, p.rows[s]);
        cs_diag d = {0};
        assert_int_equal(cs_copy_pipe_take(pipe, names[s], check_bytes, &c, &d), CS_OK);
        assert_false(c.mismatch);
        assert_int_equal(c.at, c.expect.len);   /* nothing left over, nothing from the next */
        if (p.rows[s] > 100000)
            assert_true(c.pieces > 10);
    }
    cs_copy_pipe_stop(pipe);
    assert_int_equal(p.written, 270003);
    assert_false(p.saw_failed);
    cs_copy_free(&c.expect);
}

static void ignore_bytes(void *ctx, const char *bytes, size_t n)
{
    (void)bytes;
    *(size_t *)ctx += n;
}

static void test_wrong_or_missing_stream_is_an_error(void **state)
{
    (void)state;
    plan p = {.rows = {10, 10}, .nstreams = 2};
    cs_copy_pipe *pipe = cs_copy_pipe_start(encode_plan, &p, 4 * CS_COPY_BUF);
    size_t got = 0;
    cs_diag d = {0};
    assert_int_equal(cs_copy_pipe_take(pipe, "second", ignore_bytes, &got, &d),
                     CS_ERR_INTERNAL);
    assert_non_null(strstr(d.msg, "second expected"));
    assert_non_null(strstr(d.msg, "first"));
    assert_int_equal(got, 0);
    cs_copy_pipe_stop(pipe);

    /* the encoder wrote two streams; a third is asked for */
    pipe = cs_copy_pipe_start(encode_plan, &p, 4 * CS_COPY_BUF);
    assert_int_equal(cs_copy_pipe_take(pipe, "first", ignore_bytes, &got, &d), CS_OK);
    assert_int_equal(cs_copy_pipe_take(pipe, "second", ignore_bytes, &got, &d), CS_OK);
    assert_int_equal(cs_copy_pipe_take(pipe, "third", ignore_bytes, &got, &d), CS_ERR_INTERNAL);
    assert_non_null(strstr(d.msg, "nothing"));
    cs_copy_pipe_stop(pipe);
}

/* After cs_copy_pipe_end the last stream is whole for the sender, though
 * the encoder is still busy: it waits here until the test lets it go. */
typedef struct {
    int release;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} gate;

static void encode_then_linger(cs_copy *enc, void *arg)
{
    gate *g = arg;
    cs_copy_pipe_stream(enc, "only");
    write_row(enc, 0, 1);
    cs_copy_pipe_end(enc);
    /* not forever: a pipe that waited for the encoder to return would
     * fail the test after 5 s instead of hanging it */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&g->mu);
    while (!g->release && pthread_cond_timedwait(&g->cv, &g->mu, &until) == 0)
        ;
    pthread_mutex_unlock(&g->mu);
}

static void test_end_closes_the_last_stream(void **state)
{
    (void)state;
    gate g = {0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
    cs_copy_pipe *pipe = cs_copy_pipe_start(encode_then_linger, &g, 4 * CS_COPY_BUF);
    size_t got = 0;
    cs_diag d = {0};
    time_t t0 = time(NULL);
    assert_int_equal(cs_copy_pipe_take(pipe, "only", ignore_bytes, &got, &d), CS_OK);
    assert_true(time(NULL) - t0 < 4);   /* did not wait for the encoder to return */
    assert_int_equal(got, 12);   /* "1", tab, "tab\\there" (escaped), newline */
    assert_int_equal(cs_copy_pipe_take(pipe, "more", ignore_bytes, &got, &d), CS_ERR_INTERNAL);
    assert_non_null(strstr(d.msg, "no more streams"));
    pthread_mutex_lock(&g.mu);
    g.release = 1;
    pthread_cond_signal(&g.cv);
    pthread_mutex_unlock(&g.mu);
    cs_copy_pipe_stop(pipe);
}

static void test_giving_up_stops_the_encoder(void **state)
{
    (void)state;
    /* far more rows than will ever be taken: stop must not wait for them
     * all, nor hang on the full pipe */
    plan p = {.rows = {1000, SIZE_MAX / 2}, .nstreams = 2};
    cs_copy_pipe *pipe = cs_copy_pipe_start(encode_plan, &p, 2 * CS_COPY_BUF);
    size_t got = 0;
    cs_diag d = {0};
    assert_int_equal(cs_copy_pipe_take(pipe, "first", ignore_bytes, &got, &d), CS_OK);
    assert_true(got > 0);
    cs_copy_pipe_stop(pipe);
    assert_true(p.saw_failed);

    /* stopped before anything was taken */
    plan q = {.rows = {SIZE_MAX / 2}, .nstreams = 1};
    cs_copy_pipe_stop(cs_copy_pipe_start(encode_plan, &q, 2 * CS_COPY_BUF));
    assert_true(q.saw_failed);
    cs_copy_pipe_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streams_arrive_whole_and_in_order),
        cmocka_unit_test(test_wrong_or_missing_stream_is_an_error),
        cmocka_unit_test(test_end_closes_the_last_stream),
        cmocka_unit_test(test_giving_up_stops_the_encoder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
