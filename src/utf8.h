/* utf8: the one check that a string is well-formed UTF-8. */
#ifndef UTF8_H
#define UTF8_H

/* Whether the NUL-terminated s is well-formed UTF-8: no stray continuation
 * byte, no overlong form, no surrogate, nothing above U+10FFFF. */
int utf8_valid(const char *s);

#endif
