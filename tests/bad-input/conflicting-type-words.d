/* rejects: 3:14 invalid type `unsigned double` */
provider svc {
	probe start(unsigned double);
};
