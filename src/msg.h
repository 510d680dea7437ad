/* msg: every interface word of coursepack's pages and of wardplayer, one
 * catalogue per language. The catalogues are gettext files (src/msg.LL.po,
 * the format translators and their tools know), compiled into a C table at
 * build time by tools/po2c. Messages keyed "page.*" reach the browser runtime
 * as <body data-cp-text-*>, and the player shows the very same words. */
#ifndef MSG_H
#define MSG_H

#include "buf.h"
#include "msg_ids.h"    /* generated: MsgLang (MSG_LANG_EN…), MsgId (MSG_PAGE_NEXT…) */

/* The text of id in lang: static, never NULL. C-format messages ("#, c-format"
 * in the catalogue) take printf arguments; "page.*" ones take %1 and %2. */
const char *msg_get(MsgLang lang, MsgId id);

/* The catalogue for a language code ("fr", "fr-FR", "en_GB.UTF-8"): the one
 * named by its first two letters, or fallback when there is none (or code is
 * NULL). */
MsgLang msg_lang(const char *code, MsgLang fallback);

const char *msg_lang_code(MsgLang lang);    /* "fr": static */
const char *msg_key(MsgId id);              /* "page.submit": static */

/* The data-cp-text-* name of a "page.*" message ("submit"), or NULL for the
 * others. Static. */
const char *msg_runtime_key(MsgId id);

/* Appends text with %1 and %2 replaced by a1 and a2 (NULL: ""), as the
 * browser runtime fills them; any other '%' is copied as it is. */
void msg_fill(Buf *out, const char *text, const char *a1, const char *a2);

#endif
