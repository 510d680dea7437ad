/* store_salvage: turns what salvage_read() finds in a damaged learner store
 * into a new store. Rows come by table name from the damaged schema or, on
 * pages no table reached, are told by their shape (column count and types
 * of each of our tables); they keep their ids (so references and statement
 * ids hold: nothing is sent twice) and are inserted parents first, rows the
 * tree gave before rows found loose (the same id once). store.c calls it
 * when it opens a damaged file with STORE_OPEN_SALVAGE. */
#ifndef STORE_SALVAGE_H
#define STORE_SALVAGE_H

#include "buf.h"
#include "store.h"

/* Reads the damaged file damaged (and its -wal) into a new store created
 * in the folder dir (dir/learners.db, which must not exist). Fills the
 * counts of *rep (kept, report and done are the caller's). Returns 0, or a
 * StoreCode with "what failed: why" in err. */
int store_salvage_rebuild(const char *damaged, const char *dir, StoreSalvage *rep, Buf *err);

/* Writes the administrator's report (English, plain text) to path. */
int store_salvage_write_report(const char *path, const StoreSalvage *rep, Buf *err);

/* One English sentence for administrators' tools: what was kept, recovered
 * and lost. Appended to out. */
void store_salvage_describe(const StoreSalvage *rep, Buf *out);

#endif
