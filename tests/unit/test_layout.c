/* Unit tests of layout with a fake font (no SDL): every character is half
 * its pixel size wide, so expected widths are easy to reason about. Pages
 * come from page_read, so these also cover the reader > layout path. */
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
#include "layout.h"
#include "page_read.h"

typedef struct Fake {
    int scale;
    int space_kern;         /* px added per space inside a string, as a real font's
                               kerning and rounding make a run wider than its words */
    long calls;
    long bytes;
} Fake;

static int fake_measure(void *ud, FontId font, const char *s, size_t n)
{
    Fake *f = ud;
    f->calls++;
    f->bytes += (long)n;
    int px = layout_font_px(FONT_SIZE(font), f->scale);
    int cps = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            cps++;
    int per = FONT_FACE(font) == FACE_MONO ? px * 6 / 10 : px / 2;
    int kern = 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (s[i] == ' ')
            kern += f->space_kern;
    return cps * per + kern;
}

static int fake_line_height(void *ud, FontId font)
{
    Fake *f = ud;
    return layout_font_px(FONT_SIZE(font), f->scale) * 5 / 4;
}

typedef struct Env {
    Course *c;
    Diag d;
    PageDoc doc;
    Fake fake;
    LayoutMeasure m;
    LayoutParams p;
    Layout *L;
} Env;

static void env_open_kern(Env *e, const char *html, int width, int scale, int kern)
{
    memset(e, 0, sizeof(*e));
    e->fake.space_kern = kern;
    e->c = course_new();
    assert_non_null(e->c);
    assert_int_equal(page_read(e->c, "t.html", html, strlen(html), &e->doc, &e->d), 0);
    e->fake.scale = scale;
    e->m.measure = fake_measure;
    e->m.line_height = fake_line_height;
    e->m.ud = &e->fake;
    e->p.width = width;
    e->p.scale = scale;
    e->p.role = -1;
    e->p.setting = -1;
    e->L = layout_new();
    assert_non_null(e->L);
    assert_int_equal(layout_blocks(e->L, e->doc.lang->pages->blocks, &e->p, &e->m, NULL), 0);
}

static void env_open(Env *e, const char *html, int width, int scale)
{
    env_open_kern(e, html, width, scale, 0);
}

static void env_close(Env *e)
{
    layout_free(e->L);
    course_free(e->c);
    diag_release(&e->d);
}

static int overlaps(LayoutRect a, LayoutRect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Every text run inside the column and the window, no two overlapping. */
static void check_geometry(const Env *e)
{
    size_t n;
    const DrawItem *it = layout_items(e->L, &n);
    LayoutRect col = layout_column(e->L);
    assert_true(col.x >= 0);
    assert_true(col.x + col.w <= e->p.width);
    for (size_t i = 0; i < n; i++) {
        assert_true(it[i].r.x >= 0);
        assert_true(it[i].r.x + it[i].r.w <= e->p.width);
        assert_true(it[i].r.y >= 0);
        assert_true(it[i].r.y + it[i].r.h <= layout_height(e->L));
        if (it[i].kind != DRAW_TEXT)
            continue;
        assert_true(it[i].r.x >= col.x);
        if (it[i].r.x + it[i].r.w > col.x + col.w)
            fprintf(stderr, "width %d: '%.*s' at %d+%d, column %d+%d\n", e->p.width,
                    (int)it[i].len, it[i].text, it[i].r.x, it[i].r.w, col.x, col.w);
        assert_true(it[i].r.x + it[i].r.w <= col.x + col.w);
        assert_int_equal(it[i].r.w, fake_measure((void *)&e->fake, it[i].font, it[i].text,
                                                 it[i].len));
        for (size_t j = i + 1; j < n; j++)
            if (it[j].kind == DRAW_TEXT && overlaps(it[i].r, it[j].r)) {
                fprintf(stderr, "overlap: '%.*s' and '%.*s'\n", (int)it[i].len, it[i].text,
                        (int)it[j].len, it[j].text);
                fail();
            }
    }
}

/* The text runs joined: one space between runs on a line and between lines. */
static char *joined(const Env *e)
{
    size_t n;
    const DrawItem *it = layout_items(e->L, &n);
    Buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (it[i].kind != DRAW_TEXT)
            continue;
        if (b.len)
            buf_putc(&b, ' ');
        buf_append(&b, it[i].text, it[i].len);
    }
    return buf_detach(&b, NULL);
}

