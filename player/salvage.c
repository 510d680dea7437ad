/* salvage: the file is read whole into memory (a ward PC's learner store is
 * a few megabytes; SALVAGE_MAX_FILE caps it), with the WAL's committed pages
 * laid over it. Each page gets a state as it is understood: reached by a
 * table's b-tree, free, overflow of a cell, a leaf no tree reached (its rows
 * are still read), another kind of b-tree page, blank, or bad. What stays
 * bad or unexplained at the end is what the report calls unreadable.
 * Offsets inside a page are checked against its usable size before every
 * read; a cell that does not decode is counted and skipped, never guessed. */
#include "salvage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"

#define SALVAGE_MAX_FILE ((size_t)1 << 30)
#define MAX_DEPTH 40            /* b-tree depth (SQLite's own limit is 20) */
#define MAX_COLS 256
#define MAX_TABLES 256
#define WAL_HEADER 32
#define WAL_FRAME_HEADER 24

enum {
    PG_UNSEEN, PG_TREE, PG_INTERIOR, PG_FREE, PG_OVERFLOW, PG_ORPHAN, PG_OTHER, PG_BLANK,
    PG_BAD,
};

typedef struct Table {
    char name[128];
    uint32_t root;
} Table;

typedef struct Db {
    uint8_t *file;
    size_t file_len;
    uint8_t *wal;
    size_t wal_len;
    size_t *wal_at;             /* per page: 1 + offset of its data in wal, 0 none */
    uint32_t page_size, usable, npages;
    uint8_t *state;             /* per page number, PG_* */
    SalvageStats *st;
    SalvageRowFn fn;
    void *ud;
    int stop;                   /* the callback's non-zero value */
    int schema;                 /* walking page 1: rows describe tables */
    Table tables[MAX_TABLES];
    int ntables;
    Buf payload;
    SalvageValue vals[MAX_COLS];
} Db;

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* A SQLite varint (1 to 9 bytes, big-endian, 7 bits a byte but the ninth's
 * 8) inside [p, end): returns its length, 0 when it runs past end. */
