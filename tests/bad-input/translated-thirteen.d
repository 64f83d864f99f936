/* rejects: 4:67 has more than 12 arguments */
provider svc {
	probe start(int) :
	    (int, int, int, int, int, int, int, int, int, int, int, int, int);
};