static int count_lines(const Env *e)
{
    size_t n;
    const DrawItem *it = layout_items(e->L, &n);
    int lines = 0, last_y = -1;
    for (size_t i = 0; i < n; i++)
        if (it[i].kind == DRAW_TEXT && it[i].r.y != last_y) {
            lines++;
            last_y = it[i].r.y;
        }
    return lines;
}

static void test_layout__wraps_words_within_column(void **state)
{
    (void)state;
    Env e;
    /* body 20 px: 10 px a character; window 400: column 400 - 2 x 30 = 340 = 34 chars */
    env_open(&e, "<p>Une IA precise en laboratoire peut echouer en service quand "
                 "le flux des patients change la nuit.</p>", 400, 100);
    LayoutRect col = layout_column(e.L);
    assert_int_equal(col.w, 340);
    assert_int_equal(col.x, 30);
    check_geometry(&e);
    char *t = joined(&e);
    assert_string_equal(t, "Une IA precise en laboratoire peut echouer en service quand le "
                           "flux des patients change la nuit.");
    free(t);
    size_t n;
    const DrawItem *it = layout_items(e.L, &n);
    /* greedy: "Une IA precise en laboratoire peut" is 34 characters */
    assert_int_equal(it[0].len, 34);
    assert_int_equal(count_lines(&e), 3);
    env_close(&e);
}

/* A run of words is drawn as one string, measured whole; when the font makes
 * it wider than the sum of its words (here 3 px a space), the line must still
 * end inside the column. Seen on the real library screen: "— en · SCORM 1.2 ·"
 * ended 4 px past the column. */
static void test_layout__runs_measured_whole_stay_in_column(void **state)
{
    (void)state;
    Env e;
    env_open_kern(&e, "<p>Une IA precise en laboratoire peut echouer en service quand "
                      "le flux des patients change la nuit.</p>", 400, 100, 3);
    check_geometry(&e);
    char *t = joined(&e);
    assert_string_equal(t, "Une IA precise en laboratoire peut echouer en service quand le "
                           "flux des patients change la nuit.");
    free(t);
    env_close(&e);
    for (int w = 200; w <= 1400; w += 37) {     /* every width, styled runs too */
        env_open_kern(&e, "<p>Le <b>score</b> et la <i>note finale</i> comptent, mais le "
                          "<b>jugement clinique reste</b> premier : l'outil propose, les "
                          "soignants decident et restent responsables du tri.</p>", w, 100, 3);
        check_geometry(&e);
        env_close(&e);
    }
}

static void test_layout__column_is_about_70_characters(void **state)
{
    (void)state;
    Env e;
    env_open(&e, "<p>x</p>", 3000, 100);
    LayoutRect col = layout_column(e.L);
    assert_int_equal(col.w, 700);                /* 70 characters of 10 px */
    assert_int_equal(col.x, (3000 - 700) / 2);   /* centred */
    env_close(&e);
}

static void test_layout__never_breaks_at_no_break_space(void **state)
{
    (void)state;
    /* "Quoi ?" with U+00A0 and "« texte »" with U+202F: at every width where
     * a break falls near them, the glued pieces stay on one line */
    static const char html[] =
        "<p>aaaa bbbbbbb Quoi\xc2\xa0? cc \xc2\xab\xe2\x80\xaftexte\xe2\x80\xaf\xc2\xbb dd "
        "eeeeee ffff\xc2\xa0!</p>";
    for (int width = 150; width <= 400; width += 10) {  /* the glued words fit */
        Env e;
        env_open(&e, html, width, 100);
        size_t n;
        const DrawItem *it = layout_items(e.L, &n);
        for (size_t i = 0; i < n; i++) {
            if (it[i].kind != DRAW_TEXT)
                continue;
            /* no run starts with the glued punctuation or ends before it */
            assert_false(it[i].len >= 1 && (it[i].text[0] == '?' || it[i].text[0] == '!'));
            assert_false(it[i].len >= 2 && memcmp(it[i].text, "\xc2\xbb", 2) == 0);
            assert_false(it[i].len >= 2 &&
                         memcmp(it[i].text + it[i].len - 2, "\xc2\xab", 2) == 0);
            assert_false(it[i].len >= 2 &&
                         memcmp(it[i].text + it[i].len - 2, "\xc2\xa0", 2) == 0);
        }
        check_geometry(&e);
        env_close(&e);
    }
}

