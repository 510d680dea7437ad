/* render: draws a UiView (bars, the laid-out page, focus ring, scroll bar)
 * with an SDL_Renderer, and measures text and images for the layout. Text is
 * rendered with SDL2_ttf; images are decoded with SDL2_image from the bytes
 * the ui reads out of the package (never from disk paths of the page). */
#ifndef RENDER_H
#define RENDER_H

#include <SDL.h>

#include "buf.h"
#include "font.h"
#include "layout.h"
#include "ui.h"

typedef struct Render Render;

/* fonts and r are borrowed and must outlive the Render. Returns NULL with
 * "what failed: why" in err. */
Render *render_new(SDL_Renderer *r, Fonts *fonts, Buf *err);
void render_free(Render *R);    /* accepts NULL */

/* Where image bytes come from (the ui); set once the ui exists. */
void render_set_ui(Render *R, Ui *ui);

/* Draws with r from now on (headless resize); cached images are dropped,
 * since textures belong to their renderer. */
void render_set_renderer(Render *R, SDL_Renderer *r);

/* The LayoutMeasure to give the ui: fonts and image sizes. Borrowed. */
const LayoutMeasure *render_measure(Render *R);

/* Draws the whole frame (the back buffer is undefined after a present). */
void render_frame(Render *R, const UiView *v);

/* Test hook (--boxes): while on, render_frame logs every primitive it draws
 * (fills, text runs with the box they were given and their measured width,
 * images with their decoded size), so a test can check the layout on the
 * real frame. Off by default: drawing then costs nothing more. */
void render_log_boxes(Render *R, int on);

/* Writes the log of the last frame to path, one primitive a line in drawing
 * order, window coordinates (format: tools/check-layout). Returns 0, or -1
 * with "what failed: why" in err. */
int render_write_boxes(const Render *R, const char *path, Buf *err);

/* Saves what the renderer holds now as a PNG. Returns 0, or -1 with
 * "what failed: why" in err. */
int render_screenshot(SDL_Renderer *r, const char *path, Buf *err);

#endif
