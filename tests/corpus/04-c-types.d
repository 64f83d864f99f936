/* Integer spellings of every width, the fixed-width and system typedefs,
   pointers with qualifiers, and bool. */
/* yields: ctypes:spelled(short int a, unsigned short int b, long int c, unsigned long int d, signed char e) */
/* yields: ctypes:longlong(long long a, unsigned long long int b) */
/* yields: ctypes:exact(int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t) */
/* yields: ctypes:system(size_t, ssize_t, intptr_t, uintptr_t, pid_t, off_t, uid_t) */
/* yields: ctypes:pointers(const struct session *s, struct buffer *b, char * const label, void *opaque, const void *blob) */
/* yields: ctypes:narrow(char, unsigned char, short, unsigned short) */
/* yields: ctypes:truth(bool ok) */
provider ctypes {
	probe spelled(short int a, unsigned short int b, long int c, unsigned long int d, signed char e);
	probe longlong(long long a, unsigned long long int b);
	probe exact(int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t);
	probe system(size_t, ssize_t, intptr_t, uintptr_t, pid_t, off_t, uid_t);
	probe pointers(const struct session *s, struct buffer *b, char * const label, void *opaque, const void *blob);
	probe narrow(char, unsigned char, short, unsigned short);
	probe truth(bool ok);
};
