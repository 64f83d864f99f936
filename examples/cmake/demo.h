#ifndef DEMO_H
#define DEMO_H

/* Adds value to a running total and returns it; fires demo:lib__call. */
long demo_add(const char *name, int value);

#endif
