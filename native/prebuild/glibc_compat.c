/*
 * Only in portable prebuilds (CMakeLists.txt, when CMAKE_SYSROOT is set): definitions that the
 * host's static libstdc++, built against a newer glibc, links against but that the sysroot's
 * older glibc does not have. Hidden, so they bind inside the addon only.
 */

/*
 * glibc 2.32+ exports this flag; libstdc++ reads it to skip atomic reference counting while a
 * process has a single thread. 0 ("maybe several threads") keeps the atomic path, which is
 * always correct (Node runs several threads anyway).
 */
__attribute__((visibility("hidden"))) char __libc_single_threaded = 0;

/*
 * glibc 2.36 added arc4random; the host's libstdc++ calls it in std::random_device, which comes
 * into the link with the rest of its random.o although the addon never uses it. Same contract:
 * 32 random bits from the kernel's generator (getrandom, glibc 2.25).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>

__attribute__((visibility("hidden"))) uint32_t arc4random(void) {
  uint32_t v;
  for (;;) {
    const ssize_t n = getrandom(&v, sizeof v, 0);
    if (n == (ssize_t)sizeof v) return v;
    if (n < 0 && errno != EINTR) abort(); /* as glibc's arc4random when no entropy source works */
  }
}
