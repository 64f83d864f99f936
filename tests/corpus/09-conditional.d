/* Probes under preprocessor conditionals (-C): only those whose condition
   holds are declared. */
#define WITH_REPLICATION 1
/* yields: node:start(const char *, int) */
/* yields: node:replica__sync(const char *, long) */
/* yields: node:stop(int) */
provider node {
	probe start(const char *, int);
#if WITH_REPLICATION
	probe replica__sync(const char *, long);
#else
	probe standalone(int);
#endif
#ifdef WITH_SHARDING
	probe shard__split(int);
#endif
	probe stop(int);
};
