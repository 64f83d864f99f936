provider app {
    probe main__start(int argc);
    probe main__done(uint32_t sum);
};