static void test_layout__overlong_word_is_cut_between_characters(void **state)
{
    (void)state;
    Buf b = BUF_INIT;
    buf_puts(&b, "<p>start ");
    for (int i = 0; i < 300; i++)
        buf_puts(&b, "\xc3\xa9");         /* é: two bytes, one character */
    buf_puts(&b, " end</p>");
    Env e;
    env_open(&e, b.data, 300, 100);       /* column 240 px = 24 characters */
    check_geometry(&e);
    size_t n;
    const DrawItem *it = layout_items(e.L, &n);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (it[i].kind != DRAW_TEXT)
            continue;
        /* never half a character */
        assert_int_not_equal((unsigned char)it[i].text[0], 0xA9);
        assert_int_not_equal((unsigned char)it[i].text[it[i].len - 1], 0xC3);
        for (size_t k = 0; k < it[i].len; k++)
            total += (unsigned char)it[i].text[k] == 0xC3;
    }
    assert_int_equal(total, 300);
    assert_int_equal(it[0].len, 5);           /* "start" alone: the word goes below */
    env_close(&e);
    buf_release(&b);
}

static void test_layout__huge_word_is_bounded(void **state)
{
    (void)state;
    size_t n = 2u << 20;
    char *html = malloc(n + 16);
    assert_non_null(html);
    memcpy(html, "<p>", 3);
    memset(html + 3, 'w', n);
    memcpy(html + 3 + n, "</p>", 5);
    Env e;
    env_open(&e, html, 800, 100);
    /* 2 MB of 10 px characters in a 700 px column is 30,000 lines: cut at the limit */
    assert_true(layout_truncated(e.L));
    assert_true(count_lines(&e) <= LAYOUT_MAX_LINES + 1);
    /* bounded work: about a dozen measures of at most 1 KB per line */
    assert_true(e.fake.bytes < 200L * 1024 * 1024);
    size_t k;
    const DrawItem *it = layout_items(e.L, &k);
    for (size_t i = 0; i + 1 < k; i++)
        if (it[i].kind == DRAW_TEXT)
            assert_true(it[i].r.x + it[i].r.w <= 800);
    env_close(&e);
    free(html);
}

static void test_layout__scale_200_reflows(void **state)
{
    (void)state;
    static const char html[] =
        "<h1>Titre de la page</h1><p>Une IA precise en laboratoire peut echouer en "
        "service quand le flux des patients change la nuit, et personne ne le voit.</p>";
    Env a, b;
    env_open(&a, html, 1024, 100);
    env_open(&b, html, 1024, 200);
    check_geometry(&a);
    check_geometry(&b);
    assert_int_equal(layout_column(a.L).w, 700);
    assert_int_equal(layout_column(b.L).w, 1024 - 2 * 60);  /* 1400 does not fit */
    assert_true(count_lines(&b) > count_lines(&a));
    assert_true(layout_height(b.L) > layout_height(a.L));
    char *ta = joined(&a), *tb = joined(&b);
    /* same words, different lines */
    size_t la = strlen(ta), lb = strlen(tb);
    assert_int_equal(la, lb);
    free(ta);
    free(tb);
    env_close(&a);
    env_close(&b);
}

static void test_layout__column_stays_inside_window(void **state)
{
    (void)state;
    static const char html[] =
        "<h1>Un titre assez long pour passer a la ligne</h1>"
        "<p>Texte <strong>gras</strong>, <em>italique</em> et <code>code()</code>.</p>"
        "<ul><li>un</li><li>deux<ol><li>trois</li></ol></li></ul>"
        "<blockquote><p>Citation longue qui passe sur plusieurs lignes.</p></blockquote>"
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1 2 3</td><td>quatre cinq</td></tr>"
        "</table><pre>int main(void) { return 0; } /* a long line of code here */</pre>"
        "<aside class=\"cp-callout cp-keyfact\"><p class=\"cp-callout-title\">A retenir</p>"
        "<p>Le point cle.</p></aside>";
    for (int width = 160; width <= 2000; width += 37)
        for (int scale = 100; scale <= 200; scale += 25) {
            Env e;
            env_open(&e, html, width, scale);
            check_geometry(&e);
            env_close(&e);
        }
}

