/*
 * A language runtime's markers: calls and returns, allocation, the
 * collector's phases, compilation; stability given by #pragma D attributes.
 */
/* yields: script:method__entry(const char *klass, const char *method, const char *file, int line) */
/* yields: script:method__return(const char *klass, const char *method, const char *file, int line) */
/* yields: script:object__alloc(const char *klass, unsigned long size) */
/* yields: script:gc__mark__begin() */
/* yields: script:gc__mark__end(long marked) */
/* yields: script:compile__begin(const char *unit) */
/* yields: script:compile__end(const char *unit, int status) */
/* yields: script:hook(const char *name, void *payload) */
provider script {
  probe method__entry(const char *klass, const char *method, const char *file, int line);
  probe method__return(const char *klass, const char *method, const char *file, int line);
  probe object__alloc(const char *klass, unsigned long size);
  probe gc__mark__begin();
  probe gc__mark__end(long marked);
  probe compile__begin(const char *unit);
  probe compile__end(const char *unit, int status);
  probe hook(const char *name, void *payload);
};

#pragma D attributes Stable/Stable/Common provider script provider
#pragma D attributes Private/Private/Unknown provider script module
#pragma D attributes Private/Private/Unknown provider script function
#pragma D attributes Evolving/Evolving/Common provider script name
#pragma D attributes Evolving/Evolving/Common provider script args
