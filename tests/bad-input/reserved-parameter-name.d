/* rejects: 3:18 invalid parameter name `for` */
provider svc {
	probe start(int for);
};
