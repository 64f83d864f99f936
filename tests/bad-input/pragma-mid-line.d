/* rejects: 2:16 expected `probe` or `}` in provider `svc`, found `#` */
provider svc { #pragma D attributes Evolving/Evolving/Common provider svc provider
	probe start(int);
};
