#ifdef HAVE_CONFIG_H
# include <config.h>
#endif
#include "count.h"
#include "hello_probes.h"

int
count_names (int n)
{
  HELLO_COUNT (n);
  return n;
}
