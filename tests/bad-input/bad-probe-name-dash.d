/* rejects: 3:8 invalid probe name `request-start` */
provider svc {
	probe request-start(int);
};
