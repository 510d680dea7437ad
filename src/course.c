/* course: allocation helpers and walks over the model. The model itself is
 * plain structs; readers fill it, writers read it. */
#include "course.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "score.h"

Course *course_new(void)
{
    Course *c = calloc(1, sizeof(*c));
    return c;
}

void course_free(Course *c)
{
    if (!c)
        return;
    arena_release(&c->arena);
    free(c);
}

Block *course_new_block(Course *c, BlockKind kind, SrcLoc at)
{
    Block *b = arena_alloc(&c->arena, sizeof(*b));
    if (!b)
        return NULL;
    b->kind = kind;
    b->at = at;
    return b;
}

Inline *course_new_inline(Course *c, unsigned style, const char *text, size_t len)
{
    Inline *in = arena_alloc(&c->arena, sizeof(*in));
    if (!in)
        return NULL;
    in->style = style;
    in->text = arena_strndup(&c->arena, text ? text : "", text ? len : 0);
    if (!in->text)
        return NULL;
    return in;
}

char *course_strdup(Course *c, const char *s)
{
    return s ? arena_strdup(&c->arena, s) : NULL;
}

char *course_strndup(Course *c, const char *s, size_t len)
{
    return arena_strndup(&c->arena, s, len);
}

void course_append_block(Block **list, Block *child)
{
    while (*list)
        list = &(*list)->next;
    *list = child;
}

int course_lang_index(const Course *c, const char *code)
{
    for (int i = 0; i < c->nlangs; i++)
        if (c->langs[i].code && strcmp(c->langs[i].code, code) == 0)
            return i;
    return -1;
}

CourseLang *course_lang(Course *c, const char *code)
{
    int i = course_lang_index(c, code);
    return i < 0 ? NULL : &c->langs[i];
}

const CourseLang *course_lang_const(const Course *c, const char *code)
{
    int i = course_lang_index(c, code);
    return i < 0 ? NULL : &c->langs[i];
}

static int context_index(const ContextItem *items, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(items[i].id, id) == 0)
            return i;
    return -1;
}

int course_role_index(const Course *c, const char *id)
{
    return context_index(c->roles, c->nroles, id);
}

int course_setting_index(const Course *c, const char *id)
{
    return context_index(c->settings, c->nsettings, id);
}

const Reference *course_ref(const Course *c, const char *id)
{
    for (int i = 0; i < c->nrefs; i++)
        if (strcmp(c->refs[i].id, id) == 0)
            return &c->refs[i];
    return NULL;
}

int audience_includes(Audience a, int role, int setting)
{
    if (a.roles && role >= 0 && !(a.roles & (1u << role)))
        return 0;
    if (a.settings && setting >= 0 && !(a.settings & (1u << setting)))
        return 0;
    return 1;
}

char *inline_plain_text(const Inline *in)
{
    Buf b = BUF_INIT;
    for (; in; in = in->next)
        buf_puts(&b, (in->style & INLINE_BREAK) ? " " : in->text);
    return buf_detach(&b, NULL);
}

static int walk(Block *list, int depth, BlockVisitor fn, void *ud);

static int walk_one(Block *b, int depth, BlockVisitor fn, void *ud)
{
    int rc = fn(b, depth, ud);
    if (rc)
        return rc;
    if ((rc = walk(b->children, depth + 1, fn, ud)))
        return rc;
    switch (b->kind) {
    case BLOCK_QUESTION: {
        Question *q = b->u.question;
        if ((rc = walk(q->prompt, depth + 1, fn, ud)))
            return rc;
        for (Choice *ch = q->choices; ch; ch = ch->next)
            if ((rc = walk(ch->feedback, depth + 1, fn, ud)))
                return rc;
        return walk(q->explanation, depth + 1, fn, ud);
    }
    case BLOCK_SCENARIO:
        for (Step *s = b->u.scenario->steps; s; s = s->next) {
            if ((rc = walk(s->body, depth + 1, fn, ud)))
                return rc;
            for (StepChoice *ch = s->choices; ch; ch = ch->next)
                if ((rc = walk(ch->consequence, depth + 1, fn, ud)))
                    return rc;
        }
        return 0;
    case BLOCK_REFLECTION:
        return walk(b->u.reflection.prompt, depth + 1, fn, ud);
    default:
        return 0;
    }
}

static int walk(Block *list, int depth, BlockVisitor fn, void *ud)
{
    for (Block *b = list; b; b = b->next) {
        int rc = walk_one(b, depth, fn, ud);
        if (rc)
            return rc;
    }
    return 0;
}

int course_walk_blocks(Block *list, BlockVisitor fn, void *userdata)
{
    return walk(list, 0, fn, userdata);
}

typedef struct MaxScore {
    int role, setting, sum;
} MaxScore;

static int add_weight(const ScoreItem *it, void *ud)
{
    MaxScore *m = ud;
    if (it->scored && score_item_shown(it, m->role, m->setting))
        m->sum += it->weight;
    return 0;
}

int course_max_score(const Page *pages, int role, int setting)
{
    MaxScore m = { role, setting, 0 };
    score_walk(pages, add_weight, &m);
    return m.sum;
}