static int varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < 9; i++) {
        if (p + i >= end)
            return 0;
        if (i == 8) {
            *v = x << 8 | p[i];
            return 9;
        }
        x = x << 7 | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) {
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

static int read_whole(const char *path, uint8_t **out, size_t *len, Buf *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = os_fopen(path, "rb");
    if (!f) {
        if (err)
            buf_printf(err, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    Buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= SALVAGE_MAX_FILE)
        buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || b.failed || b.len > SALVAGE_MAX_FILE) {
        if (err)
            buf_printf(err, "cannot read '%s': %s", path,
                       bad ? "read error" : b.failed ? "out of memory" : "larger than 1 GiB");
        buf_release(&b);
        return -1;
    }
    *out = (uint8_t *)buf_detach(&b, len);
    return 0;
}

static int valid_page_size(uint32_t ps)
{
    return ps >= 512 && ps <= 65536 && (ps & (ps - 1)) == 0;
}

/* The page at number n (1-based), from the WAL when a committed frame holds
 * it; NULL when it lies past the end of the file. */
static const uint8_t *page(const Db *d, uint32_t n)
{
    if (n == 0 || n > d->npages)
        return NULL;
    if (d->wal_at && d->wal_at[n])
        return d->wal + d->wal_at[n] - 1;
    size_t off = (size_t)(n - 1) * d->page_size;
    if (off + d->page_size > d->file_len)
        return NULL;
    return d->file + off;
}

/* Whether the b-tree page header at p[h] is consistent for a page whose
 * usable size is usable: a known type, a cell pointer array and a content
 * area inside the page, each cell pointer inside the content area. */
static int sane(const uint8_t *p, size_t h, uint32_t usable)
{
    uint8_t t = p[h];
    if (t != 0x02 && t != 0x05 && t != 0x0A && t != 0x0D)
        return 0;
    size_t hlen = t == 0x02 || t == 0x05 ? 12 : 8;
    if (h + hlen > usable)
        return 0;
    uint32_t ncell = be16(p + h + 3);
    uint32_t content = be16(p + h + 5);
    if (content == 0)
        content = 65536;
    uint32_t freeblock = be16(p + h + 1);
    size_t array_end = h + hlen + 2 * (size_t)ncell;
    if (array_end > usable || (content < array_end && ncell) || (content > usable && ncell)
        || (freeblock && (freeblock < array_end || freeblock >= usable)) || p[h + 7] > 60)
        return 0;
    for (uint32_t i = 0; i < ncell; i++) {
        uint32_t off = be16(p + h + hlen + 2 * i);
        if (off < content || off >= usable)
            return 0;
    }
    return 1;
}

static int blank(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* The bytes a cell at c takes on a page of usable size u (type t), or 0
 * when it does not decode (fileformat2.html, "B-tree Cell Format"). */
static size_t cell_size(const uint8_t *c, const uint8_t *end, uint8_t t, uint64_t u)
{
    const uint8_t *q = c;
    uint64_t p, x;
    int k;
    if (t == 0x05) {
        if (end - q < 4)
            return 0;
        k = varint(q + 4, end, &x);
        return k ? (size_t)(4 + k) : 0;
    }
    if (t == 0x02) {
        if (end - q < 4)
            return 0;
        q += 4;
    }
    if (!(k = varint(q, end, &p)))
        return 0;
    q += k;
    if (t == 0x0D) {
        if (!(k = varint(q, end, &x)))
            return 0;
        q += k;
    }
    uint64_t mx = t == 0x0D ? u - 35 : (u - 12) * 64 / 255 - 23;
    uint64_t m = (u - 12) * 32 / 255 - 23;
    uint64_t local = p;
    if (p > mx) {
        uint64_t kk = m + (p - m) % (u - 4);
        local = (kk <= mx ? kk : m) + 4;
    }
    return (size_t)(q - c) + (size_t)local;
}

/* Whether the page's cells (and free blocks) are packed up to its end, as
 * SQLite lays them out from the end of the page down: read with a page size
 * larger than the true one, they stop short of it. */
static int packed_to_end(const uint8_t *p, size_t h, uint32_t usable)
{
    uint8_t t = p[h];
    size_t hlen = t == 0x02 || t == 0x05 ? 12 : 8;
    uint32_t ncell = be16(p + h + 3), top = 0;
    if (!ncell)
        return 0;
    for (uint32_t i = 0; i < ncell; i++) {
        uint32_t off = be16(p + h + hlen + 2 * i);
        size_t n = cell_size(p + off, p + usable, t, usable);
        if (!n || off + n > usable)
            return 0;
        if (off + n > top)
            top = (uint32_t)(off + n);
    }
    for (uint32_t fb = be16(p + h + 1), hops = 0; fb && fb + 4 <= usable && hops < 1000; hops++) {
        uint32_t end = fb + be16(p + fb + 2);
        if (end > usable)
            return 0;
        if (end > top)
            top = end;
        fb = be16(p + fb);
    }
    return top + 3 >= usable;       /* up to 3 fragment bytes may end it */
}

/* The page size when the header is unreadable: the candidate under which
 * the most pages read as b-tree pages whose cells fill them to the end. A
 * smaller size cuts pages (their cell pointers overflow), a larger one
 * leaves their cells short of its end. */
static uint32_t guess_page_size(const uint8_t *f, size_t len)
{
    size_t best = 0;
    uint32_t best_ps = 4096;
    for (int k = 0; k < 8; k++) {
        uint32_t ps = 512u << k;
        size_t pages = len / ps, good = 0;
        for (size_t n = 2; n <= pages && n <= 4000; n++) {
            const uint8_t *p = f + (n - 1) * ps;
            good += sane(p, 0, ps) && packed_to_end(p, 0, ps);
        }
        if (good > best) {
            best = good;
            best_ps = ps;
        }
    }
    return best_ps;
}

static void wal_sum(const uint8_t *p, size_t n, int big, uint32_t *s0, uint32_t *s1)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint32_t x0 = big ? be32(p + i) : le32(p + i);
        uint32_t x1 = big ? be32(p + i + 4) : le32(p + i + 4);
        *s0 += x0 + *s1;
        *s1 += x1 + *s0;
    }
}

