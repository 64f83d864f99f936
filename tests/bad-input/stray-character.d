/* rejects: 5:1 expected `provider`, found `@` */
provider svc {
	probe start(int);
};
@
