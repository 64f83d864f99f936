#ifdef HAVE_CONFIG_H
# include <config.h>
#endif
#include <stdio.h>
#include "greet.h"
#include "hello_probes.h"

void
farewell (const char *name)
{
  HELLO_FAREWELL (name);
  printf ("goodbye, %s\n", name);
}
