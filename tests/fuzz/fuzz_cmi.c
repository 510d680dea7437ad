/* fuzz_cmi: the input is a script of lines "S element=value" (SetValue),
 * "L element=value" (LMS load), "G" (the summary the player and the
 * store read), "B"/"E" (session begin/end); the first byte picks the edition. Every call must return a
 * code, never crash; the listing of what was set must load back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int reload(const char *element, const char *value, void *ud)
{
    (void)cmi_load((CmiModel *)ud, element, value);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    ScormEdition ed = (data[0] & 1) ? SCORM_2004 : SCORM_12;
    CmiModel *m = cmi_new(ed);
    if (!m)
        return 0;
    char *text = malloc(size);
    if (!text) {
        cmi_free(m);
        return 0;
    }
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    CmiSummary s;
    int ops = 0;
    for (char *line = text, *next; line && ops < 2000; line = next, ops++) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char op = line[0];
        char *arg = line[0] ? line + 1 : line;
        while (*arg == ' ')
            arg++;
        char *eq = strchr(arg, '=');
        if (eq)
            *eq = 0;
        const char *value = eq ? eq + 1 : "";
        switch (op) {
        case 'S': (void)cmi_set(m, arg, value); break;
        case 'L': (void)cmi_load(m, arg, value); break;
        case 'G': cmi_summary(m, &s); break;
        case 'B': cmi_begin_session(m); break;
        case 'E': cmi_end_session(m); break;
        default: break;
        }
        (void)cmi_diagnostic(m);
    }
    cmi_summary(m, &s);
    CmiModel *copy = cmi_new(ed);
    if (copy) {
        (void)cmi_foreach(m, reload, copy);
        cmi_free(copy);
    }
    int64_t ms;
    (void)cmi_timespan_parse(text, &ms);
    (void)cmi_duration_parse(text, &ms);
    (void)cmi_timestamp_valid(text);
    free(text);
    cmi_free(m);
    return 0;
}
