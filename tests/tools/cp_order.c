/* cp_order: the choice order the player shows, for tests/runtime/shuffle.test.mjs.
 *
 *   cp_order INDEX.HTML SEED
 *
 * Reads INDEX.HTML with page_read (as the player does) and prints, for an
 * attempt whose seed is SEED (base 32, as in suspend data's o=), one JSON
 * object: for every question its id -> its choice ids in the order shown
 * ("cadb"), and for every scenario step "<scenario id>/<step id>" -> its
 * choice codes in the order shown; steps without choices are left out. The
 * order is src/shuffle.c's, which the player uses; the browser's must be the
 * same. Exit 2 on a usage error, 1 when the page cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "page_read.h"
#include "shuffle.h"

typedef struct Out {
    uint32_t seed;
    int first;
} Out;

static void key(Out *o, const char *a, const char *b)
{
    printf("%s\"%s%s%s\": \"", o->first ? "" : ", ", a, b ? "/" : "", b ? b : "");
    o->first = 0;
}

static int visit(Block *b, int depth, void *ud)
{
    (void)depth;
    Out *o = ud;
    int order[64];
    if (b->kind == BLOCK_QUESTION) {
        const Question *q = b->u.question;
        const Choice *by[QUESTION_MAX_CHOICES];
        int n = 0;
        for (const Choice *c = q->choices; c && n < QUESTION_MAX_CHOICES; c = c->next)
            by[n++] = c;
        n = shuffle_question(o->seed, q, order);
        key(o, q->id, NULL);
        for (int i = 0; i < n; i++)
            fputs(by[order[i]]->id, stdout);
        putchar('"');
    } else if (b->kind == BLOCK_SCENARIO) {
        const Scenario *sc = b->u.scenario;
        for (const Step *st = sc->steps; st; st = st->next) {
            if (!st->choices)
                continue;
            const StepChoice *by[SCENARIO_MAX_CHOICES];
            int n = 0;
            for (const StepChoice *c = st->choices; c && n < SCENARIO_MAX_CHOICES; c = c->next)
                by[n++] = c;
            n = shuffle_step(o->seed, sc, st, order);
            key(o, sc->id, st->id);
            for (int i = 0; i < n; i++)
                fputs(by[order[i]]->code, stdout);
            putchar('"');
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    Out o = { 0, 1 };
    if (argc != 3 || shuffle_seed_parse(argv[2], &o.seed) != 0) {
        fprintf(stderr, "usage: cp_order INDEX.HTML SEED (base 32, 1 to 7 digits 0-9a-v)\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    Buf html = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&html, chunk, n);
    fclose(f);
    Course *c = course_new();
    Diag d = DIAG_INIT;
    PageDoc doc;
    int rc = !c || page_read(c, argv[1], html.data, html.len, &doc, &d) != 0;
    if (rc) {
        diag_print(&d, stderr);
    } else {
        putchar('{');
        for (Page *p = doc.lang->pages; p; p = p->next)
            course_walk_blocks(p->blocks, visit, &o);
        puts("}");
    }
    diag_release(&d);
    course_free(c);
    buf_release(&html);
    return rc;
}
