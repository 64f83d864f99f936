/*
 * The example's provider: the library fires lib__call for every call, the
 * program fires main__start and main__done around its work.
 */
provider demo {
	/* name of the operation, its argument */
	probe lib__call(const char *name, int value);
	probe main__start(int argc);
	probe main__done(long total);
};
