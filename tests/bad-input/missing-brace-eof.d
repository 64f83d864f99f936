/* rejects: 3:19 missing `}` to close provider `svc` */
provider svc {
	probe start(int);
