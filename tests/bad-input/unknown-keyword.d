/* rejects: 3:2 expected `probe` or `}` in provider `svc`, found `prob` */
provider svc {
	prob start(int);
};
