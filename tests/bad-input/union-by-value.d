/* rejects: 4:14 a union passed by value cannot be a probe argument */
union word { long l; double d; };
provider svc {
	probe start(union word);
};
