/* rejects: 3:8 invalid probe name `int` */
provider svc {
	probe int(int);
};
