#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer), called from the executable's main:
/// SwiftPM names an executable's main `<module>_main` on Linux, so libFuzzer's own main cannot be used.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
