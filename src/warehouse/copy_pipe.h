/* COPY streams encoded on a second thread while this one sends them.
 *
 * The load's streams (every fact, the exceptions, the CLA episodes) are
 * encoded by one function on an encoder thread, in the order the loader will
 * send them; the loader's thread, the only one that talks to the server,
 * takes each stream's buffers in turn. So encoding keeps going while the
 * server parses a stream, builds an index or waits on the disk, and the
 * server is not left waiting for the client's next buffer. Memory is bounded:
 * the encoder waits when `max_bytes` of buffers are queued.
 *
 * Each stream is announced by name (cs_copy_pipe_stream) and asked for by
 * name (cs_copy_pipe_send), so the two sides cannot drift apart silently.
 * Internal to the warehouse module. */
#ifndef CS_WAREHOUSE_COPY_PIPE_H
#define CS_WAREHOUSE_COPY_PIPE_H

#include <stddef.h>

#include "util/diag.h"
#include "warehouse/copy.h"

/* Encodes every stream into enc: cs_copy_pipe_stream(enc, name) before each
 * one's rows. It should stop early when enc->failed is set (the loader gave
 * up). Runs on the encoder thread: what it reads must not change meanwhile. */
typedef void (*cs_copy_encoder)(cs_copy *enc, void *arg);

/* Start encoding. Without a thread to be had, everything is encoded here,
 * first, into memory. */
cs_copy_pipe *cs_copy_pipe_start(cs_copy_encoder encode, void *arg, size_t max_bytes);

/* Encoder side: the rows that follow belong to stream `name` (a string
 * that lives as long as the pipe). */
void cs_copy_pipe_stream(cs_copy *enc, const char *name);

/* Encoder side: no more streams. The last one is complete for the sending
 * side now, while the encoder may go on with other work (it is waited for
 * by cs_copy_pipe_stop). Optional: returning ends the last stream too. */
void cs_copy_pipe_end(cs_copy *enc);

/* Sending side: every byte of the next stream, which must be `name`, given
 * to sink piece by piece (in order). */
typedef void (*cs_copy_sink)(void *ctx, const char *bytes, size_t n);
cs_status cs_copy_pipe_take(cs_copy_pipe *p, const char *name, cs_copy_sink sink, void *ctx,
                            cs_diag *d);

/* The same into o's COPY (between cs_copy_begin and cs_copy_end). */
cs_status cs_copy_pipe_send(cs_copy_pipe *p, cs_copy *o, const char *name, cs_diag *d);

/* Wait for the encoder to finish (abandoning what is not sent yet: it stops
 * early) and free the pipe. NULL is fine. */
void cs_copy_pipe_stop(cs_copy_pipe *p);

/* For copy.c: a full buffer of enc's, handed to the sending side; returns
 * an empty buffer of CS_COPY_BUF bytes to go on with. */
char *cs_copy_pipe_hand_on(cs_copy *enc, char *buf, size_t len);

#endif
