/* font_state: a description of the installed fonts and of fontconfig's
 * configuration that changes whenever fontconfig would see a change, for
 * the SVG render cache's key (image.c). Fontconfig itself decides that its
 * caches are stale by the modification times of the font folders, so the
 * same times are taken here: every folder under the standard font folders,
 * and the configuration files and folders. Installing, removing or
 * upgrading a font (dpkg renames files into place) changes a folder's time. */
#ifndef FONT_STATE_H
#define FONT_STATE_H

#include "buf.h"

/* Font folders below each root are walked this deep, and at most this many
 * folders in all; past that the description says so (and stays the same). */
#define FONT_STATE_MAX_DEPTH 8
#define FONT_STATE_MAX_DIRS 20000

/* Appends the description (text, one line per folder or file) to out.
 * Reads only: os_stat() and os_dir_*(). Missing folders are described as such. */
void font_state_describe(Buf *out);

#endif
