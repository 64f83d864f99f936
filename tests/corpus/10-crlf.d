/* Windows line endings, tabs and a byte-order mark. */
/* yields: win:event(unsigned int, const char *) */
provider win {
	probe event(unsigned int, const char *);
};
