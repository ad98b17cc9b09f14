// Drivers for scripts/opencv-parity/check.py: read maps or point sets on stdin, print what
// ocr-perfkit's C++ core makes of them (contours; get_mini_boxes rectangles as hex floats).
//   drivers contours   < "w h v0 v1 ..." per line
//   drivers minarearect < "n x0 y0 x1 y1 ..." per line
#include <cstdio>
#include <cstring>
#include <vector>

#include "targets/contours.h"
#include "targets/cv_min_area_rect.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (std::strcmp(argv[1], "contours") == 0) {
    int w, h;
    while (std::scanf("%d %d", &w, &h) == 2) {
      std::vector<uint8_t> b(static_cast<size_t>(w) * h);
      for (auto& v : b) {
        int x;
        if (std::scanf("%d", &x) != 1) return 1;
        v = static_cast<uint8_t>(x);
      }
      std::vector<opk::targets::Contour> cs;
      opk::targets::TraceContours(b.data(), w, h, 1u << 30, &cs);
      for (const auto& c : cs) {
        for (int32_t v : c.xy) std::printf("%d ", v);
        std::printf("|");
      }
      std::printf("\n");
    }
    return 0;
  }
  if (std::strcmp(argv[1], "minarearect") == 0) {
    int n;
    while (std::scanf("%d", &n) == 1) {
      std::vector<double> xy(2 * static_cast<size_t>(n));
      for (auto& v : xy) {
        long long t;
        if (std::scanf("%lld", &t) != 1) return 1;
        v = static_cast<double>(t);
      }
      const auto box = opk::targets::CvGetMiniBox(xy.data(), static_cast<size_t>(n));
      for (float v : box.corners) std::printf("%a ", static_cast<double>(v));
      std::printf("%a\n", static_cast<double>(box.short_side));
    }
    return 0;
  }
  return 2;
}
