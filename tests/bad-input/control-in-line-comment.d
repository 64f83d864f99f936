/* rejects: 3:19 binary data: control character 0x01 */
provider svc {
	probe a(int); //  here
};
