/* Unit tests of the message catalogue: every message exists in every
 * language, no French message is English (a cheap list of English words),
 * French typography holds, both languages take the same placeholders, and the
 * words the page writer puts into a package are the ones the player reads
 * back from it: one set of interface words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "course.h"
#include "diag.h"
#include "html_write.h"
#include "msg.h"
#include "page_read.h"
#include "source.h"

static void test_msg__every_message_in_every_language(void **state)
{
    (void)state;
    assert_true(MSG_COUNT > 50);
    for (int l = 0; l < MSG_LANG_COUNT; l++)
        for (int i = 0; i < MSG_COUNT; i++) {
            const char *t = msg_get((MsgLang)l, (MsgId)i);
            if (!t || !*t)
                fail_msg("%s has no %s text", msg_key((MsgId)i), msg_lang_code((MsgLang)l));
        }
    /* the languages the interface offers */
    assert_int_equal(msg_lang("fr", MSG_LANG_EN), MSG_LANG_FR);
    assert_int_equal(msg_lang("en", MSG_LANG_FR), MSG_LANG_EN);
    assert_int_equal(msg_lang("fr_FR.UTF-8", MSG_LANG_EN), MSG_LANG_FR);
    assert_int_equal(msg_lang("en-GB", MSG_LANG_FR), MSG_LANG_EN);
    assert_int_equal(msg_lang("de", MSG_LANG_FR), MSG_LANG_FR);      /* no catalogue */
    assert_int_equal(msg_lang("french", MSG_LANG_EN), MSG_LANG_EN);  /* not a code */
    assert_int_equal(msg_lang(NULL, MSG_LANG_EN), MSG_LANG_EN);
    assert_string_equal(msg_get(MSG_LANG_FR, MSG_PAGE_SUBMIT), "Valider");
    assert_string_equal(msg_get(MSG_LANG_EN, MSG_PAGE_SUBMIT), "Submit");
}

/* Words that betray an English message; none is a French word. */
static const char *const ENGLISH[] = {
    "the", "and", "of", "your", "you", "to", "is", "not", "with", "please", "save", "saved",
    "submit", "next", "previous", "contents", "library", "profile", "new", "open", "wrong",
    "right", "passed", "scroll", "select", "size", "read", "aloud", "results", "sent",
    "waiting", "who", "are", "full", "name", "optional", "staff", "continue", "without",
    "show", "everything", "seen", "started", "summary", "setting", "role", "link", "back",
    "answer", "finish", "finished", "start", "again", "key", "fact", "warning", "skip",
    "choose", "write", "before", "this", "pin", "digits", "cannot", "no", "in", "for",
    NULL,
};

static int is_english_word(const char *w, size_t n)
{
    for (int i = 0; ENGLISH[i]; i++)
        if (strlen(ENGLISH[i]) == n && strncasecmp(ENGLISH[i], w, n) == 0)
            return 1;
    return 0;
}

static void test_msg__no_french_message_is_english(void **state)
{
    (void)state;
    for (int i = 0; i < MSG_COUNT; i++) {
        const char *t = msg_get(MSG_LANG_FR, (MsgId)i);
        for (const char *p = t; *p;) {
            size_t n = 0;
            /* a word: ASCII letters only (an accent makes it French) */
            while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z'))
                n++;
            int whole = n > 0 && (p == t || (unsigned char)p[-1] < 0x80) &&
                        (unsigned char)p[n] < 0x80;
            if (whole && is_english_word(p, n))
                fail_msg("%s in French reads English: '%.*s' in \"%s\"", msg_key((MsgId)i),
                         (int)n, p, t);
            p += n ? n : 1;
        }
        /* and an English message carries no French letter */
        const char *e = msg_get(MSG_LANG_EN, (MsgId)i);
        static const char *const accents[] = { "é", "è", "à", "ç", "ê", "ô", "û", "É", NULL };
        for (int k = 0; accents[k]; k++)
            if (strstr(e, accents[k]))
                fail_msg("%s in English has '%s': \"%s\"", msg_key((MsgId)i), accents[k], e);
    }
}

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

/* French: never a plain space before : ; ! ? (the layout glues a no-break
 * one, a plain one lets the sign start a line), a narrow no-break space before
 * a percent sign, a typographic apostrophe. */
static void test_msg__french_typography(void **state)
{
    (void)state;
    for (int i = 0; i < MSG_COUNT; i++) {
        const char *t = msg_get(MSG_LANG_FR, (MsgId)i);
        for (const char *p = t; *p; p++) {
            if (strchr(":;!?", *p) && p > t && p[-1] == ' ')
                fail_msg("%s: a plain space before '%c' in \"%s\"", msg_key((MsgId)i), *p, t);
            if (*p != '%')
                continue;
            size_t k = 1 + strspn(p + 1, "0123456789l");
            if ((k == 2 && (p[1] == '1' || p[1] == '2')) || (p[k] && strchr("dsu", p[k])))
                continue;       /* a placeholder: %1 %2, %d %s %ld %02d */
            /* a percent sign: "%" (the runtime's words) or "%%" (printf's) */
            if (p - t < 3 || memcmp(p - 3, NNBSP, 3) != 0)
                fail_msg("%s: no narrow no-break space before '%%' in \"%s\"",
                         msg_key((MsgId)i), t);
            p += p[1] == '%';
        }
        if (strchr(t, '\''))
            fail_msg("%s: a straight apostrophe in \"%s\" (write \xe2\x80\x99)",
                     msg_key((MsgId)i), t);
    }
    /* what the checks look for is there */
    assert_non_null(strstr(msg_get(MSG_LANG_FR, MSG_PAGE_SCORE), NBSP ":"));
    assert_non_null(strstr(msg_get(MSG_LANG_FR, MSG_PAGE_SCORE), NNBSP "%"));
    assert_non_null(strstr(msg_get(MSG_LANG_FR, MSG_PLAYER_PROFILES), NNBSP "?"));
}

