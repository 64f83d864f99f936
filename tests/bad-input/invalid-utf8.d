/* rejects: 3:17 not valid UTF-8 */
provider svc {
	probe start(intÿ);
};
