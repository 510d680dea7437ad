/* markup: the markup contract of a coursepack page (docs/package-format.md)
 * as one table. Every data-cp-* attribute, cp-* class, id and name that the
 * writer (html_write.c), the player's reader (page_read.c), the runtime
 * (assets/runtime/cp-runtime.js) and the styles (cp.css) share is named here
 * once, with who uses it; the question types, the scenario ending kinds and
 * the values with a meaning are here too. tests/unit/test_markup.c proves the
 * runtime's names are exactly the table's runtime names, and that neither the
 * writer nor the reader spells a name of its own. */
#ifndef MARKUP_H
#define MARKUP_H

#include "course.h"

/* Who relies on a name. */
enum {
    MK_WRITE = 1u << 0,     /* html_write.c writes it */
    MK_READ = 1u << 1,      /* page_read.c reads it */
    MK_RT = 1u << 2,        /* cp-runtime.js reads or sets it */
    MK_CSS = 1u << 3,       /* cp.css styles it */
};

typedef enum MarkupKind {
    MARKUP_ATTR,            /* an attribute name */
    MARKUP_CLASS,           /* a class */
    MARKUP_ID,              /* an element id, or an id prefix (ends with '-') */
    MARKUP_NAME,            /* a form control's name */
    MARKUP_VALUE,           /* an attribute value with a meaning */
} MarkupKind;

