/* Three providers in one file; one fits on a line. Probes without
   arguments are written () and (void). */
/* yields: cache:hit() */
/* yields: cache:miss(int) */
/* yields: queue:push(void) */
/* yields: queue:pop(int, long) */
/* yields: timer:fire(unsigned int) */
provider cache {
	probe hit();
	probe miss(int);
};
provider queue { probe push(void); probe pop(int, long); };
provider timer {
	probe fire(unsigned int);
};
