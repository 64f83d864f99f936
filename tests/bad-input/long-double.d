/* rejects: 4:14 long double */
/* rejects-from: issue9 */
provider svc {
	probe start(long double);
};
