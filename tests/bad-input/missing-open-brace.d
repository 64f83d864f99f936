/* rejects: 3:2 expected `{` after `provider svc`, found `probe` */
provider svc
	probe start(int);
};
