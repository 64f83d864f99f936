/* rejects: 6:8 has other argument types */
provider svc {
	probe start(int);
};
provider svc {
	probe start(long);
};
