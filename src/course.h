/* course: the in-memory model shared by every reader and writer.
 * Course > Lang > Page > Block tree; questions, scenarios and reflections are
 * blocks too. Everything lives in the course's arena: course_free() is the one
 * free. Strings are NUL-terminated UTF-8, borrowed until course_free(). */
#ifndef COURSE_H
#define COURSE_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"

#define COURSE_MAX_LANGS 4
#define COURSE_MAX_CONTEXT 32      /* roles, and settings: bits of an unsigned */
#define QUESTION_MAX_CHOICES 26    /* reported as a..z */
#define SCENARIO_MAX_CHOICES 36    /* reported as a..z, 0..9 */

/* The run-time interfaces a package can be built for: the two SCORM
 * editions, and cmi5 (xAPI; not SCORM, but its page is the same one, which
 * then reports through the cmi5 launch adapter, with 2004's data formats). */
typedef enum ScormEdition { SCORM_12, SCORM_2004, SCORM_CMI5 } ScormEdition;

typedef struct Inline Inline;
typedef struct Block Block;
typedef struct Page Page;
typedef struct Question Question;
typedef struct Choice Choice;
typedef struct Scenario Scenario;
typedef struct Step Step;
typedef struct StepChoice StepChoice;

/* ---- inline text ------------------------------------------------------- */

enum {
    INLINE_STRONG = 1u << 0,
    INLINE_EM = 1u << 1,
    INLINE_CODE = 1u << 2,
    INLINE_LINK = 1u << 3,     /* href set */
    INLINE_CITE = 1u << 4,     /* link to a reference: href is the ref id */
    INLINE_BREAK = 1u << 5,    /* hard line break; text is "" */
    INLINE_STRIKE = 1u << 6,
};

/* A run of text with one style. A paragraph is a linked list of runs. */
struct Inline {
    unsigned style;            /* INLINE_* flags */
    const char *text;          /* arena */
    const char *href;          /* arena; NULL unless LINK or CITE */
    Inline *next;
};

/* ---- audience: who a page or block is for ------------------------------ */

/* Bit i of roles is the module's role i (Course.roles[i]); 0 means everyone.
 * Same for settings. A learner sees an item when both sets match. */
typedef struct Audience {
    unsigned roles;
    unsigned settings;
} Audience;

/* ---- blocks ------------------------------------------------------------ */

typedef enum BlockKind {
    BLOCK_HEADING,      /* level, text */
    BLOCK_PARAGRAPH,    /* text */
    BLOCK_LIST,         /* ordered, start; children are BLOCK_LIST_ITEM */
    BLOCK_LIST_ITEM,    /* children: blocks */
    BLOCK_QUOTE,        /* children */
    BLOCK_CODE,         /* literal */
    BLOCK_RULE,
    BLOCK_TABLE,        /* children are BLOCK_TABLE_ROW; first rows may be header;
                           text: its caption (NULL: none) */
    BLOCK_TABLE_ROW,    /* header flag; children are BLOCK_TABLE_CELL */
    BLOCK_TABLE_CELL,   /* text, align, colspan, rowspan */
    BLOCK_IMAGE,        /* image */
    BLOCK_CALLOUT,      /* callout kind, title; children */
    BLOCK_GROUP,        /* an `only` block: children for an audience */
    BLOCK_QUESTION,     /* question */
    BLOCK_SCENARIO,     /* scenario */
    BLOCK_REFLECTION,   /* reflection */
    BLOCK_REFERENCES,   /* placeholder for the bibliography (generated page) */
    BLOCK_NOTICE,       /* notice: what a third-party page has that cannot be shown
                           here (a video, a page built by scripts); the player words it */
} BlockKind;

#define CELL_MAX_COLSPAN 1000      /* as browsers bound them */
#define CELL_MAX_ROWSPAN 65534

typedef enum CalloutKind { CALLOUT_KEYFACT, CALLOUT_WARNING } CalloutKind;
typedef enum NoticeKind {
    NOTICE_VIDEO,           /* a <video>: file is its file name */
    NOTICE_AUDIO,           /* an <audio>: file is its file name */
    NOTICE_NEEDS_BROWSER,   /* the page is built by scripts or frames */
} NoticeKind;
typedef enum CellAlign { ALIGN_DEFAULT, ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } CellAlign;

typedef struct Image {
    const char *src;        /* path inside the module, e.g. "img/x.png" (after SVG
                               rendering: the PNG's path) */
    const char *source;     /* path as written by the trainer, e.g. "img/x.svg" */
    const char *alt;        /* required, non-empty */
    const char *caption;    /* NULL when none */
    int width, height;      /* pixels, 0 when unknown */
    /* What check prepared, so the build does not read or render again: */
    const char *file;       /* arena: the source file's resolved path; NULL until checked */
    const unsigned char *png; /* arena: the PNG rendered from an SVG source; NULL for a
                                 PNG/JPEG, which the build streams from file */
    size_t size;            /* bytes the package entry will have */
} Image;

typedef struct Reflection {
    const char *id;
    Block *prompt;          /* blocks */
    int max_chars;          /* 10..2000 */
} Reflection;

struct Block {
    BlockKind kind;
    SrcLoc at;
    Audience audience;
    Block *children;        /* first child, or NULL */
    Block *next;            /* next sibling */
    Inline *text;           /* HEADING, PARAGRAPH, TABLE_CELL; TABLE: caption */
    union {
        struct { int level; const char *anchor; } heading;
        struct { int ordered; int start; int tight; } list;
        struct { const char *literal; const char *lang; } code;
        struct { int header; } row;
        struct {
            CellAlign align;
            int header;
            int colspan, rowspan;   /* cells covered; 0 counts as 1 */
        } cell;
        struct { CalloutKind kind; const char *title; } callout;
        struct { NoticeKind kind; const char *file; } notice;  /* file: a name, no
                                                                   folder; may be NULL */
        Image image;
        Question *question;
        Scenario *scenario;
        Reflection reflection;
    } u;
};