typedef struct Frame {
    uint32_t pgno;
    size_t at;
} Frame;

/* Reads path-wal: the frames of its committed transactions, checked as
 * SQLite checks them (salts, cumulative checksums), stopping at the first
 * frame that does not check out. Sets d->wal and the frames in *frames (new
 * array), *last_size to the database size after the last commit (0: none).
 * A WAL of another page size than the file's is left out. */
static void wal_read(Db *d, const char *path, uint32_t file_ps, Frame **frames, size_t *nframes,
                     uint32_t *last_size, uint32_t *wal_ps)
{
    Buf p = BUF_INIT;
    buf_printf(&p, "%s-wal", path);
    *frames = NULL;
    *nframes = 0;
    *last_size = 0;
    *wal_ps = 0;
    if (p.failed || read_whole(p.data, &d->wal, &d->wal_len, NULL) < 0 || d->wal_len < WAL_HEADER) {
        buf_release(&p);
        return;
    }
    buf_release(&p);
    const uint8_t *w = d->wal;
    uint32_t magic = be32(w);
    if ((magic & ~1u) != 0x377f0682 || be32(w + 4) != 3007000)
        return;
    int big = magic & 1;
    uint32_t ps = be32(w + 8);
    if (!valid_page_size(ps) || (file_ps && ps != file_ps))
        return;
    uint32_t s0 = 0, s1 = 0;
    wal_sum(w, 24, big, &s0, &s1);
    if (s0 != be32(w + 24) || s1 != be32(w + 28))
        return;
    *wal_ps = ps;
    uint32_t salt1 = be32(w + 16), salt2 = be32(w + 20);
    size_t pending = 0, cap = 0;
    Frame *fr = NULL;
    for (size_t off = WAL_HEADER; off + WAL_FRAME_HEADER + ps <= d->wal_len;
         off += WAL_FRAME_HEADER + ps) {
        const uint8_t *h = w + off;
        if (be32(h + 8) != salt1 || be32(h + 12) != salt2 || be32(h) == 0)
            break;
        wal_sum(h, 8, big, &s0, &s1);
        wal_sum(h + WAL_FRAME_HEADER, ps, big, &s0, &s1);
        if (s0 != be32(h + 16) || s1 != be32(h + 20))
            break;
        if (pending == cap) {
            cap = cap ? cap * 2 : 64;
            Frame *n = realloc(fr, cap * sizeof *n);
            if (!n)
                break;
            fr = n;
        }
        fr[pending].pgno = be32(h);
        fr[pending].at = off + WAL_FRAME_HEADER;
        pending++;
        if (be32(h + 4)) {          /* a commit frame: what came before it counts */
            *nframes = pending;
            *last_size = be32(h + 4);
        }
    }
    *frames = fr;
}

/* ---- records -------------------------------------------------------------- */

/* Decodes the record r[0..n) into d->vals; returns the column count, or -1
 * when it is not a well-formed record (SQLite's serial types, exact size). */
