/* rejects: 4:8 gives the C macro `SVC_REQUEST_START` */
provider svc {
	probe request__start(int);
	probe request_start(long);
};
