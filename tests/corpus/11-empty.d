/* A provider without probes is valid and adds none. */
provider reserved {
};
/* yields: used:tick(long) */
provider used {
	probe tick(long);
};
