/* Placeholder: being written. */
#include "analyze/analyze_int.h"
int kb__find_amounts(kb_xart *x) { (void)x; return KB_OK; }
