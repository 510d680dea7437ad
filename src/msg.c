/* msg: lookups in the tables tools/po2c compiled from src/msg.LL.po. The ids
 * and the tables come from the same files, so a key in the code that no
 * catalogue has fails the build, and tools/po2c refuses a catalogue that
 * misses a key another has. */
#include "msg.h"

#include <string.h>

#include "msg_table.inc"

#define RUNTIME_PREFIX "page."

const char *msg_get(MsgLang lang, MsgId id)
{
    if ((unsigned)lang >= MSG_LANG_COUNT)
        lang = 0;
    if ((unsigned)id >= MSG_COUNT)
        return "";
    return msg_texts[lang][id];
}

MsgLang msg_lang(const char *code, MsgLang fallback)
{
    if (!code || strlen(code) < 2 || (code[2] && strchr("-_.@", code[2]) == NULL))
        return fallback;
    for (int i = 0; i < MSG_LANG_COUNT; i++)
        if ((code[0] | 0x20) == msg_lang_codes[i][0] && (code[1] | 0x20) == msg_lang_codes[i][1])
            return (MsgLang)i;
    return fallback;
}

const char *msg_lang_code(MsgLang lang)
{
    return (unsigned)lang < MSG_LANG_COUNT ? msg_lang_codes[lang] : "";
}

const char *msg_key(MsgId id)
{
    return (unsigned)id < MSG_COUNT ? msg_keys[id] : "";
}

const char *msg_runtime_key(MsgId id)
{
    const char *k = msg_key(id);
    size_t n = strlen(RUNTIME_PREFIX);
    return strncmp(k, RUNTIME_PREFIX, n) == 0 ? k + n : NULL;
}

void msg_fill(Buf *out, const char *text, const char *a1, const char *a2)
{
    for (const char *p = text; *p; p++) {
        if (p[0] == '%' && (p[1] == '1' || p[1] == '2')) {
            const char *a = p[1] == '1' ? a1 : a2;
            buf_puts(out, a ? a : "");
            p++;
        } else {
            buf_putc(out, *p);
        }
    }
}
