/* Calls into librust_cdylib.so (linked with -l).
 * With --wait, first waits (up to 20 s) until a tracer has counted the
 * library's `result` semaphore up, so a test can start the tracer and this
 * program independently. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

long rustlib_square(int n, const char *name);
int rustlib_result_enabled(void);

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--wait") == 0)
        for (int i = 0; i < 2000 && !rustlib_result_enabled(); i++)
            usleep(10000);

    char name[16];
    strcpy(name, "from-c");
    long v = rustlib_square(12, name);
    printf("square %ld enabled %d\n", v, rustlib_result_enabled());
    return v == 144 ? 0 : 1;
}