static int record(Db *d, const uint8_t *r, size_t n)
{
    uint64_t hsz;
    int k = varint(r, r + n, &hsz);
    if (!k || hsz > n || hsz < (uint64_t)k)
        return -1;
    size_t hp = (size_t)k, body = (size_t)hsz;
    int c = 0;
    while (hp < hsz) {
        uint64_t t;
        k = varint(r + hp, r + hsz, &t);
        if (!k || c == MAX_COLS)
            return -1;
        hp += (size_t)k;
        SalvageValue *v = &d->vals[c++];
        memset(v, 0, sizeof *v);
        static const size_t int_len[] = { 0, 1, 2, 3, 4, 6, 8 };
        size_t len;
        if (t == 0) {
            v->type = SALVAGE_NULL;
            len = 0;
        } else if (t <= 6) {
            v->type = SALVAGE_INT;
            len = int_len[t];
        } else if (t == 7) {
            v->type = SALVAGE_REAL;
            len = 8;
        } else if (t == 8 || t == 9) {
            v->type = SALVAGE_INT;
            v->i = t == 9;
            len = 0;
        } else if (t == 10 || t == 11) {
            return -1;
        } else {
            v->type = t & 1 ? SALVAGE_TEXT : SALVAGE_BLOB;
            len = (size_t)((t - 12) / 2);
        }
        if (len > n - body)
            return -1;
        const uint8_t *p = r + body;
        if (v->type == SALVAGE_INT && len) {
            uint64_t x = p[0] & 0x80 ? ~(uint64_t)0 : 0;
            for (size_t i = 0; i < len; i++)
                x = x << 8 | p[i];
            v->i = (int64_t)x;
        } else if (v->type == SALVAGE_REAL) {
            uint64_t x = 0;
            for (size_t i = 0; i < 8; i++)
                x = x << 8 | p[i];
            memcpy(&v->r, &x, sizeof v->r);
        } else if (v->type == SALVAGE_TEXT || v->type == SALVAGE_BLOB) {
            v->p = (const char *)p;
            v->n = len;
        }
        body += len;
    }
    return body == n ? c : -1;
}

/* A row of sqlite_schema: type, name, tbl_name, rootpage, sql. */
static void schema_row(Db *d, int ncol)
{
    const SalvageValue *v = d->vals;
    if (ncol < 4 || v[0].type != SALVAGE_TEXT || v[1].type != SALVAGE_TEXT
        || v[3].type != SALVAGE_INT || d->ntables == MAX_TABLES)
        return;
    if (v[0].n != 5 || memcmp(v[0].p, "table", 5) != 0 || v[3].i <= 1 || v[3].i > UINT32_MAX)
        return;
    Table *t = &d->tables[d->ntables++];
    snprintf(t->name, sizeof t->name, "%.*s", (int)(v[1].n < 127 ? v[1].n : 127), v[1].p);
    t->root = (uint32_t)v[3].i;
}

/* The bytes of a table leaf cell's payload kept on its page
 * (fileformat2.html, "Cell Payload Overflow Pages"). */
static size_t local_size(const Db *d, uint64_t p)
{
    uint64_t u = d->usable, x = u - 35;
    if (p <= x)
        return (size_t)p;
    uint64_t m = (u - 12) * 32 / 255 - 23;
    uint64_t k = m + (p - m) % (u - 4);
    return (size_t)(k <= x ? k : m);
}

/* The payload of the cell at p[off], with its overflow chain, into
 * d->payload; *rowid. 0, or -1 when it does not hold together. */
static int cell_payload(Db *d, const uint8_t *p, uint32_t off, int64_t *rowid)
{
    const uint8_t *c = p + off, *end = p + d->usable;
    uint64_t plen, id;
    int k = varint(c, end, &plen);
    if (!k)
        return -1;
    c += k;
    k = varint(c, end, &id);
    if (!k)
        return -1;
    c += k;
    *rowid = (int64_t)id;
    if (plen > SALVAGE_MAX_FILE)
        return -1;
    size_t local = local_size(d, plen);
    if (local > (size_t)(end - c))
        return -1;
    buf_clear(&d->payload);
    buf_append(&d->payload, (const char *)c, local);
    if (plen > local) {
        if ((size_t)(end - c) < local + 4)
            return -1;
        uint32_t ov = be32(c + local);
        size_t left = (size_t)plen - local;
        uint32_t hops = 0;
        while (left > 0) {
            const uint8_t *op = page(d, ov);
            if (!op || hops++ > d->npages
                || (d->state[ov] != PG_UNSEEN && d->state[ov] != PG_OVERFLOW))
                return -1;
            d->state[ov] = PG_OVERFLOW;
            size_t take = left < d->usable - 4 ? left : d->usable - 4;
            buf_append(&d->payload, (const char *)op + 4, take);
            left -= take;
            ov = be32(op);
        }
    }
    return d->payload.failed ? -1 : 0;
}

