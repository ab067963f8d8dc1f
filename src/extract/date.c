/* Placeholder: date parsing is being written. */
#include "extract/extract_int.h"
int kb__parse_date(const char *p, size_t n, char *out) { return 0; }
