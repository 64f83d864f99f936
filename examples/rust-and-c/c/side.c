/* The C half of the example: fires the c__* probes and `shared`. */
#include <stdio.h>
#include <string.h>

#include "probes.h"

void c_side(int round)
{
    /* On the stack, so a tracer never meets an untouched page. */
    char who[16];
    strcpy(who, "c-side");

    MIXED_C_START(who, round);
    if (MIXED_C_VALUE_ENABLED())
        MIXED_C_VALUE(-1234567890123LL, 4000000000u, 255, -2);
    MIXED_SHARED("c", 20);
    MIXED_C_DONE();
    printf("c side: round %d\n", round);
}
