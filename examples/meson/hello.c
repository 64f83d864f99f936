#ifdef HAVE_CONFIG_H
# include <config.h>
#endif
#include <stdio.h>
#include <string.h>
#include "greet.h"
#include "count.h"
#include "hello_probes.h"

int
main (int argc, char **argv)
{
  int i;

  if (argc == 2 && strcmp (argv[1], "--probes") == 0)
    {
#ifdef HAVE_STATIC_PROBES
      puts ("static probes: yes");
#else
      puts ("static probes: no");
#endif
      /* Untraced, no probe is enabled. */
      printf ("enabled: %d\n", HELLO_GREET_ENABLED () ? 1 : 0);
      return 0;
    }
  HELLO_MAIN_START (argc - 1);
  if (count_names (argc - 1) == 0)
    greet ("world");
  for (i = 1; i < argc; i++)
    greet (argv[i]);
  farewell (argc < 2 ? "world" : argv[argc - 1]);
  return 0;
}
