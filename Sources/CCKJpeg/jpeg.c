#include "CCKJpeg.h"
#include <stdio.h>
#include <jpeglib.h>

int cck_jpeg_version(void) { return JPEG_LIB_VERSION; }
