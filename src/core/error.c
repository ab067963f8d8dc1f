/*
** Error codes: kb_strerror() and kb_errname(), generated from the one list
** in khabar.h (KB_ERROR_LIST), plus kb_free().
*/
#include <stdlib.h>

#include "khabar.h"

const char *kb_strerror(int code) {
    switch (code) {
#define KB_X_TEXT(name, value, text) case value: return text;
        KB_ERROR_LIST(KB_X_TEXT)
#undef KB_X_TEXT
    }
    return "unknown error";
}

const char *kb_errname(int code) {
    switch (code) {
#define KB_X_NAME(name, value, text) case value: return #name;
        KB_ERROR_LIST(KB_X_NAME)
#undef KB_X_NAME
    }
    return "KB_EUNKNOWN";
}

void kb_free(void *p) { free(p); }
