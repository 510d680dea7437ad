/* coursepack: main() parses options, calls the library, maps results to exit
 * codes (0 ok, 1 input error, 2 usage). */
#include <stdio.h>
#include <string.h>

static int usage(FILE *out)
{
    fputs("usage: coursepack check DIR...\n"
          "       coursepack build DIR... -o OUT [--scorm 12|2004|all] [--lang fr|en|all]\n"
          "       coursepack validate PKG.zip... [--schemas DIR]\n", out);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    return usage(stderr);
}
