/* rejects: 2:16 `}` does not close `(` */
BEGIN { x = (1 }
provider svc {
	probe start(int);
};
