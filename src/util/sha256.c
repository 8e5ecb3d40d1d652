#include "util/sha256.h"

#include <openssl/evp.h>
#include <stdio.h>

static void to_hex(const unsigned char md[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

void cs_sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    to_hex(md, out);
}

cs_status cs_sha256_file(const char *path, char out[65], uint64_t *bytes, cs_diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "cannot read for checksum");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    unsigned char buf[1 << 16];
    size_t n;
    uint64_t total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        total += n;
    }
    int err = ferror(f);
    fclose(f);
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (err)
        return cs_diag_set(d, CS_ERR_IO, path, 0, 0, "error reading for checksum");
    to_hex(md, out);
    if (bytes)
        *bytes = total;
    return CS_OK;
}
