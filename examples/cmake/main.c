#include <stdio.h>

#include "demo.h"
#include "demo_probes.h"

int main(int argc, char **argv)
{
	long total = 0;
	int i;

	(void)argv;
	DEMO_MAIN_START(argc);
	for (i = 1; i <= 3; i++)
		total = demo_add("step", i * 7);
	DEMO_MAIN_DONE(total);
	printf("total %ld\n", total);
	return 0;
}
