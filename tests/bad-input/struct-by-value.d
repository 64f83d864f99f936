/* rejects: 4:14 a struct passed by value cannot be a probe argument */
struct pair { long a; long b; };
provider svc {
	probe start(struct pair);
};
