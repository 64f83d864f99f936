/* rejects: 5:14 union */
/* rejects-from: issue9 */
union word { long l; double d; };
provider svc {
	probe start(union word);
};