static void test_layout__question_targets_and_hits(void **state)
{
    (void)state;
    static const char html[] =
        "<body class=\"cp\"><section class=\"cp-page\" data-cp-page=\"p\">"
        "<form class=\"cp-question\" data-cp-question=\"q1\" data-cp-type=\"single\""
        " data-cp-correct=\"b\"><div class=\"cp-prompt\"><p>Choisir ?</p></div><fieldset>"
        "<div class=\"cp-choice\" data-cp-choice=\"a\"><label>Premier choix</label></div>"
        "<div class=\"cp-choice\" data-cp-choice=\"b\"><label>Second choix</label></div>"
        "</fieldset><button class=\"cp-submit\">Valider</button></form>"
        "<p>Voir <a href=\"https://example.org/\">le lien</a>.</p></section></body>";
    Env e;
    env_open(&e, html, 800, 100);
    check_geometry(&e);
    size_t n;
    const LayoutTarget *t = layout_targets(e.L, &n);
    assert_int_equal(n, 4);
    assert_int_equal(t[0].kind, TARGET_CHOICE);
    assert_int_equal(t[0].index, 0);
    assert_int_equal(t[1].kind, TARGET_CHOICE);
    assert_int_equal(t[1].index, 1);
    assert_int_equal(t[2].kind, TARGET_SUBMIT);
    assert_int_equal(t[3].kind, TARGET_LINK);
    assert_string_equal(t[3].href, "https://example.org/");
    for (size_t i = 0; i < n; i++) {
        assert_true(t[i].r.w > 0 && t[i].r.h > 0);
        assert_int_equal(layout_hit(e.L, t[i].r.x + t[i].r.w / 2, t[i].r.y + t[i].r.h / 2),
                         (int)i);
        for (size_t j = i + 1; j < n; j++)
            assert_false(overlaps(t[i].r, t[j].r));
    }
    assert_int_equal(layout_hit(e.L, 1, 1), -1);
    env_close(&e);
}

static int answered_hook(void *ud, const Question *q, unsigned *selected)
{
    (void)ud;
    (void)q;
    *selected = 1u << 0;    /* chose a: wrong */
    return 1;
}

static const char *word_hook(void *ud, const char *key)
{
    (void)ud;
    return strcmp(key, "wrong") == 0 ? "Mauvaise reponse" : NULL;
}

static void test_layout__answered_question_shows_feedback(void **state)
{
    (void)state;
    static const char html[] =
        "<form class=\"cp-question\" data-cp-question=\"q1\" data-cp-type=\"single\""
        " data-cp-correct=\"b\"><div class=\"cp-prompt\"><p>Choisir ?</p></div>"
        "<div class=\"cp-choice\" data-cp-choice=\"a\"><label>Un</label>"
        "<div class=\"cp-feedback\" hidden=\"hidden\"><p>Retour A</p></div></div>"
        "<div class=\"cp-choice\" data-cp-choice=\"b\"><label>Deux</label>"
        "<div class=\"cp-feedback\" hidden=\"hidden\"><p>Retour B</p></div></div>"
        "<div class=\"cp-explanation\" hidden=\"hidden\"><p>Parce que.</p></div></form>";
    Env e;
    env_open(&e, html, 800, 100);
    char *before = joined(&e);
    assert_null(strstr(before, "Retour"));
    free(before);
    LayoutHooks h = { .question = answered_hook, .word = word_hook };
    e.p.generation++;
    assert_int_equal(layout_blocks(e.L, e.doc.lang->pages->blocks, &e.p, &e.m, &h), 0);
    char *after = joined(&e);
    assert_non_null(strstr(after, "Retour A"));
    assert_null(strstr(after, "Retour B"));      /* only the chosen choice's feedback */
    assert_non_null(strstr(after, "Mauvaise reponse"));
    assert_non_null(strstr(after, "Parce que."));
    free(after);
    size_t n;
    layout_targets(e.L, &n);
    assert_int_equal(n, 0);                      /* answered once: nothing to press */
    check_geometry(&e);
    env_close(&e);
}

static void test_layout__cached_per_width_and_scale(void **state)
{
    (void)state;
    Env e;
    env_open(&e, "<p>Un deux trois quatre cinq six sept huit neuf dix.</p>", 600, 100);
    long calls = e.fake.calls;
    const Block *blocks = e.doc.lang->pages->blocks;
    assert_int_equal(layout_blocks(e.L, blocks, &e.p, &e.m, NULL), 0);
    assert_int_equal(e.fake.calls, calls);       /* same inputs: nothing measured */
    e.p.width = 500;
    assert_int_equal(layout_blocks(e.L, blocks, &e.p, &e.m, NULL), 0);
    assert_true(e.fake.calls > calls);
    calls = e.fake.calls;
    e.p.scale = 150;
    e.fake.scale = 150;
    assert_int_equal(layout_blocks(e.L, blocks, &e.p, &e.m, NULL), 0);
    assert_true(e.fake.calls > calls);
    check_geometry(&e);
    env_close(&e);
}

