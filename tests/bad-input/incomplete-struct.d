/* rejects: 3:14 incomplete type: `struct` needs a tag name */
provider svc {
	probe start(struct);
};
