#pragma once
// IG_LEDGER_ASSERT: a programmer error in the ledger crashes at once, in every build type (NDEBUG
// does not switch it off) — a ledger that carries on past a broken invariant could invent money.
// Operating errors (no funds, bad signature, disk full) are result<> values, never assertions.
#include <cstdio>
#include <cstdlib>

#define IG_LEDGER_ASSERT(condition)                                                        \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "ledger assertion failed: %s (%s:%d)\n", #condition, __FILE__, \
                   __LINE__);                                                              \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)
