/* rejects: 3:21 cannot be defined in a parameter list */
provider svc {
	probe start(struct { int fd; } *);
};
