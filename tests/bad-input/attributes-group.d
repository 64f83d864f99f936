/* rejects: 5:1 unknown attribute group `everything` */
provider svc {
	probe start(int);
};
#pragma D attributes Evolving/Evolving/Common provider svc everything
