/* The probes of the rust-and-c example: C fires the c__* probes, Rust the
 * rust__* probes, and both fire `shared`. */
provider mixed {
    probe rust__start(const char *who, int round);
    probe rust__tick(unsigned long n, long delta, short s, bool flag);
    probe rust__bytes(void *p, size_t len, unsigned char c, char sc);
    probe c__start(const char *who, int round);
    probe c__value(long long v, unsigned int u, uint8_t b, int16_t s);
    probe c__done();
    probe shared(const char *from, int line);
};