static void test_layout__fit_respects_characters(void **state)
{
    (void)state;
    Fake f = { .scale = 100 };
    LayoutMeasure m = { fake_measure, fake_line_height, NULL, &f };
    const char *s = "\xc3\xa9\xc3\xa9\xc3\xa9xyz";     /* 6 characters, 9 bytes */
    assert_int_equal(layout_fit(&m, FONT_ID(FACE_REGULAR, SIZE_BODY), s, 9, 25, 0), 4);
    assert_int_equal(layout_fit(&m, FONT_ID(FACE_REGULAR, SIZE_BODY), s, 9, 5, 0), 0);
    assert_int_equal(layout_fit(&m, FONT_ID(FACE_REGULAR, SIZE_BODY), s, 9, 5, 1), 2);
    assert_int_equal(layout_fit(&m, FONT_ID(FACE_REGULAR, SIZE_BODY), s, 9, 1000, 0), 9);
}

/* A cheap deterministic fuzz: mutated pages (bytes changed, cut, tags
 * doubled) are read and laid out; nothing may crash, leak or overflow (the
 * suite runs under AddressSanitizer in `make check`), and the geometry holds. */
static void test_layout__mutated_pages_stay_safe(void **state)
{
    (void)state;
    static const char seed[] =
        "<body class=\"cp\"><section class=\"cp-page\" data-cp-page=\"p\"><h1>T</h1>"
        "<p>Un <strong>mot</strong> et <a href=\"#ref-x\" class=\"cp-cite\">[1]</a>.</p>"
        "<ul><li>a<ol><li>b</li></ol></li></ul><table><tr><th>x</th><td>y</td></tr></table>"
        "<table><caption>c</caption><tr><th rowspan=\"3\">r</th><td colspan=\"2\">cs</td>"
        "</tr><tr><td>1</td><td rowspan=\"0\">2</td></tr><tr><td colspan=\"9\">3</td></tr>"
        "</table><video src=\"v.mp4\"></video><noscript><p>ns</p></noscript>"
        "<form class=\"cp-question\" data-cp-question=\"q\" data-cp-type=\"multiple\" "
        "data-cp-correct=\"a,b\"><div class=\"cp-prompt\"><p>Q ?</p></div>"
        "<div class=\"cp-choice\" data-cp-choice=\"a\"><label>A</label>"
        "<div class=\"cp-feedback\"><p>fa</p></div></div></form>"
        "<div class=\"cp-scenario\" data-cp-scenario=\"s\"><div class=\"cp-step\" "
        "data-cp-step=\"start\"><p>S</p><ul class=\"cp-step-choices\"><li><button "
        "class=\"cp-step-choice\" data-cp-choice=\"a\" data-cp-target=\"start\">go</button>"
        "</li></ul></div></div><pre>x\ny</pre><img src=\"i.png\" alt=\"i\"/>"
        "</section></body>";
    static const char *const junk[] = { "<", ">", "<div>", "</p>", "<table>", "\xc3",
                                        "&#0;", "\"", "<li>", "</section>", "\xe2\x80\xaf" };
    unsigned rng = 12345;
    for (int iter = 0; iter < 300; iter++) {
        Buf b = BUF_INIT;
        buf_puts(&b, seed);
        int edits = 1 + iter % 8;
        for (int k = 0; k < edits && b.len > 0; k++) {
            rng = rng * 1103515245u + 12345u;
            size_t at = (rng >> 8) % b.len;
            rng = rng * 1103515245u + 12345u;
            const char *j = junk[(rng >> 8) % (sizeof(junk) / sizeof(junk[0]))];
            Buf n = BUF_INIT;
            buf_append(&n, b.data, at);
            buf_puts(&n, j);
            if ((rng >> 20) % 3 == 0)
                at += 7;    /* and drop a few bytes */
            if (at < b.len)
                buf_append(&n, b.data + at, b.len - at);
            buf_release(&b);
            b = n;
        }
        Env e;
        memset(&e, 0, sizeof(e));
        e.c = course_new();
        assert_non_null(e.c);
        int rc = page_read(e.c, "f.html", b.data, b.len, &e.doc, &e.d);
        if (rc == 0 && e.doc.lang->pages) {
            e.fake.scale = 100 + 25 * (iter % 5);
            e.m = (LayoutMeasure){ fake_measure, fake_line_height, NULL, &e.fake };
            e.p = (LayoutParams){ 300 + 97 * (iter % 9), e.fake.scale, -1, -1, 0 };
            e.L = layout_new();
            for (const Page *pg = e.doc.lang->pages; pg; pg = pg->next) {
                assert_int_equal(layout_blocks(e.L, pg->blocks, &e.p, &e.m, NULL), 0);
                check_geometry(&e);
            }
        }
        env_close(&e);
        buf_release(&b);
    }
}


