// Comments of both kinds in every place a comment may sit.
/* yields: notes:alpha(int) */
/* yields: notes:beta(long x, long y) */
/* yields: notes:gamma(const char *first, const char *second) */
/* yields: notes:delta(unsigned long) */
/* yields: notes:epsilon(short) */
provider /* name next */ notes {
	// a line comment before the first probe
	probe alpha(int); /* after */
	probe beta(long x,    /* x */
	           long y);   // y
	probe
	    gamma(const char *first,
	          const char *second);
	probe delta(unsigned long); probe /* between */ epsilon(short);
};
// trailing comment
