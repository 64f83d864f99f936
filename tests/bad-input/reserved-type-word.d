/* rejects: 3:14 expected a type, found the reserved word `static` */
provider svc {
	probe start(static int);
};
