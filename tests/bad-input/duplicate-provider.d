/* rejects: 6:8 provider `svc` declared again */
provider svc {
	probe start(int);
};
provider svc {
	probe restart(int);
};
