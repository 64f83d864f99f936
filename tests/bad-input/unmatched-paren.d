/* rejects: 3:18 unmatched `)` */
provider svc {
	probe start(int));
};
