/* rejects: 3:21 expected `,` or `)` */
provider svc {
	probe start(int fd count);
};