/* ---- third-party content (issue 13.8) -------------------------------------- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    Buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, NULL);
}

/* The first text run that is exactly s (prefix: that starts with s). */
static const DrawItem *run_at(const Env *e, const char *s, int prefix)
{
    size_t n, k = strlen(s);
    const DrawItem *it = layout_items(e->L, &n);
    for (size_t i = 0; i < n; i++)
        if (it[i].kind == DRAW_TEXT && (prefix ? it[i].len >= k : it[i].len == k)
            && memcmp(it[i].text, s, k) == 0)
            return &it[i];
    fail_msg("no text run '%s' in: %s", s, joined(e));
    return NULL;
}

static const DrawItem *run(const Env *e, const char *s)
{
    return run_at(e, s, 0);
}

/* The ward's table (tests/e2e/thirdparty-rich): every value under its own
 * column; a row-spanning cell is not cut by the rule between its rows. */
static void test_layout__table_spans_put_values_in_their_columns(void **state)
{
    (void)state;
    char *html = read_file(TEST_SRCDIR "/tests/e2e/thirdparty-rich/pages/tableau.html");
    for (int width = 500; width <= 1300; width += 400) {
        Env e;
        env_open(&e, html, width, 100);
        check_geometry(&e);
        const DrawItem *central = run(&e, "Central"), *peri = run(&e, "Périphérique");
        const DrawItem *cvc = run(&e, "CVC 4 j"), *ktp = run(&e, "KTP 2 j");
        const DrawItem *patient = run(&e, "Patient"), *mme_c = run(&e, "Mme C.");
        const DrawItem *chambre = run(&e, "Chambre");
        /* « CVC 4 j » under « Central », not under « Périphérique » */
        assert_int_equal(cvc->r.x, central->r.x);
        assert_true(cvc->r.x > peri->r.x);
        assert_int_equal(ktp->r.x, peri->r.x);
        /* under room 14's rowspan, Mme C. is a patient, not a room */
        assert_int_equal(mme_c->r.x, patient->r.x);
        assert_true(central->r.y > chambre->r.y);
        /* "Abords en place" and "Aucun abord" start in the third column and
           may use the width of two */
        assert_int_equal(run(&e, "Abords en place")->r.x, peri->r.x);
        const DrawItem *aucun = run(&e, "Aucun abord");
        assert_int_equal(aucun->r.x, peri->r.x);
        size_t n;
        const DrawItem *it = layout_items(e.L, &n);
        /* the rule between "Périphérique" and "Central" stops above the row
           whose cell spans both */
        int rule_between = 0;
        for (size_t i = 0; i < n; i++) {
            if (it[i].kind != DRAW_RECT || it[i].r.w != 1 || it[i].color != COLOR_RULE
                || it[i].r.x <= peri->r.x || it[i].r.x >= central->r.x)
                continue;
            rule_between = 1;
            if (it[i].r.y < aucun->r.y + aucun->r.h && aucun->r.y < it[i].r.y + it[i].r.h)
                fail_msg("width %d: a rule cuts through the cell spanning two columns", width);
        }
        assert_true(rule_between);
        /* the caption above the table */
        const DrawItem *cap = run_at(&e, "Abords vasculaires", 1);
        assert_true(cap->r.y + cap->r.h <= chambre->r.y);
        /* no horizontal rule crosses "Chambre" between its two rows */
        for (size_t i = 0; i < n; i++) {
            if (it[i].kind != DRAW_RECT || it[i].r.h != 1 || it[i].color != COLOR_RULE
                || it[i].r.w <= 1)
                continue;
            int crosses_x = it[i].r.x < chambre->r.x + chambre->r.w
                            && chambre->r.x < it[i].r.x + it[i].r.w;
            int between = it[i].r.y > chambre->r.y && it[i].r.y < central->r.y + central->r.h;
            if (crosses_x && between)
                fail_msg("width %d: a rule at y %d crosses the row-spanning cell", width,
                         it[i].r.y);
        }
        env_close(&e);
    }
    free(html);
}

