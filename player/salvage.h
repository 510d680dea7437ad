/* salvage: reads what can still be read of a damaged SQLite database file,
 * page by page, without SQLite (which refuses a file with a bad header and
 * stops a scan at the first bad page). The model is SQLite's own recovery
 * (the CLI's .recover, sqlite3_recover in 3.40's ext/recover, which Debian's
 * library does not ship): take the schema from page 1 and walk each table's
 * b-tree from its root, then decode every table leaf page no walk reached
 * and no freelist holds (its rows have no table: the caller tells them by
 * their shape). The file's WAL, when its frames check out, overlays the
 * pages of its committed transactions first. The format is sqlite.org/
 * fileformat2.html; every offset read is checked against the page. */
#ifndef SALVAGE_H
#define SALVAGE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef enum SalvageType {
    SALVAGE_NULL, SALVAGE_INT, SALVAGE_REAL, SALVAGE_TEXT, SALVAGE_BLOB,
} SalvageType;

typedef struct SalvageValue {
    SalvageType type;
    int64_t i;              /* INT */
    double r;               /* REAL */
    const char *p;          /* TEXT, BLOB: borrowed, not NUL-terminated */
    size_t n;
} SalvageValue;

/* One row of a table leaf page; everything borrowed for the callback. */
typedef struct SalvageRow {
    const char *table;      /* from the schema; NULL for a page no table reached */
    uint32_t page;          /* the leaf page it was read from */
    int64_t rowid;
    int ncol;
    const SalvageValue *v;  /* ncol values in the record's order */
} SalvageRow;

/* Returns 0 to go on, non-zero to stop (salvage_read returns that value). */
typedef int (*SalvageRowFn)(const SalvageRow *row, void *userdata);

typedef struct SalvageStats {
    uint32_t page_size;
    uint32_t pages;         /* pages the file (with its WAL) should have */
    uint32_t bad_pages;     /* pages that are neither readable b-tree pages, nor free,
                               nor overflow, nor blank; or missing (cut off) */
    uint32_t bad_cells;     /* cells of readable pages that did not decode */
    uint32_t wal_frames;    /* WAL frames applied */
    int header_ok;          /* the 100-byte header was sound */
    int schema_ok;          /* the table list (page 1) was read */
} SalvageStats;

/* Reads path (and path-wal when present) and calls fn for each row: first
 * the rows of each table of the schema (table set), table by table, then
 * the rows of leaf pages no table reached (table NULL). Sets *stats.
 * Returns 0, fn's non-zero value, or -1 with "what failed: why" in err when
 * the file cannot be read at all (missing, empty, out of memory). */
int salvage_read(const char *path, SalvageRowFn fn, void *userdata, SalvageStats *stats,
                 Buf *err);

#endif
