/* rejects: 3:28 variable argument lists */
provider svc {
	probe start(const char *, ...);
};
