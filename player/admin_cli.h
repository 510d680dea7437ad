/* admin_cli: wardplayer's command-line entry points for administrators,
 * run instead of the screen when one of their flags is present:
 *   --export FILE.csv|FILE.json [--pending]   results (or, with --pending, the
 *                      statements not yet sent, as a JSON array for the USB path)
 *   --sync             send the pending statements to the LRS now
 *   --sync-file FILE.json   send the statements of an exported file
 *   --retry-set-aside  with --sync: send again those the LRS refused before
 *   --repair           salvage a damaged store into a new one (the player does it
 *                      at start too); the damaged file is kept
 *   --forget LEARNER [--pending send|export FILE.json|discard] [--yes]
 *                      remove a learner's profile, results and statements
 *   --data DIR, --lrs-config FILE, --lrs-endpoint URL, --lrs-username NAME,
 *   --config FILE (the administrator's settings: retention_days, applied after --sync)
 * A store that is missing or damaged makes every command fail (exit 1) with
 * a message: none of them ever reports success on nothing, and only the
 * player and --repair ever replace a damaged store.
 * No SDL. */
#ifndef ADMIN_CLI_H
#define ADMIN_CLI_H

/* Lines for wardplayer --help. */
#define ADMIN_CLI_USAGE \
    "  --export FILE [--pending]  write every learner's results (.csv, or .json xAPI);\n" \
    "                      with --pending only the statements not yet sent (.json)\n" \
    "  --sync              send the pending xAPI statements to the LRS now\n" \
    "  --sync-file FILE    send the statements of a --export --pending file\n" \
    "  --retry-set-aside   with --sync: send again those the LRS refused before\n" \
    "  --repair            salvage a damaged learner database (the damaged file is kept)\n" \
    "  --forget LEARNER    remove a learner (name, staff id or profile id) and all their\n" \
    "                      results; asks what to do with statements not yet sent, or\n" \
    "                      --pending send|export FILE.json|discard, and --yes, say it\n" \
    "  --lrs-config FILE   LRS settings (default $WARDPLAYER_LRS_CONFIG or\n" \
    "                      /etc/wardplayer/lrs.conf; mode 600; see docs/lrs.md)\n"

/* Sets *handled to 0 and returns 0 when argv holds none of --export,
 * --sync, --sync-file, --repair, --forget (the caller goes on with the screen). Otherwise sets
 * *handled to 1, does the job, prints a report on stdout and errors on
 * stderr (no secret in either), and returns the exit code: 0 when all went
 * (every statement acknowledged by the LRS), 1 when something is left
 * pending or set aside or failed, 2 for a usage error. */
int admin_cli_run(int argc, char **argv, int *handled);

#endif
