/*
 * A storage server's markers, with its own type names mapped to C types by
 * #define: the file is read through the C preprocessor (-C).
 */
#define OrderId unsigned long
#define ShardNo unsigned short
#define Flag unsigned char
#define Status int

/* yields: store:order__begin(unsigned long) */
/* yields: store:order__end(unsigned long, int) */
/* yields: store:shard__move(unsigned short, unsigned short, unsigned long) */
/* yields: store:page__flush(int, unsigned short, unsigned long, unsigned long, unsigned char, unsigned char) */
/* yields: store:statement(const char *) */
provider store {
	probe order__begin(OrderId);
	probe order__end(OrderId, Status);
	probe shard__move(ShardNo, ShardNo, OrderId);
	probe page__flush(int, ShardNo, OrderId, OrderId, Flag, Flag);
	probe statement(const char *);
};
