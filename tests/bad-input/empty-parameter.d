/* rejects: 3:19 expected a parameter type */
provider svc {
	probe start(int, );
};
