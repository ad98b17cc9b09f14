// Test oracle (not part of the library): runs the real Clipper 6.4.2 C++ ClipperOffset from
// Debian's libpolyclipping-dev (the version pyclipper 1.2 bundles) over cases read from stdin.
// Built and used only by scripts/geometry-differential.js and test/geometry when available:
//   g++ -O2 native/test/geometry_oracle642.cc -lpolyclipping -o build-geometry/oracle642
// Input, one case per line: "offset DELTA JT ET MITER ARCTOL NRINGS (N x0 y0 x1 y1 ...)*"
//   or "clip OP FILL NSUBJ (N ...)* NCLIP (N ...)*" (JT: 0 square 1 round 2 miter; ET: 0 closed
//   polygon, 1 closed line, 2 butt, 3 square, 4 round; OP: 0 int 1 union 2 diff 3 xor; FILL:
//   0 evenodd 1 nonzero 2 positive 3 negative).
// Output, one line per case: "NPATHS (N x0 y0 ...)*".
#include <polyclipping/clipper.hpp>

#include <iostream>
#include <sstream>
#include <string>

using namespace ClipperLib;

static Paths ReadPaths(std::istringstream& in, long n) {
  Paths ps(n);
  for (long r = 0; r < n; ++r) {
    long k;
    in >> k;
    for (long i = 0; i < k; ++i) {
      long long x, y;
      in >> x >> y;
      ps[r].push_back(IntPoint(x, y));
    }
  }
  return ps;
}

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    Paths sol;
    try {
      if (kind == "offset") {
        double delta, miter, arc;
        int jt, et;
        long nr;
        in >> delta >> jt >> et >> miter >> arc >> nr;
        Paths ps = ReadPaths(in, nr);
        ClipperOffset co(miter, arc);
        co.AddPaths(ps, static_cast<JoinType>(jt), static_cast<EndType>(et));
        co.Execute(sol, delta);
      } else {
        int op, fill;
        long ns, nc;
        in >> op >> fill >> ns;
        Paths s = ReadPaths(in, ns);
        in >> nc;
        Paths c = ReadPaths(in, nc);
        Clipper cl;
        cl.AddPaths(s, ptSubject, true);
        cl.AddPaths(c, ptClip, true);
        cl.Execute(static_cast<ClipType>(op), sol, static_cast<PolyFillType>(fill), static_cast<PolyFillType>(fill));
      }
    } catch (...) {
      std::cout << "ERR\n";
      continue;
    }
    std::cout << sol.size();
    for (const Path& p : sol) {
      std::cout << ' ' << p.size();
      for (const IntPoint& q : p) std::cout << ' ' << q.X << ' ' << q.Y;
    }
    std::cout << '\n';
  }
  return 0;
}
