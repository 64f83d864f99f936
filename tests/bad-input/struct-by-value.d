/* rejects: 5:14 struct */
/* rejects-from: issue9 */
struct pair { long a; long b; };
provider svc {
	probe start(struct pair);
};
