/* rejects: 4:1 `provider` inside an unclosed `{` */
typedef struct {
	int fd;
provider svc {
	probe start(int);
};
