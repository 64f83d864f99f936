/* Names that are keywords elsewhere (Rust, C++), single underscores,
   digits, and a provider name with digits. */
/* yields: v2io:type(int) */
/* yields: v2io:match(int) */
/* yields: v2io:read_done(long) */
/* yields: v2io:phase2__begin(int) */
/* yields: v2io:new(const char *) */
provider v2io {
	probe type(int);
	probe match(int);
	probe read_done(long);
	probe phase2__begin(int);
	probe new(const char *);
};
