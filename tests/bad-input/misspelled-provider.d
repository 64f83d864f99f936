/* rejects: 3:2 probe declaration outside a provider */
provder svc {
	probe start(int);
};
