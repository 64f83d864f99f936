/* Twelve arguments, the most an SDT note or a DTrace probe takes. */
/* yields: many:twelve(long, int, long, int, long, int, long, int, long, int, long, int) */
/* yields: many:mixed(signed char, short, int, long, long long, unsigned char, unsigned short, unsigned int, unsigned long, unsigned long long, const char *, void *) */
provider many {
	probe twelve(long, int, long, int, long, int, long, int, long, int, long, int);
	probe mixed(signed char, short, int, long, long long, unsigned char,
	    unsigned short, unsigned int, unsigned long, unsigned long long,
	    const char *, void *);
};
