/* rejects: 3:18 missing `;` after the declaration of probe `start` */
provider svc {
	probe start(int)
	probe stop(int);
};
