/* rejects: 3:13 expected `(` after the probe name `start`, found `;` */
provider svc {
	probe start;
};
