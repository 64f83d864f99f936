/* rejects: 3:14 cannot have type `void` */
provider svc {
	probe start(void, int);
};
