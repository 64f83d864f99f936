/* rejects: 4:31 missing `)` */
/* A `)` forgotten at the end of a parameter list. */
provider svc {
	probe start(int, const char *;
	probe stop(int);
};
