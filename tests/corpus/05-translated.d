/*
 * A server's typedefs and structs ahead of the provider, and probes with a
 * translated argument list (native : translated). The native list makes
 * the C macros; the translated one is DTrace's view.
 */
typedef struct { int unused; } request_t;
typedef struct { int unused; } peer_t;
struct listener { int fd; };

/* yields: httpd:request__begin(request_t *req, peer_t *peer, const char *client, int port, const char *verb, const char *path) */
/* yields: httpd:request__end(request_t *req, int status, long bytes) */
/* yields: httpd:listen(struct listener *l, int port) */
provider httpd {
	probe request__begin(request_t *req, peer_t *peer, const char *client,
	    int port, const char *verb, const char *path) :
	    (request_t *req, peer_t *peer, string client, int port,
	    string verb, string path);
	probe request__end(request_t *req, int status, long bytes) :
	    (request_t *req, int status, long bytes);
	probe listen(struct listener *l, int port);
};
