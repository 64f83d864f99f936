/* The quick-start provider: one probe with a string and an int. */
provider hello {
	probe greet(const char *who, int times);
	probe done();
};
