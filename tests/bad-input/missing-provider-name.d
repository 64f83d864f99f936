/* rejects: 2:10 expected a provider name, found `{` */
provider {
	probe start(int);
};
