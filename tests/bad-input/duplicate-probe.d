/* rejects: 5:8 probe `start` is declared twice in provider `svc` */
provider svc {
	probe start(int);
	probe stop(int);
	probe start(long);
};
