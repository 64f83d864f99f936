#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include "app.h"
static volatile int sink;
static int expensive(int i) { sink += i; return i * 10 + 1; }
int main(void) {
    char word[16];
    int i, guarded = 0;
    /* Lets a tracer attach by pid once shared libraries are mapped. */
    if (getenv("PROBE_WAIT_FILE")) {
        printf("ready\n");
        fflush(stdout);
        while (access(getenv("PROBE_WAIT_FILE"), F_OK) != 0) usleep(10000);
    }
    strcpy(word, "hello");
    printf("word=%s\n", word);
    for (i = 0; i < 3; i++) {
        APP_HIT(i, word, -1000000000000L * (i + 1));
        APP_TICK((unsigned char)(200 + i));
        if (APP_GUARDED_ENABLED()) {
            APP_GUARDED(expensive(i));
            guarded++;
        }
    }
    APP_NONE();
    sink += TWICE(21) + other(5);
#ifdef WITH_LIB
    sink += lib_entry(7);
#endif
    printf("guarded=%d\n", guarded);
    return 0;
}
