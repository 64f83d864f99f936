/* rejects: 3:14 `long double` (16 bytes) cannot be a probe argument */
provider svc {
	probe start(long double);
};
