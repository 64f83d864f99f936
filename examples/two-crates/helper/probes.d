provider helper {
    probe checksum__start(const uint8_t *data, size_t len);
    probe checksum__done(uint32_t sum, const char *label);
};
