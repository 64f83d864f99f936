#include <stdio.h>
#include <string.h>

#include "demo.h"
#include "demo_probes.h"

static long total;

long demo_add(const char *name, int value)
{
	/* Argument work happens only while a tracer is attached. */
	if (DEMO_LIB_CALL_ENABLED()) {
		char copy[64];
		strncpy(copy, name, sizeof copy - 1);
		copy[sizeof copy - 1] = '\0';
		DEMO_LIB_CALL(copy, value);
	}
	total += value;
	return total;
}
