/* rejects: 3:14 `restrict` applies only to a pointer */
provider svc {
	probe start(restrict int);
};
