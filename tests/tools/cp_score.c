/* cp-score: the C scorer on a written page, for tests/runtime/parity.test.mjs.
 *
 *   cp-score INDEX.HTML ROLE SETTING [ID=ANSWER]...
 *
 * Reads INDEX.HTML with page_read (as the player does), lists its items with
 * score_walk, turns each ID=ANSWER (a question's choice ids "ac", a
 * scenario's path of choice codes "ad") into a result, and prints, for a
 * learner of ROLE and SETTING ("-" for none) who has seen every page of their
 * path, one JSON object: raw (null when nothing is scored), max, scored,
 * answered, lesson, completion, success, and items {id: result} for every
 * item shown (correct, partial, wrong, neutral, unanswered). Exit 2 on a
 * usage error, 1 when the page cannot be read or an ID is not an item. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "page_read.h"
#include "score.h"

typedef struct Items {
    ScoreItem v[1024];
    int n;
} Items;

static int collect(const ScoreItem *it, void *ud)
{
    Items *l = ud;
    if (l->n >= 1024)
        return 1;
    l->v[l->n++] = *it;
    return 0;
}

static const char *result_name(ScoreResult r)
{
    switch (r) {
    case SCORE_CORRECT: return "correct";
    case SCORE_PARTIAL: return "partial";
    case SCORE_WRONG: return "wrong";
    case SCORE_NEUTRAL: return "neutral";
    default: return "unanswered";
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    Buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, len);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: cp-score INDEX.HTML ROLE SETTING [ID=ANSWER]...\n");
        return 2;
    }
    size_t len = 0;
    char *html = slurp(argv[1], &len);
    if (!html) {
        fprintf(stderr, "cp-score: cannot read %s\n", argv[1]);
        return 1;
    }
    Course *c = course_new();
    PageDoc doc;
    Diag d = DIAG_INIT;
    if (!c || page_read(c, argv[1], html, len, &doc, &d) < 0 || !doc.ours) {
        diag_print(&d, stderr);
        fprintf(stderr, "cp-score: %s is not a coursepack page\n", argv[1]);
        return 1;
    }
    int role = strcmp(argv[2], "-") ? course_role_index(c, argv[2]) : -1;
    int setting = strcmp(argv[3], "-") ? course_setting_index(c, argv[3]) : -1;
    Items *items = calloc(1, sizeof(*items));
    ScoreResult *results = calloc(1024, sizeof(*results));
    if (!items || !results || score_walk(doc.lang->pages, collect, items) != 0) {
        fprintf(stderr, "cp-score: too many items\n");
        return 1;
    }
    int rc = 0;
    for (int a = 4; a < argc; a++) {
        const char *eq = strchr(argv[a], '=');
        int found = 0;
        for (int i = 0; eq && i < items->n; i++) {
            const ScoreItem *it = &items->v[i];
            if (!it->id || strlen(it->id) != (size_t)(eq - argv[a]) ||
                strncmp(it->id, argv[a], (size_t)(eq - argv[a])) != 0)
                continue;
            found = 1;
            if (it->kind == BLOCK_QUESTION) {
                unsigned sel = 0;
                int k = 0;
                for (const Choice *ch = it->block->u.question->choices; ch; ch = ch->next, k++)
                    if (strchr(eq + 1, ch->id[0]))
                        sel |= 1u << k;
                results[i] = score_question(it->block->u.question, sel);
            } else if (it->kind == BLOCK_SCENARIO) {
                const Scenario *s = it->block->u.scenario;
                results[i] = score_scenario(s, score_scenario_path(s, eq + 1));
            }
        }
        if (!found) {
            fprintf(stderr, "cp-score: no item for '%s'\n", argv[a]);
            rc = 1;
        }
    }
    ScoreOutcome o;
    ScoreStatus st;
    score_compute(items->v, items->n, results, role, setting, &o);
    score_status(&o, c->mastery_score, 1, &st);
    if (o.raw < 0)
        printf("{\"raw\":null");
    else
        printf("{\"raw\":%.2f", o.raw);
    printf(",\"max\":%d,\"scored\":%d,\"answered\":%d,\"lesson\":\"%s\",\"completion\":\"%s\","
           "\"success\":\"%s\",\"items\":{", o.max, o.scored, o.answered, st.lesson,
           st.completion, st.success);
    int first = 1;
    for (int i = 0; i < items->n; i++) {
        const ScoreItem *it = &items->v[i];
        if (it->kind == BLOCK_REFLECTION || !score_item_shown(it, role, setting))
            continue;
        printf("%s\"%s\":\"%s\"", first ? "" : ",", it->id, result_name(results[i]));
        first = 0;
    }
    printf("}}\n");
    free(results);
    free(items);
    free(html);
    diag_release(&d);
    course_free(c);
    return rc;
}
