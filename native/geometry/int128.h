// Exact products of int64 values (Clipper's "full range" slope tests).
#pragma once

#include <cstdint>

namespace opk::geom {

// a*b == c*d, computed exactly.
inline bool MulEqual(int64_t a, int64_t b, int64_t c, int64_t d) {
  __extension__ typedef __int128 i128;
  return static_cast<i128>(a) * b == static_cast<i128>(c) * d;
}

}  // namespace opk::geom
