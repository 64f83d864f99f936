#include "app.h"
int other(int v) { return TWICE(v + 1); }
