#ifndef GREET_H
#define GREET_H

/* Prints "hello, NAME" and returns the number of bytes written. */
long greet (const char *name);

/* Prints "goodbye, NAME". */
void farewell (const char *name);

#endif
