/* shuffle: per-attempt choice order (shuffle.h). Every step is 32-bit
 * unsigned arithmetic, which JavaScript reproduces exactly with Math.imul
 * and >>> 0: FNV-1a of the item's key, xor the seed, then mulberry32 draws
 * for a Fisher-Yates shuffle of the choices that are not fixed. */
#include "shuffle.h"

#include <string.h>

static const char B32[] = "0123456789abcdefghijklmnopqrstuv";

static uint32_t fnv1a(uint32_t h, const char *s)
{
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

/* mulberry32: a small generator with a full 2^32 period, enough to mix a
 * seed; nothing here needs to be unpredictable. */
static uint32_t next(uint32_t *state)
{
    uint32_t t = *state += 0x6D2B79F5u;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return t ^ (t >> 14);
}

void shuffle_order(uint32_t seed, const char *key, const char *step, int n, uint64_t fixed,
                   int *order)
{
    int movable[64], k = 0;
    if (n > 64)
        n = 64;
    for (int i = 0; i < n; i++) {
        order[i] = i;
        if (!((fixed >> i) & 1))
            movable[k++] = i;
    }
    if (seed == 0 || k < 2)
        return;
    uint32_t h = fnv1a(2166136261u, key);
    if (step) {
        h = fnv1a(h, "/");
        h = fnv1a(h, step);
    }
    uint32_t state = seed ^ h;
    for (int i = k - 1; i > 0; i--) {
        int j = (int)(next(&state) % (uint32_t)(i + 1));
        int t = movable[i];
        movable[i] = movable[j];
        movable[j] = t;
    }
    k = 0;
    for (int i = 0; i < n; i++)
        if (!((fixed >> i) & 1))
            order[i] = movable[k++];
}

int shuffle_question(uint32_t seed, const Question *q, int *order)
{
    uint64_t fixed = 0;
    int n = 0;
    for (const Choice *c = q->choices; c && n < QUESTION_MAX_CHOICES; c = c->next, n++)
        if (c->fixed)
            fixed |= (uint64_t)1 << n;
    if (q->keep_order || q->type == QUESTION_TRUEFALSE)
        seed = 0;
    shuffle_order(seed, q->id ? q->id : "", NULL, n, fixed, order);
    return n;
}

int shuffle_step(uint32_t seed, const Scenario *sc, const Step *st, int *order)
{
    int n = 0;
    for (const StepChoice *c = st->choices; c && n < SCENARIO_MAX_CHOICES; c = c->next)
        n++;
    shuffle_order(sc->keep_order ? 0 : seed, sc->id ? sc->id : "", st->id ? st->id : "", n, 0,
                  order);
    return n;
}

void shuffle_seed_format(uint32_t seed, char *out)
{
    char tmp[SHUFFLE_SEED_CHARS];
    int n = 0;
    do {
        tmp[n++] = B32[seed & 31u];
        seed >>= 5;
    } while (seed);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

int shuffle_seed_parse(const char *s, uint32_t *seed)
{
    uint64_t v = 0;
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > SHUFFLE_SEED_CHARS)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *d = s[i] ? strchr(B32, s[i]) : NULL;
        if (!d)
            return -1;
        v = v * 32 + (uint64_t)(d - B32);
    }
    if (v > UINT32_MAX)
        return -1;
    *seed = (uint32_t)v;
    return 0;
}

uint32_t shuffle_seed_of_suspend(const char *suspend)
{
    if (!suspend || strncmp(suspend, "v1|", 3) != 0)
        return 0;
    for (const char *p = suspend + 2; p; p = strchr(p + 1, '|')) {
        if (strncmp(p, "|o=", 3) != 0)
            continue;
        char digits[SHUFFLE_SEED_CHARS + 2];
        size_t len = strcspn(p + 3, "|");
        uint32_t seed = 0;
        if (len >= sizeof(digits))
            return 0;
        memcpy(digits, p + 3, len);
        digits[len] = '\0';
        return shuffle_seed_parse(digits, &seed) == 0 ? seed : 0;
    }
    return 0;
}
