/* win_recorder: stands in for espeak-ng in tests/integration/windows_player.sh.
 * Built for Windows by that test; run by wardplayer.exe as PROGRAM -v LANG with
 * the text on its standard input, it writes "args: ..." and the text to the
 * file %WARDPLAYER_RECORD% (a UTF-16 name, so any path works). */
#include <stdio.h>
#include <wchar.h>

int main(int argc, char **argv)
{
    const wchar_t *path = _wgetenv(L"WARDPLAYER_RECORD");
    FILE *out = path ? _wfopen(path, L"wb") : NULL;
    if (!out)
        return 1;
    fputs("args:", out);
    for (int i = 1; i < argc; i++)
        fprintf(out, " %s", argv[i]);
    fputc('\n', out);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        fwrite(buf, 1, n, out);
    fclose(out);
    return 0;
}
