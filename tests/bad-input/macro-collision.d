/* rejects: 5:8 gives the C macro `SVC_REQUEST_START` */
/* rejects-from: macro-names (request__start and request_start both make SVC_REQUEST_START) */
provider svc {
	probe request__start(int);
	probe request_start(long);
};
