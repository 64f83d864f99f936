/* rejects: 3:14 expected a type before `*` */
provider svc {
	probe start(*p);
};
