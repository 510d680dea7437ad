/* markup: the one string table of the markup contract (see markup.h). */
#include "markup.h"

#include <string.h>

const MarkupEntry markup_table[MARKUP_COUNT] = {
#define MARKUP_ENTRY(id, kind, text, uses) [id] = { kind, text, uses },
    MARKUP_TABLE(MARKUP_ENTRY)
#undef MARKUP_ENTRY
};

const char *markup(Markup m)
{
    return m >= 0 && m < MARKUP_COUNT ? markup_table[m].text : "";
}

static const Markup question_types[] = {
    [QUESTION_SINGLE] = MV_TYPE_SINGLE,
    [QUESTION_MULTIPLE] = MV_TYPE_MULTIPLE,
    [QUESTION_TRUEFALSE] = MV_TYPE_TRUEFALSE,
};

const char *markup_question_type(QuestionType t)
{
    if ((size_t)t >= sizeof(question_types) / sizeof(question_types[0]))
        t = QUESTION_SINGLE;
    return markup(question_types[t]);
}

int markup_question_type_from(const char *s, QuestionType *t)
{
    for (size_t i = 0; s && i < sizeof(question_types) / sizeof(question_types[0]); i++)
        if (strcmp(s, markup(question_types[i])) == 0) {
            *t = (QuestionType)i;
            return 0;
        }
    return -1;
}

static const Markup end_kinds[] = {
    [END_CORRECT] = MV_END_CORRECT,
    [END_PARTIAL] = MV_END_PARTIAL,
    [END_WRONG] = MV_END_WRONG,
};

const char *markup_end(EndResult e)
{
    if (e == END_NONE || (size_t)e >= sizeof(end_kinds) / sizeof(end_kinds[0]))
        return NULL;
    return markup(end_kinds[e]);
}

EndResult markup_end_from(const char *s)
{
    for (size_t i = 0; s && i < sizeof(end_kinds) / sizeof(end_kinds[0]); i++)
        if (i != END_NONE && strcmp(s, markup(end_kinds[i])) == 0)
            return (EndResult)i;
    return END_NONE;
}
