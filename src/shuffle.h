/* shuffle: the order in which a question's choices, or a scenario step's,
 * are shown during one attempt. An attempt has one seed (a 32-bit number,
 * kept in suspend data as "o=" in base 32); each item's order comes from the
 * seed and the item's id alone, so a resumed attempt shows every item as it
 * was. The same algorithm is cp-runtime.js's choiceOrder
 * (docs/package-format.md, "Choice order"); tests/runtime/shuffle.test.mjs
 * compares the two through tests/tools/cp_order. Only the order changes: the
 * choice ids (a, b, c… as written), the responses and the scoring do not. */
#ifndef SHUFFLE_H
#define SHUFFLE_H

#include <stdint.h>

#include "course.h"

#define SHUFFLE_SEED_CHARS 7    /* base-32 digits of the largest seed */

/* order[i] = the written index of the i-th of n choices shown (n at most
 * 64). Bit i of fixed: choice i keeps its place, the others are permuted
 * among the remaining places. key and step name the item: a question's id
 * (step NULL), or a scenario's id and a step's id. Seed 0 is the order as
 * written (an attempt begun before orders were kept). */
void shuffle_order(uint32_t seed, const char *key, const char *step, int n, uint64_t fixed,
                   int *order);

/* The order of q's choices in an attempt with this seed, into order[0..
 * q->nchoices): as written for a true/false question or one with
 * shuffle=no. Returns how many were filled. */
int shuffle_question(uint32_t seed, const Question *q, int *order);

/* The same for the choices of step st of scenario sc (as written with
 * shuffle=no). Returns how many were filled (at most SCENARIO_MAX_CHOICES). */
int shuffle_step(uint32_t seed, const Scenario *sc, const Step *st, int *order);

/* The seed in base 32 (digits 0-9, a-v, no leading zeros; "0" for 0) into
 * out, which holds SHUFFLE_SEED_CHARS + 1 bytes. */
void shuffle_seed_format(uint32_t seed, char *out);

/* Reads a seed written by shuffle_seed_format (1 to 7 digits, at most
 * 2^32 - 1). Returns 0, or -1 (seed unchanged) when s is not one. */
int shuffle_seed_parse(const char *s, uint32_t *seed);

/* The seed of a v1 suspend-data value: its "o=" segment; 0 (as written) when
 * it has none or it is not a seed. */
uint32_t shuffle_seed_of_suspend(const char *suspend);

#endif
