#ifndef COUNT_H
#define COUNT_H

/* Returns N, firing the hello:count probe. */
int count_names (int n);

#endif
