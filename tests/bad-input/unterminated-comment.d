/* rejects: 3:2 unterminated comment */
provider svc {
	/* the start probe
	probe start(int);
};