static void leaf(Db *d, uint32_t pg, const uint8_t *p, size_t h, const char *table)
{
    uint32_t n = be16(p + h + 3);
    for (uint32_t i = 0; i < n && !d->stop; i++) {
        uint32_t off = be16(p + h + 8 + 2 * i);
        int64_t rowid;
        int ncol;
        if (cell_payload(d, p, off, &rowid) < 0
            || (ncol = record(d, (const uint8_t *)d->payload.data, d->payload.len)) < 0) {
            d->st->bad_cells++;
            continue;
        }
        if (d->schema) {
            schema_row(d, ncol);
            continue;
        }
        SalvageRow row = { table, pg, rowid, ncol, d->vals };
        d->stop = d->fn(&row, d->ud);
    }
}

/* Walks the table b-tree rooted at pg: leaves' rows go to the callback. */
static void walk(Db *d, uint32_t pg, const char *table, int depth)
{
    if (d->stop || depth > MAX_DEPTH || pg == 0 || pg > d->npages
        || d->state[pg] != PG_UNSEEN)
        return;
    const uint8_t *p = page(d, pg);
    size_t h = pg == 1 ? 100 : 0;
    if (!p || !sane(p, h, d->usable)) {
        d->state[pg] = PG_BAD;
        return;
    }
    if (p[h] == 0x0D) {
        d->state[pg] = PG_TREE;
        leaf(d, pg, p, h, table);
    } else if (p[h] == 0x05) {
        d->state[pg] = PG_INTERIOR;
        uint32_t n = be16(p + h + 3);
        for (uint32_t i = 0; i < n && !d->stop; i++) {
            uint32_t off = be16(p + h + 12 + 2 * i);
            if (off + 4 <= d->usable)
                walk(d, be32(p + off), table, depth + 1);
        }
        walk(d, be32(p + h + 8), table, depth + 1);
    } else {
        d->state[pg] = PG_BAD;      /* an index page where a table page should be */
    }
}

/* Marks the freelist's trunk and leaf pages (from the header at page 1). */
static void mark_free(Db *d, const uint8_t *hdr)
{
    uint32_t trunk = be32(hdr + 32), count = be32(hdr + 36), seen = 0;
    while (trunk && trunk <= d->npages && seen <= count && d->state[trunk] == PG_UNSEEN) {
        const uint8_t *tp = page(d, trunk);
        if (!tp)
            break;
        d->state[trunk] = PG_FREE;
        seen++;
        uint32_t n = be32(tp + 4);
        for (uint32_t i = 0; i < n && 8 + 4 * (size_t)i + 4 <= d->usable; i++) {
            uint32_t leafpg = be32(tp + 8 + 4 * i);
            if (leafpg && leafpg <= d->npages && d->state[leafpg] == PG_UNSEEN) {
                d->state[leafpg] = PG_FREE;
                seen++;
            }
        }
        trunk = be32(tp);
    }
}

static int header_sound(const uint8_t *h, size_t len, uint32_t *ps, uint32_t *reserved)
{
    if (len < 100 || memcmp(h, "SQLite format 3", 16) != 0)
        return 0;
    uint32_t size = be16(h + 16);
    if (size == 1)
        size = 65536;
    if (!valid_page_size(size) || h[20] > 64)
        return 0;
    *ps = size;
    *reserved = h[20];
    return 1;
}

