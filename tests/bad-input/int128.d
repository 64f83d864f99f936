/* rejects: 3:14 a 128-bit integer cannot be a probe argument */
provider svc {
	probe start(__int128);
};
