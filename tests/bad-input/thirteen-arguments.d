/* rejects: 3:73 has more than 12 arguments */
provider svc {
	probe many(int, int, int, int, int, int, int, int, int, int, int, int, int);
};
