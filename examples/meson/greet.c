#ifdef HAVE_CONFIG_H
# include <config.h>
#endif
#include <stdio.h>
#include "greet.h"
#include "hello_probes.h"

static int greetings;

long
greet (const char *name)
{
  int written;

  greetings++;
  HELLO_GREET (name, greetings);
  written = printf ("hello, %s\n", name);
  HELLO_GREET_DONE ((long) written);
  return written;
}
