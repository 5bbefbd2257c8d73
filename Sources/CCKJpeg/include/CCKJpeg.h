#ifndef CCK_JPEG_H
#define CCK_JPEG_H
#include <stddef.h>
#include <stdint.h>

/* Placeholder: the ImageCodecs work fills this in (decode with setjmp-owned
   error handling, and row-range decoding with jpeg_skip_scanlines). */
int cck_jpeg_version(void);

#endif
