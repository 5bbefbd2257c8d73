#include "CCKJpeg.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

/* error_exit jumps back to the entry point's setjmp after saving libjpeg's message. */
struct cck_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *error;
    size_t error_size;
};

static void cck_error_exit(j_common_ptr cinfo) {
    struct cck_error_manager *manager = (struct cck_error_manager *)cinfo->err;
    char message[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, message);
    if (manager->error && manager->error_size > 0) {
        snprintf(manager->error, manager->error_size, "%s", message);
    }
    longjmp(manager->jump, 1);
}

/* Warnings (e.g. "premature end of data segment") are not fatal; libjpeg pads the data. */
static void cck_emit_message(j_common_ptr cinfo, int level) {
    (void)cinfo;
    (void)level;
}

static void cck_set_error(char *error, size_t error_size, const char *message) {
    if (error && error_size > 0) snprintf(error, error_size, "%s", message);
}

static void cck_install_errors(struct cck_error_manager *manager, char *error, size_t error_size) {
    jpeg_std_error(&manager->base);
    manager->base.error_exit = cck_error_exit;
    manager->base.emit_message = cck_emit_message;
    manager->error = error;
    manager->error_size = error_size;
}

/* Starts a decompression of `data` and reads its header. Called after the caller's setjmp: a
   libjpeg error in here longjmps back to that still-active frame, which destroys `cinfo`. */
static void cck_read_header(struct jpeg_decompress_struct *cinfo, const uint8_t *data, size_t size) {
    jpeg_create_decompress(cinfo);
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
}

int cck_jpeg_dimensions(const uint8_t *data, size_t size,
                        int *width, int *height, int *channels,
                        char *error, size_t error_size) {
    struct jpeg_decompress_struct cinfo;
    struct cck_error_manager manager;
    if (size == 0) {
        cck_set_error(error, error_size, "empty input");
        return 1;
    }
    cinfo.err = &manager.base;
    cck_install_errors(&manager, error, error_size);
    if (setjmp(manager.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    cck_read_header(&cinfo, data, size);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    *channels = cinfo.num_components;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int cck_jpeg_decode(const uint8_t *data, size_t size, int out_channels,
                    int expected_width, int expected_height,
                    int row_begin, int row_end,
                    uint8_t *out, size_t out_size,
                    char *error, size_t error_size) {
    struct jpeg_decompress_struct cinfo;
    struct cck_error_manager manager;
    if (size == 0) {
        cck_set_error(error, error_size, "empty input");
        return 1;
    }
    cinfo.err = &manager.base;
    cck_install_errors(&manager, error, error_size);
    if (setjmp(manager.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    cck_read_header(&cinfo, data, size);
    if ((int)cinfo.image_width != expected_width || (int)cinfo.image_height != expected_height) {
        cck_set_error(error, error_size, "image size changed between header reads");
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    if (row_begin < 0 || row_end > expected_height || row_begin > row_end ||
        (size_t)(row_end - row_begin) * (size_t)expected_width * (size_t)out_channels > out_size) {
        cck_set_error(error, error_size, "row range or output buffer does not fit the image");
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    cinfo.out_color_space = out_channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if ((int)cinfo.output_components != out_channels) {
        cck_set_error(error, error_size, "libjpeg cannot convert this colour space to the requested channels");
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    if (row_begin > 0) {
        JDIMENSION skipped = jpeg_skip_scanlines(&cinfo, (JDIMENSION)row_begin);
        if ((int)skipped != row_begin) {
            cck_set_error(error, error_size, "could not skip to the first requested row");
            jpeg_destroy_decompress(&cinfo);
            return 1;
        }
    }
    size_t stride = (size_t)expected_width * (size_t)out_channels;
    while ((int)cinfo.output_scanline < row_end) {
        JSAMPROW row = out + (size_t)((int)cinfo.output_scanline - row_begin) * stride;
        JSAMPROW rows[1] = { row };
        if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) {
            cck_set_error(error, error_size, "libjpeg returned no scanline (suspended input)");
            jpeg_destroy_decompress(&cinfo);
            return 1;
        }
    }
    if ((int)cinfo.output_scanline == (int)cinfo.output_height) {
        jpeg_finish_decompress(&cinfo);
    } else {
        jpeg_abort_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int cck_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                    uint8_t **out, size_t *out_size,
                    char *error, size_t error_size) {
    struct jpeg_compress_struct cinfo;
    struct cck_error_manager manager;
    if (channels != 1 && channels != 3) {
        cck_set_error(error, error_size, "JPEG encoding takes 1 or 3 channels");
        return 1;
    }
    /* A destination larger than any JPEG of this image keeps jpeg_mem_dest from reallocating,
       so the buffer to free is always the one allocated here. */
    unsigned long capacity = (unsigned long)(width + 16) * (unsigned long)(height + 16) * (unsigned long)channels * 2 + 4096;
    unsigned char *const buffer = malloc(capacity);
    if (!buffer) {
        cck_set_error(error, error_size, "out of memory for the JPEG output buffer");
        return 1;
    }
    unsigned char *target = buffer;
    unsigned long target_size = capacity;
    cinfo.err = &manager.base;
    cck_install_errors(&manager, error, error_size);
    if (setjmp(manager.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &target, &target_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rows[1] = { (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * stride) };
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    if (target != buffer) free(buffer);
    *out = target;
    *out_size = (size_t)target_size;
    return 0;
}

void cck_jpeg_free(void *buffer) { free(buffer); }
