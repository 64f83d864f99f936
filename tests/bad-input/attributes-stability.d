/* rejects: 5:1 unknown stability `Bogus` */
provider svc {
	probe start(int);
};
#pragma D attributes Bogus/Evolving/Common provider svc provider
