/* rejects: 3:20 control character 0x1b */
provider svc {
	probe start(int); 
};