/* ---- questions ----------------------------------------------------------- */

typedef enum QuestionType { QUESTION_SINGLE, QUESTION_MULTIPLE, QUESTION_TRUEFALSE } QuestionType;

struct Choice {
    char id[2];             /* "a".."z" (truefalse: first is true, second false) */
    Inline *text;
    int correct;
    Block *feedback;        /* blocks, required */
    SrcLoc at;
    Choice *next;
    int fixed;              /* keeps its place when the others are shuffled (fixed=) */
};

struct Question {
    const char *id;
    QuestionType type;
    int weight;             /* 1..100 */
    Block *prompt;          /* blocks */
    Choice *choices;
    int nchoices;
    Block *explanation;     /* blocks, may be NULL */
    SrcLoc at;
    int keep_order;         /* shuffle=no: choices always shown as written (true/false
                               questions are never shuffled either) */
};

/* ---- scenarios ----------------------------------------------------------- */

typedef enum EndResult { END_NONE, END_CORRECT, END_PARTIAL, END_WRONG } EndResult;

struct StepChoice {
    char code[2];           /* "a".."z","0".."9", unique in the scenario */
    Inline *text;
    const char *target_id;
    Step *target;           /* resolved by the checker; NULL if unknown */
    Block *consequence;     /* blocks, required */
    SrcLoc at;
    StepChoice *next;
};

struct Step {
    const char *id;
    Block *body;            /* blocks: situation, or the debrief of an ending */
    StepChoice *choices;    /* NULL for an ending */
    EndResult end;          /* endings of scored scenarios */
    SrcLoc at;
    Step *next;
};

struct Scenario {
    const char *id;
    const char *title;      /* may be NULL */
    int scored;
    int weight;
    Step *steps;            /* first step is the start */
    int nchoices;
    SrcLoc at;
    int keep_order;         /* shuffle=no: each step's choices shown as written */
};

/* ---- pages, languages, course -------------------------------------------- */

struct Page {
    const char *name;       /* "01-intro": same in every language */
    const char *file;       /* path of the source file as given */
    const char *title;      /* plain text of the first level-1 heading */
    Audience audience;
    Block *blocks;
    Page *next;
};

typedef struct ContextItem {
    const char *id;
    const char *label[COURSE_MAX_LANGS];  /* per Course.langs index; may be NULL */
    SrcLoc at;
} ContextItem;

typedef struct Reference {
    const char *id;
    const char *text;       /* the citation as written, whitespace collapsed */
    const char *doi;        /* may be NULL */
    const char *url;        /* may be NULL */
    SrcLoc at;
} Reference;

typedef struct CourseLang {
    const char *code;       /* "fr", "en" */
    const char *title;
    const char *description;
    const char *keywords;   /* may be NULL */
    Page *pages;            /* in file-name order */
    int npages;
} CourseLang;

typedef struct Course {
    Arena arena;
    const char *dir;        /* module folder as given */
    const char *id;
    const char *version;
    int duration_minutes;
    int mastery_score;      /* 0..100 */
    const char **authors;   /* NULL-terminated */
    CourseLang langs[COURSE_MAX_LANGS];
    int nlangs;
    ContextItem roles[COURSE_MAX_CONTEXT];
    int nroles;
    ContextItem settings[COURSE_MAX_CONTEXT];
    int nsettings;
    Reference *refs;
    int nrefs;
} Course;

/* Returns a new empty course (its arena ready), or NULL when out of memory.
 * Free it with course_free(). */
Course *course_new(void);
void course_free(Course *c);

/* Allocation helpers: all memory comes from c->arena. NULL on out of memory. */
Block *course_new_block(Course *c, BlockKind kind, SrcLoc at);
Inline *course_new_inline(Course *c, unsigned style, const char *text, size_t len);
char *course_strdup(Course *c, const char *s);
char *course_strndup(Course *c, const char *s, size_t len);

/* Appends child to the end of parent's children (parent NULL: to *list). */
void course_append_block(Block **list, Block *child);

/* Looks a language up by code; NULL when the module does not have it. */
CourseLang *course_lang(Course *c, const char *code);
int course_lang_index(const Course *c, const char *code);

/* Index of a role or setting id, or -1. */
int course_role_index(const Course *c, const char *id);
int course_setting_index(const Course *c, const char *id);
const Reference *course_ref(const Course *c, const char *id);

/* Whether a learner with this role and setting (indexes, -1 = unknown: sees
 * everything) is shown an item with audience a. */
int audience_includes(Audience a, int role, int setting);

/* Plain text of an inline list (styles dropped, breaks as spaces), in a new
 * string: free() it. NULL on out of memory. */
char *inline_plain_text(const Inline *in);

/* Walks every block of a block list depth-first, including the blocks inside
 * questions (prompt, feedback, explanation), scenarios and reflections.
 * fn returns non-zero to stop; that value is returned. */
typedef int (*BlockVisitor)(Block *b, int depth, void *userdata);
int course_walk_blocks(Block *list, BlockVisitor fn, void *userdata);

/* Score a learner can reach on a page list: sums the weights of questions
 * and scored scenarios the learner is shown (role/setting as in
 * audience_includes), nested ones included (score.h's walker). */
int course_max_score(const Page *pages, int role, int setting);

#endif
