// Hash64 is defined inline in hash.h (it runs once per cache lookup); this unit only checks that
// the header compiles on its own.
#include "cache/hash.h"
