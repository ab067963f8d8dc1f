/* Placeholder: being written. */
#include "analyze/analyze_int.h"
int kb__find_quotes(kb_xart *x) { (void)x; return KB_OK; }
