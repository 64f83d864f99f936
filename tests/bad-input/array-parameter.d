/* rejects: 3:23 array parameters are not supported */
provider svc {
	probe start(char name[16]);
};
