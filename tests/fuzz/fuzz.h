/* The entry point libFuzzer calls, and replay.c in the normal build. */
#ifndef LAYERWASTE_FUZZ_H
#define LAYERWASTE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
