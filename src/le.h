/* le: little-endian unsigned integers of n bytes (1..8) in byte buffers, as
 * zip headers and the render cache's entries store them. Header-only: two
 * loops every module that reads such formats shares. */
#ifndef LE_H
#define LE_H

static inline unsigned long long le_get(const unsigned char *p, int n)
{
    unsigned long long v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static inline void le_put(unsigned char *p, unsigned long long v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

#endif
