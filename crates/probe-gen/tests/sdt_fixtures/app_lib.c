#include <stdio.h>
#include <string.h>
#include "probes.h"
#ifdef __cplusplus
extern "C"
#endif
int lib_entry(int v) {
    char name[8];
    strcpy(name, "lib");
    printf("lib=%s\n", name);
    LIB_CALL(v, name);
    if (LIB_CALL_ENABLED()) printf("lib-enabled\n");
    return v + 1;
}
