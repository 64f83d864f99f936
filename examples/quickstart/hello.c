/* Fires the quick-start probes. Build: see ./run. */
#include <stdio.h>
#include <string.h>
#include "hello.h"

int main(int argc, char **argv)
{
	const char *who = argc > 1 ? argv[1] : "world";
	int i;

	for (i = 1; i <= 3; i++) {
		/* The is-enabled check keeps argument work off the untraced path. */
		if (HELLO_GREET_ENABLED())
			fprintf(stderr, "(traced) ");
		HELLO_GREET(who, i);
		printf("hello, %s (%d)\n", who, i);
	}
	HELLO_DONE();
	return 0;
}
