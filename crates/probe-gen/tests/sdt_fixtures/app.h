/* Shared by app_main.c and app_other.c (compiled as C or C++). */
#include "probes.h"
#ifdef __cplusplus
/* An out-of-line inline template: each object file gets a COMDAT copy and
   the linker keeps one, together with its note. */
template <typename T> __attribute__((noinline)) T twice(T v) {
    APP_TPL(v);
    return v * 2;
}
#define TWICE(v) twice<int>(v)
#else
static __attribute__((noinline)) int twice(int v) {
    APP_TPL(v);
    return v * 2;
}
#define TWICE(v) twice(v)
#endif
#ifdef __cplusplus
extern "C" {
#endif
int other(int);
int lib_entry(int);
#ifdef __cplusplus
}
#endif
