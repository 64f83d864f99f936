/* rejects: 2:10 invalid provider name `9svc` */
provider 9svc {
	probe start(int);
};
