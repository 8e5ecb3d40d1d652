#include "warehouse/copy_pipe.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/* A queued piece: a buffer of encoded rows, or (name set, no buffer) the
 * start of the stream of that name. */
typedef struct {
    char *buf;
    size_t len;
    const char *name;
} piece;

struct cs_copy_pipe {
    pthread_mutex_t mu;
    pthread_cond_t changed;   /* anything below changed: both sides wait on it */
    piece *ring;              /* the queue, oldest at head */
    size_t ring_cap, head, count;
    char **spare;             /* empty buffers */
    size_t nspare, spare_cap;
    size_t nbuffers, max_buffers;
    int abandoned;            /* the sending side stopped: drop everything */
    int done;                 /* the encoder returned */
    cs_copy enc;
    cs_copy_encoder encode;
    void *arg;
    pthread_t thread;
    int threaded;
};

/* With p->mu held. */
static void ring_push(cs_copy_pipe *p, piece x)
{
    if (p->count == p->ring_cap) {   /* grow, unwrapping */
        size_t cap = p->ring_cap ? 2 * p->ring_cap : 64;
        piece *r = cs_xmalloc(cap * sizeof *r);
        for (size_t i = 0; i < p->count; i++)
            r[i] = p->ring[(p->head + i) % p->ring_cap];
        free(p->ring);
        p->ring = r;
        p->ring_cap = cap;
        p->head = 0;
    }
    p->ring[(p->head + p->count++) % p->ring_cap] = x;
}

static piece ring_pop(cs_copy_pipe *p)
{
    piece x = p->ring[p->head];
    p->head = (p->head + 1) % p->ring_cap;
    p->count--;
    return x;
}

static void spare_push(cs_copy_pipe *p, char *buf)
{
    if (p->nspare == p->spare_cap) {
        p->spare_cap = p->spare_cap ? 2 * p->spare_cap : 64;
        p->spare = cs_xrealloc(p->spare, p->spare_cap * sizeof *p->spare);
    }
    p->spare[p->nspare++] = buf;
}

char *cs_copy_pipe_hand_on(cs_copy *enc, char *buf, size_t len)
{
    cs_copy_pipe *p = enc->pipe;
    pthread_mutex_lock(&p->mu);
    if (p->abandoned) {   /* nobody will send it: keep the buffer, stop encoding */
        enc->failed = 1;
        pthread_mutex_unlock(&p->mu);
        return buf;
    }
    ring_push(p, (piece){buf, len, NULL});
    pthread_cond_broadcast(&p->changed);
    char *fresh = NULL;
    while (!fresh) {
        if (p->nspare) {
            fresh = p->spare[--p->nspare];
        } else if (p->nbuffers < p->max_buffers) {
            p->nbuffers++;
            pthread_mutex_unlock(&p->mu);
            fresh = cs_xmalloc(CS_COPY_BUF);
            pthread_mutex_lock(&p->mu);
        } else {
            pthread_cond_wait(&p->changed, &p->mu);   /* the sender returns one */
        }
    }
    pthread_mutex_unlock(&p->mu);
    return fresh;
}

/* What enc holds goes on first. */
static void hand_on_pending(cs_copy *enc)
{
    if (enc->len)
        enc->buf = cs_copy_pipe_hand_on(enc, enc->buf, enc->len);
    enc->len = 0;
}

/* The marker cs_copy_pipe_end queues: no stream starts after it. */
static const char no_more_streams[] = "no more streams";

void cs_copy_pipe_end(cs_copy *enc)
{
    cs_copy_pipe_stream(enc, no_more_streams);
}

void cs_copy_pipe_stream(cs_copy *enc, const char *name)
{
    hand_on_pending(enc);
    cs_copy_pipe *p = enc->pipe;
    pthread_mutex_lock(&p->mu);
    if (!p->abandoned)
        ring_push(p, (piece){NULL, 0, name});
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
}

static void *run_encoder(void *arg)
{
    cs_copy_pipe *p = arg;
    p->encode(&p->enc, p->arg);
    hand_on_pending(&p->enc);
    pthread_mutex_lock(&p->mu);
    p->done = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

cs_copy_pipe *cs_copy_pipe_start(cs_copy_encoder encode, void *arg, size_t max_bytes)
{
    cs_copy_pipe *p = cs_xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->changed, NULL);
    cs_copy_init(&p->enc, NULL);
    p->enc.pipe = p;
    p->nbuffers = 1;   /* the encoder's own */
    p->max_buffers = max_bytes / CS_COPY_BUF > 2 ? max_bytes / CS_COPY_BUF : 2;
    p->encode = encode;
    p->arg = arg;
    if (pthread_create(&p->thread, NULL, run_encoder, p) == 0) {
        p->threaded = 1;
    } else {
        p->max_buffers = SIZE_MAX;   /* no second thread: all of it now, in memory */
        run_encoder(p);
    }
    return p;
}

cs_status cs_copy_pipe_take(cs_copy_pipe *p, const char *name, cs_copy_sink sink, void *ctx,
                            cs_diag *d)
{
    pthread_mutex_lock(&p->mu);
    while (!p->count && !p->done)
        pthread_cond_wait(&p->changed, &p->mu);
    if (!p->count || !p->ring[p->head].name || p->ring[p->head].name == no_more_streams ||
        strcmp(p->ring[p->head].name, name) != 0) {
        const char *found = !p->count ? "nothing" : p->ring[p->head].name ? p->ring[p->head].name
                                                                           : "rows";
        pthread_mutex_unlock(&p->mu);
        return cs_diag_set(d, CS_ERR_INTERNAL, NULL, 0, 0,
                           "warehouse: COPY stream %s expected, the encoder has %s", name, found);
    }
    ring_pop(p);
    for (;;) {
        while (!p->count && !p->done)
            pthread_cond_wait(&p->changed, &p->mu);
        if (!p->count || p->ring[p->head].name)
            break;   /* the encoder finished, or the next stream starts */
        piece x = ring_pop(p);
        pthread_mutex_unlock(&p->mu);
        sink(ctx, x.buf, x.len);
        pthread_mutex_lock(&p->mu);
        spare_push(p, x.buf);
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->mu);
    return CS_OK;
}

static void send_to_copy(void *ctx, const char *bytes, size_t n)
{
    cs_copy_send(ctx, bytes, n);
}

cs_status cs_copy_pipe_send(cs_copy_pipe *p, cs_copy *o, const char *name, cs_diag *d)
{
    return cs_copy_pipe_take(p, name, send_to_copy, o, d);
}

void cs_copy_pipe_stop(cs_copy_pipe *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->abandoned = 1;
    while (p->count) {   /* unsent buffers become spares, so a waiting encoder goes on */
        piece x = ring_pop(p);
        if (x.buf)
            spare_push(p, x.buf);
    }
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    if (p->threaded)
        pthread_join(p->thread, NULL);
    for (size_t i = 0; i < p->nspare; i++)
        free(p->spare[i]);
    free(p->spare);
    free(p->ring);
    cs_copy_free(&p->enc);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