/* The placeholders of a message, in order: "%1", "%2", "%d", "%s", "%ld"… */
static void placeholders(const char *t, Buf *out)
{
    for (const char *p = t; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        size_t n = 1 + strspn(p + 1, "0123456789l");
        if (n == 1 && !p[1])
            break;
        if (p[1] == '1' || p[1] == '2')
            n = 2;
        else if (strchr("dsuxc", p[n]))
            n++;
        else
            continue;   /* a literal '%' after a runtime number: "%1 %" */
        buf_append(out, p, n);
        buf_putc(out, ' ');
        p += n - 1;
    }
}

static void test_msg__same_placeholders_in_every_language(void **state)
{
    (void)state;
    for (int i = 0; i < MSG_COUNT; i++) {
        Buf ref = BUF_INIT;
        placeholders(msg_get(0, (MsgId)i), &ref);
        for (int l = 1; l < MSG_LANG_COUNT; l++) {
            Buf b = BUF_INIT;
            placeholders(msg_get((MsgLang)l, (MsgId)i), &b);
            if (strcmp(ref.data, b.data) != 0)
                fail_msg("%s: %s takes \"%s\", %s takes \"%s\"", msg_key((MsgId)i),
                         msg_lang_code(0), ref.data, msg_lang_code((MsgLang)l), b.data);
            buf_release(&b);
        }
        /* the runtime's words take only %1 and %2, printf's never do */
        if (msg_runtime_key((MsgId)i))
            assert_null(strstr(ref.data, "%d"));
        buf_release(&ref);
    }
    Buf b = BUF_INIT;
    placeholders("Score\xc2\xa0: %1\xe2\x80\xaf% et %d sur %ld, 100 %%", &b);
    assert_string_equal(b.data, "%1 %d %ld ");
    buf_release(&b);
}

static void test_msg__fill(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    msg_fill(&b, msg_get(MSG_LANG_FR, MSG_PAGE_PROGRESS), "2", "7");
    assert_string_equal(b.data, "Page 2 sur 7");
    buf_clear(&b);
    msg_fill(&b, msg_get(MSG_LANG_EN, MSG_PAGE_SCORE), "75", NULL);
    assert_string_equal(b.data, "Score: 75%");
    buf_clear(&b);
    msg_fill(&b, "%1%2%3 %", NULL, "x");
    assert_string_equal(b.data, "x%3 %");
    buf_release(&b);
}

/* Writer and reader agree: every "page." word the writer puts on <body> is
 * read back by the player's page reader as the catalogue has it. */
static void test_msg__the_package_carries_the_catalogue(void **state)
{
    (void)state;
    Diag d = DIAG_INIT;
    Course *c = source_read_module(TEST_SRCDIR "/courses/example-module", &d);
    assert_non_null(c);
    int runtime_words = 0;
    for (int lang = 0; lang < c->nlangs; lang++) {
        Buf html = BUF_INIT;
        assert_int_equal(html_write_index(c, lang, SCORM_2004, &html, &d), 0);
        Course *back = course_new();
        PageDoc doc;
        assert_int_equal(page_read(back, "index.html", html.data, html.len, &doc, &d), 0);
        MsgLang ml = msg_lang(c->langs[lang].code, MSG_LANG_EN);
        runtime_words = 0;
        for (int i = 0; i < MSG_COUNT; i++) {
            const char *key = msg_runtime_key((MsgId)i);
            if (!key)
                continue;
            runtime_words++;
            const char *got = page_doc_text(&doc, key, NULL);
            if (!got || strcmp(got, msg_get(ml, (MsgId)i)) != 0)
                fail_msg("data-cp-text-%s in %s: \"%s\", the catalogue has \"%s\"", key,
                         c->langs[lang].code, got ? got : "(none)", msg_get(ml, (MsgId)i));
        }
        course_free(back);
        buf_release(&html);
    }
    assert_true(runtime_words >= 20);
    assert_true(c->nlangs >= 2);
    diag_release(&d);
    course_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msg__every_message_in_every_language),
        cmocka_unit_test(test_msg__no_french_message_is_english),
        cmocka_unit_test(test_msg__french_typography),
        cmocka_unit_test(test_msg__same_placeholders_in_every_language),
        cmocka_unit_test(test_msg__fill),
        cmocka_unit_test(test_msg__the_package_carries_the_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