int salvage_read(const char *path, SalvageRowFn fn, void *userdata, SalvageStats *stats,
                 Buf *err)
{
    Db d;
    memset(&d, 0, sizeof d);
    memset(stats, 0, sizeof *stats);
    d.st = stats;
    d.fn = fn;
    d.ud = userdata;
    buf_init(&d.payload);
    Frame *frames = NULL;
    size_t nframes = 0;
    int ret = -1;
    if (read_whole(path, &d.file, &d.file_len, err) < 0)
        goto out;
    uint32_t ps = 0, reserved = 0, last_size = 0, wal_ps = 0;
    stats->header_ok = header_sound(d.file, d.file_len, &ps, &reserved);
    wal_read(&d, path, stats->header_ok ? ps : 0, &frames, &nframes, &last_size, &wal_ps);
    if (!stats->header_ok)
        ps = wal_ps ? wal_ps : guess_page_size(d.file, d.file_len);
    d.page_size = ps;
    d.usable = ps - reserved;
    if (d.file_len == 0 && !nframes) {
        buf_printf(err, "'%s' is empty: nothing to salvage", path);
        goto out;
    }
    /* how many pages the database has: the last commit in the WAL says it;
     * else the header (a file cut short has fewer), else the file's length */
    uint64_t pages = (d.file_len + ps - 1) / ps;
    if (nframes && last_size)
        pages = last_size;
    else if (stats->header_ok && be32(d.file + 28) > pages && be32(d.file + 28) < (1u << 30))
        pages = be32(d.file + 28);
    for (size_t i = 0; i < nframes; i++)
        if (frames[i].pgno > pages && !last_size)
            pages = frames[i].pgno;
    d.npages = (uint32_t)pages;
    d.state = calloc((size_t)d.npages + 1, 1);
    d.wal_at = nframes ? calloc((size_t)d.npages + 1, sizeof *d.wal_at) : NULL;
    if (!d.state || (nframes && !d.wal_at)) {
        buf_puts(err, "cannot salvage: out of memory");
        goto out;
    }
    for (size_t i = 0; i < nframes; i++) {
        if (frames[i].pgno <= d.npages) {
            d.wal_at[frames[i].pgno] = frames[i].at + 1;
            stats->wal_frames++;
        }
    }
    stats->page_size = ps;
    stats->pages = d.npages;
    /* page 1 as the WAL may have rewritten it: the freelist lives there */
    const uint8_t *p1 = page(&d, 1);
    uint32_t ps1, res1;
    if (p1 && header_sound(p1, ps, &ps1, &res1) && ps1 == ps)
        mark_free(&d, p1);
    d.schema = 1;
    walk(&d, 1, NULL, 0);
    d.schema = 0;
    stats->schema_ok = d.state[1] == PG_TREE || d.state[1] == PG_INTERIOR;
    for (int t = 0; t < d.ntables && !d.stop; t++)
        walk(&d, d.tables[t].root, d.tables[t].name, 0);
    /* the leaves no tree reached: a damaged interior page, a lost schema */
    for (uint32_t pg = 1; pg <= d.npages && !d.stop; pg++) {
        if (d.state[pg] != PG_UNSEEN)
            continue;
        const uint8_t *p = page(&d, pg);
        size_t h = pg == 1 ? 100 : 0;
        if (!p) {
            d.state[pg] = PG_BAD;
        } else if (blank(p, ps)) {
            d.state[pg] = PG_BLANK;
        } else if (sane(p, h, d.usable) && p[h] == 0x0D) {
            d.state[pg] = PG_ORPHAN;
            leaf(&d, pg, p, h, NULL);
        } else if (sane(p, h, d.usable)) {
            d.state[pg] = PG_OTHER;
        }
    }
    for (uint32_t pg = 1; pg <= d.npages; pg++)
        stats->bad_pages += d.state[pg] == PG_UNSEEN || d.state[pg] == PG_BAD;
    ret = d.stop;
out:
    free(frames);
    free(d.file);
    free(d.wal);
    free(d.wal_at);
    free(d.state);
    buf_release(&d.payload);
    return ret;
}
