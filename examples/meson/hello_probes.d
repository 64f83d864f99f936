/* The probes of the autotools example: the program and its library share
   one provider. */
provider hello {
	/* hello starts: the number of names on its command line */
	probe main__start(int);
	/* libcount (a static archive) counts N names */
	probe count(int);
	/* libgreet greets NAME, the COUNT-th greeting so far */
	probe greet(const char *, int);
	/* libgreet is done: the number of bytes it wrote */
	probe greet__done(long);
	/* libgreet says goodbye to NAME */
	probe farewell(const char *);
};
