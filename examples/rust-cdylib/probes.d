provider rustlib {
    probe call(int n, const char *name);
    probe result(long value);
};
