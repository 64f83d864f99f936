/* rejects: 3:8 invalid probe name `café` */
provider svc {
	probe café(int);
};
