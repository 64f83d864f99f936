/* rejects: 3:14 expected a type, found the number `5` */
provider svc {
	probe start(5);
};
