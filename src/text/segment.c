/* Placeholder replaced by the segmenter. */
#include <string.h>
#include "khabar.h"
int kb_segment(const char *word, size_t n, kb_seg *seg) {
    memset(seg, 0, sizeof *seg);
    if (n > KB_TOKEN_MAX) return KB_EINVAL;
    seg->stem_end = (uint16_t)n;
    return KB_OK;
}
size_t kb_seg_format(const char *word, size_t n, const kb_seg *seg, char *dst) {
    memcpy(dst, word, n);
    return n;
}
