/* rejects: 5:1 unmatched `}` */
provider svc {
	probe start(int);
};
};
