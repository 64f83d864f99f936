/* rejects: 3:19 function pointer */
provider svc {
	probe start(void (*callback)(int));
};