/* X(enum id, kind, text, uses) */
#define MARKUP_TABLE(X) \
    /* <body>: the module */ \
    X(MC_BODY, MARKUP_CLASS, "cp", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_MODULE, MARKUP_ATTR, "data-cp-module", MK_WRITE | MK_READ) \
    X(MA_VERSION, MARKUP_ATTR, "data-cp-version", MK_WRITE | MK_READ) \
    X(MA_LANG, MARKUP_ATTR, "data-cp-lang", MK_WRITE | MK_READ | MK_RT) \
    X(MA_MASTERY, MARKUP_ATTR, "data-cp-mastery", MK_WRITE | MK_READ | MK_RT) \
    X(MA_DURATION, MARKUP_ATTR, "data-cp-duration", MK_WRITE | MK_READ) \
    X(MA_SCORM, MARKUP_ATTR, "data-cp-scorm", MK_WRITE | MK_READ | MK_RT) \
    X(MA_TEXT_PREFIX, MARKUP_ATTR, "data-cp-text-", MK_WRITE | MK_READ | MK_RT) \
    X(MV_SCORM_12, MARKUP_VALUE, "12", MK_WRITE | MK_READ) \
    X(MV_SCORM_2004, MARKUP_VALUE, "2004", MK_WRITE | MK_READ | MK_RT) \
    X(MV_SCORM_CMI5, MARKUP_VALUE, "cmi5", MK_WRITE | MK_READ | MK_RT) \
    /* audience, on <body> (every id) and on a limited page or block */ \
    X(MA_ROLES, MARKUP_ATTR, "data-cp-roles", MK_WRITE | MK_READ | MK_RT) \
    X(MA_SETTINGS, MARKUP_ATTR, "data-cp-settings", MK_WRITE | MK_READ | MK_RT) \
    /* the frame of the document */ \
    X(MC_SKIP, MARKUP_CLASS, "cp-skip", MK_WRITE | MK_CSS) \
    X(MC_HEADER, MARKUP_CLASS, "cp-header", MK_WRITE | MK_CSS) \
    X(MC_MODULE_TITLE, MARKUP_CLASS, "cp-module-title", MK_WRITE | MK_CSS) \
    X(MC_BANNER, MARKUP_CLASS, "cp-banner", MK_WRITE | MK_RT | MK_CSS) \
    X(MI_MAIN, MARKUP_ID, "cp-main", MK_WRITE | MK_RT | MK_CSS) \
    X(MC_NAV, MARKUP_CLASS, "cp-nav", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MC_PREV, MARKUP_CLASS, "cp-prev", MK_WRITE | MK_RT) \
    X(MC_NEXT, MARKUP_CLASS, "cp-next", MK_WRITE | MK_RT) \
    X(MC_PROGRESS, MARKUP_CLASS, "cp-progress", MK_WRITE | MK_RT | MK_CSS) \
    /* pages */ \
    X(MC_PAGE, MARKUP_CLASS, "cp-page", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_PAGE, MARKUP_ATTR, "data-cp-page", MK_WRITE | MK_READ | MK_RT) \
    X(MI_PAGE_PREFIX, MARKUP_ID, "page-", MK_WRITE) \
    X(MI_HEADING_PREFIX, MARKUP_ID, "h-", MK_WRITE) \
    X(MC_EXCLUDED, MARKUP_CLASS, "cp-excluded", MK_RT | MK_CSS) \
    /* the context chooser */ \
    X(MC_CONTEXT, MARKUP_CLASS, "cp-context", MK_WRITE | MK_READ | MK_RT) \
    X(MV_PAGE_CONTEXT, MARKUP_VALUE, "_context", MK_WRITE) \
    X(MC_CONTEXT_FORM, MARKUP_CLASS, "cp-context-form", MK_WRITE | MK_READ | MK_CSS) \
    X(MC_CONTEXT_GROUP, MARKUP_CLASS, "cp-context-group", MK_WRITE | MK_CSS) \
    X(MN_ROLE, MARKUP_NAME, "cp-role", MK_WRITE | MK_READ | MK_RT) \
    X(MN_SETTING, MARKUP_NAME, "cp-setting", MK_WRITE | MK_READ | MK_RT) \
    /* references */ \
    X(MC_REFERENCES, MARKUP_CLASS, "cp-references", MK_WRITE | MK_READ | MK_RT) \
    X(MV_PAGE_REFERENCES, MARKUP_VALUE, "_references", MK_WRITE) \
    X(MC_REF_LIST, MARKUP_CLASS, "cp-ref-list", MK_WRITE) \
    X(MC_REF, MARKUP_CLASS, "cp-ref", MK_WRITE | MK_READ | MK_CSS) \
    X(MI_REF_PREFIX, MARKUP_ID, "ref-", MK_WRITE | MK_READ) \
    X(MC_CITE, MARKUP_CLASS, "cp-cite", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MC_BACK, MARKUP_CLASS, "cp-back", MK_WRITE | MK_RT | MK_CSS) \
    X(MC_TARGET, MARKUP_CLASS, "cp-target", MK_RT | MK_CSS) \
    /* the summary */ \
    X(MC_SUMMARY, MARKUP_CLASS, "cp-summary", MK_WRITE | MK_RT) \
    X(MV_PAGE_SUMMARY, MARKUP_VALUE, "_summary", MK_WRITE) \
    X(MC_SUMMARY_BODY, MARKUP_CLASS, "cp-summary-body", MK_WRITE | MK_READ | MK_RT) \
    X(MC_FINISH, MARKUP_CLASS, "cp-finish", MK_WRITE | MK_RT) \
    X(MC_FINISHED, MARKUP_CLASS, "cp-finished", MK_RT) \
    /* ordinary content */ \
    X(MC_ONLY, MARKUP_CLASS, "cp-only", MK_WRITE | MK_READ) \
    X(MC_CALLOUT, MARKUP_CLASS, "cp-callout", MK_WRITE | MK_READ | MK_CSS) \
    X(MC_KEYFACT, MARKUP_CLASS, "cp-keyfact", MK_WRITE) \
    X(MC_WARNING, MARKUP_CLASS, "cp-warning", MK_WRITE | MK_READ | MK_CSS) \
    X(MC_CALLOUT_TITLE, MARKUP_CLASS, "cp-callout-title", MK_WRITE | MK_READ | MK_CSS) \
    X(MC_FIGURE, MARKUP_CLASS, "cp-figure", MK_WRITE | MK_CSS) \
    X(MC_ALIGN_LEFT, MARKUP_CLASS, "cp-align-left", MK_WRITE | MK_READ | MK_CSS) \
    X(MC_ALIGN_CENTER, MARKUP_CLASS, "cp-align-center", MK_WRITE | MK_READ | MK_CSS) \
    X(MC_ALIGN_RIGHT, MARKUP_CLASS, "cp-align-right", MK_WRITE | MK_READ | MK_CSS) \
    /* parts shared by questions, scenarios, reflections and the chooser */ \
    X(MC_CHOICE, MARKUP_CLASS, "cp-choice", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_CHOICE, MARKUP_ATTR, "data-cp-choice", MK_WRITE | MK_READ | MK_RT) \
    X(MC_SUBMIT, MARKUP_CLASS, "cp-submit", MK_WRITE | MK_RT) \
    X(MC_RESULT, MARKUP_CLASS, "cp-result", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_WEIGHT, MARKUP_ATTR, "data-cp-weight", MK_WRITE | MK_READ | MK_RT) \
    X(MA_DESCRIPTION, MARKUP_ATTR, "data-cp-description", MK_WRITE | MK_RT) \
    X(MC_ANSWERED, MARKUP_CLASS, "cp-answered", MK_RT) \
    /* choice order: shuffled per attempt unless data-cp-shuffle="false" (on a \
     * question or scenario); a choice with data-cp-fixed="true" keeps its place */ \
    X(MA_SHUFFLE, MARKUP_ATTR, "data-cp-shuffle", MK_WRITE | MK_READ | MK_RT) \
    X(MA_FIXED, MARKUP_ATTR, "data-cp-fixed", MK_WRITE | MK_READ | MK_RT) \
    /* questions */ \
    X(MC_QUESTION, MARKUP_CLASS, "cp-question", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_QUESTION, MARKUP_ATTR, "data-cp-question", MK_WRITE | MK_READ | MK_RT) \
    X(MA_TYPE, MARKUP_ATTR, "data-cp-type", MK_WRITE | MK_READ | MK_RT) \
    X(MV_TYPE_SINGLE, MARKUP_VALUE, "single", MK_WRITE | MK_READ) \
    X(MV_TYPE_MULTIPLE, MARKUP_VALUE, "multiple", MK_WRITE | MK_READ) \
    X(MV_TYPE_TRUEFALSE, MARKUP_VALUE, "truefalse", MK_WRITE | MK_READ | MK_RT) \
    X(MA_CORRECT, MARKUP_ATTR, "data-cp-correct", MK_WRITE | MK_READ | MK_RT) \
    X(MC_PROMPT, MARKUP_CLASS, "cp-prompt", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MC_FEEDBACK, MARKUP_CLASS, "cp-feedback", MK_WRITE | MK_READ | MK_CSS) \
    X(MA_FEEDBACK, MARKUP_ATTR, "data-cp-feedback", MK_WRITE | MK_RT) \
    X(MC_EXPLANATION, MARKUP_CLASS, "cp-explanation", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MC_RIGHT, MARKUP_CLASS, "cp-right", MK_RT | MK_CSS) \
    X(MC_WRONG, MARKUP_CLASS, "cp-wrong", MK_RT | MK_CSS) \
    X(MC_IS_CORRECT, MARKUP_CLASS, "cp-is-correct", MK_RT | MK_CSS) \
    X(MC_IS_SELECTED, MARKUP_CLASS, "cp-is-selected", MK_RT | MK_CSS) \
    /* scenarios */ \
    X(MC_SCENARIO, MARKUP_CLASS, "cp-scenario", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_SCENARIO, MARKUP_ATTR, "data-cp-scenario", MK_WRITE | MK_READ | MK_RT) \
    X(MA_SCORED, MARKUP_ATTR, "data-cp-scored", MK_WRITE | MK_READ | MK_RT) \
    X(MV_TRUE, MARKUP_VALUE, "true", MK_WRITE | MK_READ | MK_RT) \
    X(MV_FALSE, MARKUP_VALUE, "false", MK_WRITE | MK_READ | MK_RT) \
    X(MA_BEST, MARKUP_ATTR, "data-cp-best", MK_WRITE | MK_RT) \
    X(MC_SCENARIO_TITLE, MARKUP_CLASS, "cp-scenario-title", MK_WRITE | MK_READ | MK_RT) \
    X(MC_STEP, MARKUP_CLASS, "cp-step", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_STEP, MARKUP_ATTR, "data-cp-step", MK_WRITE | MK_READ | MK_RT) \
    X(MC_END, MARKUP_CLASS, "cp-end", MK_WRITE | MK_RT | MK_CSS) \
    X(MA_END, MARKUP_ATTR, "data-cp-end", MK_WRITE | MK_READ | MK_RT) \
    X(MV_END_CORRECT, MARKUP_VALUE, "correct", MK_WRITE | MK_READ | MK_RT) \
    X(MV_END_PARTIAL, MARKUP_VALUE, "partial", MK_WRITE | MK_READ | MK_RT) \
    X(MV_END_WRONG, MARKUP_VALUE, "wrong", MK_WRITE | MK_READ | MK_RT) \
    X(MC_STEP_CHOICES, MARKUP_CLASS, "cp-step-choices", MK_WRITE | MK_READ | MK_CSS) \
    X(MC_STEP_CHOICE, MARKUP_CLASS, "cp-step-choice", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_TARGET, MARKUP_ATTR, "data-cp-target", MK_WRITE | MK_READ | MK_RT) \
    X(MC_CONSEQUENCE, MARKUP_CLASS, "cp-consequence", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_CONSEQUENCE, MARKUP_ATTR, "data-cp-consequence", MK_WRITE | MK_RT) \
    X(MC_RESTART, MARKUP_CLASS, "cp-restart", MK_WRITE | MK_RT | MK_CSS) \
    X(MC_CHOSEN, MARKUP_CLASS, "cp-chosen", MK_RT | MK_CSS) \
    /* reflections */ \
    X(MC_REFLECTION, MARKUP_CLASS, "cp-reflection", MK_WRITE | MK_READ | MK_RT | MK_CSS) \
    X(MA_REFLECTION, MARKUP_ATTR, "data-cp-reflection", MK_WRITE | MK_READ | MK_RT) \
    X(MA_MAX, MARKUP_ATTR, "data-cp-max", MK_WRITE | MK_RT) \
    X(MC_REFLECTION_PROMPT, MARKUP_CLASS, "cp-reflection-prompt", MK_WRITE | MK_READ)

typedef enum Markup {
#define MARKUP_ENUM(id, kind, text, uses) id,
    MARKUP_TABLE(MARKUP_ENUM)
#undef MARKUP_ENUM
    MARKUP_COUNT
} Markup;

typedef struct MarkupEntry {
    MarkupKind kind;
    const char *text;
    unsigned uses;          /* MK_* */
} MarkupEntry;

/* The table, MARKUP_COUNT entries, indexed by Markup. */
extern const MarkupEntry markup_table[MARKUP_COUNT];

/* The text of a name: markup(MA_QUESTION) is "data-cp-question". */
const char *markup(Markup m);

/* Question types: single, multiple, truefalse. */
const char *markup_question_type(QuestionType t);
/* The type written as s; 0, or -1 (t unchanged) for an unknown word. */
int markup_question_type_from(const char *s, QuestionType *t);

/* Scenario ending kinds: correct, partial, wrong; NULL for END_NONE. */
const char *markup_end(EndResult e);
/* END_NONE for NULL or an unknown word. */
EndResult markup_end_from(const char *s);

#endif
