/* source_lint: warns when a module's assessment can be passed by test-wiseness
 * rather than judgement — right answers mostly the longest option or mostly in
 * one position, true/false answers all one way, scenario best choices mostly
 * the longest. Each rule compares what the module does with what chance would
 * give (docs/authoring.md, "Assessment lint"). */
#ifndef SOURCE_LINT_H
#define SOURCE_LINT_H

#include "course.h"
#include "diag.h"

/* A count is reported when chance would give at least that many this rarely:
 * P(X >= observed) < LINT_ALPHA under random answer placement. */
#define LINT_ALPHA 0.05
/* Fewer items than this tell nothing: no warning. */
#define LINT_MIN_ITEMS 3

/* Probability that a sum of independent Bernoulli(p[i]) variables, i < n,
 * reaches at least k (the Poisson-binomial upper tail). p may be NULL when
 * n is 0. Exposed for the tests. */
double source_lint_tail(const double *p, int n, int k);

/* Lints every language of c and adds warnings (never errors) to d, each
 * located at the first item it counts. Reads c only. */
void source_lint_assessment(const Course *c, Diag *d);

#endif
