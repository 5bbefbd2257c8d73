#ifndef CCK_JPEG_H
#define CCK_JPEG_H
#include <stddef.h>
#include <stdint.h>

/* The classic libjpeg API reports errors by calling error_exit, which must not
   return; libjpeg's own answer is longjmp, which must never cross Swift frames.
   Every entry point here owns its setjmp, so errors come back as a nonzero
   return value plus a message in `error` (at most `error_size` bytes, NUL-terminated). */

/* Reads the header only: width, height and the number of colour components. */
int cck_jpeg_dimensions(const uint8_t *data, size_t size,
                        int *width, int *height, int *channels,
                        char *error, size_t error_size);

/* Decodes rows [row_begin, row_end) into `out` (row_end - row_begin) * width * out_channels bytes.
   out_channels is 1 (grey) or 3 (RGB); rows before row_begin are skipped with
   jpeg_skip_scanlines and decoding stops with jpeg_abort_decompress after row_end.
   The expected width and height are checked against the header. */
int cck_jpeg_decode(const uint8_t *data, size_t size, int out_channels,
                    int expected_width, int expected_height,
                    int row_begin, int row_end,
                    uint8_t *out, size_t out_size,
                    char *error, size_t error_size);

/* Encodes width x height pixels of `channels` (1 or 3) bytes each. On success *out
   is a buffer to release with cck_jpeg_free. */
int cck_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                    uint8_t **out, size_t *out_size,
                    char *error, size_t error_size);

void cck_jpeg_free(void *buffer);

#endif
