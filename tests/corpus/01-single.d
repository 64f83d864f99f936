/* One provider, one probe: a key and its length. */
/* yields: kv:get(const char *key, int len) */
provider kv {
	probe get(const char *key, int len);
};