static const char *notice_words(void *ud, const char *key)
{
    (void)ud;
    static const struct { const char *key, *text; } w[] = {
        { "player.notice-video", "Vidéo non lue ici : %1" },
        { "player.notice-video-detail", "Ouvrez le module dans la plateforme." },
        { "player.notice-audio", "Son non lu ici : %1" },
        { "player.notice-browser", "Ce module a besoin d'un navigateur" },
        { "player.notice-browser-detail", "Ses pages sont construites par des scripts." },
    };
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
        if (strcmp(w[i].key, key) == 0)
            return w[i].text;
    return NULL;
}

static void test_layout__notices_are_worded_and_visible(void **state)
{
    (void)state;
    char *html = read_file(TEST_SRCDIR "/tests/e2e/thirdparty-rich/pages/pansement.html");
    Env e;
    env_open(&e, html, 1000, 100);
    LayoutHooks h = { .word = notice_words };
    layout_invalidate(e.L);
    assert_int_equal(layout_blocks(e.L, e.doc.lang->pages->blocks, &e.p, &e.m, &h), 0);
    check_geometry(&e);
    char *t = joined(&e);
    assert_non_null(strstr(t, "Vidéo non lue ici : pansement-cvc.mp4"));
    assert_non_null(strstr(t, "Ouvrez le module dans la plateforme."));
    assert_non_null(strstr(t, "Son non lu ici : alarme-pompe.ogg"));
    assert_non_null(strstr(t, "Sans JavaScript, le quiz"));
    assert_null(strstr(t, "Votre navigateur ne lit pas"));
    /* a notice sits on its own panel */
    const DrawItem *v = run(&e, "Vidéo non lue ici : pansement-cvc.mp4");
    size_t n;
    const DrawItem *it = layout_items(e.L, &n);
    int panel = 0;
    for (size_t i = 0; i < n; i++)
        panel |= it[i].kind == DRAW_RECT && it[i].color == COLOR_WARNING_BG
                 && it[i].r.y <= v->r.y && it[i].r.y + it[i].r.h >= v->r.y + v->r.h;
    assert_true(panel);
    free(t);
    env_close(&e);
    free(html);

    /* a page built by script: the notice; without words from the player,
       at least the file name of a video still shows */
    html = read_file(TEST_SRCDIR "/tests/e2e/thirdparty-rich/interactif/index.html");
    env_open(&e, html, 1000, 100);
    layout_invalidate(e.L);
    assert_int_equal(layout_blocks(e.L, e.doc.lang->pages->blocks, &e.p, &e.m, &h), 0);
    t = joined(&e);
    assert_string_equal(t, "Ce module a besoin d'un navigateur Ses pages sont construites "
                        "par des scripts.");
    free(t);
    env_close(&e);
    free(html);
    env_open(&e, "<video src=\"a/b/demo.mp4\"></video>", 1000, 100);
    t = joined(&e);
    assert_string_equal(t, "demo.mp4");
    free(t);
    env_close(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout__wraps_words_within_column),
        cmocka_unit_test(test_layout__column_is_about_70_characters),
        cmocka_unit_test(test_layout__never_breaks_at_no_break_space),
        cmocka_unit_test(test_layout__overlong_word_is_cut_between_characters),
        cmocka_unit_test(test_layout__huge_word_is_bounded),
        cmocka_unit_test(test_layout__scale_200_reflows),
        cmocka_unit_test(test_layout__column_stays_inside_window),
        cmocka_unit_test(test_layout__table_spans_put_values_in_their_columns),
        cmocka_unit_test(test_layout__notices_are_worded_and_visible),
        cmocka_unit_test(test_layout__question_targets_and_hits),
        cmocka_unit_test(test_layout__answered_question_shows_feedback),
        cmocka_unit_test(test_layout__cached_per_width_and_scale),
        cmocka_unit_test(test_layout__runs_measured_whole_stay_in_column),
        cmocka_unit_test(test_layout__fit_respects_characters),
        cmocka_unit_test(test_layout__mutated_pages_stay_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
