/* rejects: 4:2 missing `;` after the `}` of provider `svc` */
provider svc {
	probe start(int);
}
