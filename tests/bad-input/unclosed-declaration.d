/* rejects: 2:16 `{` is never closed with `}` */
typedef struct {
	int fd;
