/* rejects: 3:14 `string` is already a pointer */
provider svc {
	probe start(string *);
};
