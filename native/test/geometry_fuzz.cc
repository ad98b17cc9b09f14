// Fuzz target over the Node-free geometry core: offsets (pyclipper mode with and without the fast
// path, which must agree exactly; clipper2 mode) and boolean operations on arbitrary rings.
//
// libFuzzer (needs clang):
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -Inative \
//     native/test/geometry_fuzz.cc native/geometry/*.cc native/common/status.cc -o build-fuzz/geometry_fuzz
//   build-fuzz/geometry_fuzz -max_total_time=60        # CI: short run; script: longer
// Without clang, the same checks run on random inputs (gcc + ASan/UBSan):
//   g++ -std=c++17 -g -O1 -fsanitize=address,undefined -DOPK_FUZZ_STANDALONE -Inative \
//     native/test/geometry_fuzz.cc native/geometry/*.cc native/common/status.cc -o build-fuzz/geometry_fuzz
//   build-fuzz/geometry_fuzz 200000 [seed]
// An input that runs for over 120 s is reported as a hang (with the seed that replays it alone:
// `geometry_fuzz 1 <seed>`) and ends the run with exit status 3.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "geometry/batch.h"
#include "geometry/boolean_ops.h"
#include "geometry/offset642.h"
#include "geometry/pyclipper_offset.h"

namespace {

using namespace opk::geom;

struct Reader {
  const uint8_t* p;
  size_t n;
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4 && n; ++i, --n) v = (v << 8) | *p++;
    return v;
  }
  uint8_t U8() {
    if (!n) return 0;
    --n;
    return *p++;
  }
};

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "geometry_fuzz: %s\n", what);
    std::abort();
  }
}

void RunOne(const uint8_t* data, size_t size) {
  Reader r{data, size};
  const uint8_t mode = r.U8();
  const int scale_bits = r.U8() % 40;  // coordinates up to 2^40
  const int n = 3 + r.U8() % 24;
  Path64 path;
  std::vector<double> coords;
  for (int i = 0; i < n; ++i) {
    int64_t x = static_cast<int32_t>(r.U32()) >> (31 - std::min(scale_bits, 30));
    int64_t y = static_cast<int32_t>(r.U32()) >> (31 - std::min(scale_bits, 30));
    if (scale_bits > 30) {
      x *= int64_t{1} << (scale_bits - 30);
      y *= int64_t{1} << (scale_bits - 30);
    }
    path.push_back(Point64{x, y});
    coords.push_back(static_cast<double>(x));
    coords.push_back(static_cast<double>(y));
  }
  const double delta = static_cast<double>(static_cast<int32_t>(r.U32())) / 65536.0;  // |delta| < 32768
  const JoinType join = static_cast<JoinType>(r.U8() % 3);
  const EndType end = static_cast<EndType>(r.U8() % 5);

  // pyclipper mode: fast path and general sweep must agree.
  ClipperOffset642 a, b;
  Offset642Options fast, slow;
  slow.fast_path = false;
  Paths64 ra, rb;
  Check(a.AddPath(path.data(), path.size(), join, end).ok(), "AddPath");
  Check(b.AddPath(path.data(), path.size(), join, end).ok(), "AddPath");
  opk::Status sa = a.Execute(delta, fast, &ra);
  opk::Status sb = b.Execute(delta, slow, &rb);
  Check(sa.ok() == sb.ok(), "fast/general status differ");
  if (sa.ok() && ra != rb) {
    std::fprintf(stderr, "delta=%.17g join=%d end=%d path:", delta, static_cast<int>(join), static_cast<int>(end));
    for (const Point64& q : path) std::fprintf(stderr, " %lld,%lld", static_cast<long long>(q.x), static_cast<long long>(q.y));
    std::fprintf(stderr, "\n");
    for (const Paths64* res : {&ra, &rb}) {
      std::fprintf(stderr, "  %s:", res == &ra ? "fast" : "slow");
      for (const Path64& pp : *res) {
        for (const Point64& q : pp) std::fprintf(stderr, " %lld,%lld", static_cast<long long>(q.x), static_cast<long long>(q.y));
        std::fprintf(stderr, " |");
      }
      std::fprintf(stderr, "\n");
    }
    Check(false, "fast path output differs from the general sweep");
  }

  // Batch entry points in both modes (validation, D from ratios).
  BatchView view;
  view.coords = coords.data();
  view.coord_count = coords.size();
  const uint32_t offsets[2] = {0, static_cast<uint32_t>(n)};
  view.ring_offsets = offsets;
  view.ring_offset_count = 2;
  OffsetSpec spec;
  spec.mode = (mode & 1) ? OffsetMode::kClipper2 : OffsetMode::kPyclipper;
  spec.join = join == JoinType::kSquare && (mode & 2) && spec.mode == OffsetMode::kClipper2 ? JoinType::kBevel : join;
  spec.end = end;
  spec.arc_tolerance = spec.mode == OffsetMode::kPyclipper ? 0.25 : 0.0;
  spec.kind = static_cast<DeltaKind>((mode >> 2) % 3);
  double value = spec.kind == DeltaKind::kDelta ? delta : (mode >> 4) / 8.0;
  BatchOut out;
  (void)OffsetBatch(view, &value, 1, spec, &out);

  // Boolean ops of the ring with a shifted copy of itself.
  std::vector<double> clip = coords;
  for (size_t i = 0; i < clip.size(); ++i) clip[i] += (i % 2 ? 3 : 7) * static_cast<double>(1 + (mode >> 5));
  BatchView cv = view;
  cv.coords = clip.data();
  BooleanSpec bs;
  bs.op = static_cast<ClipOp>(mode % 4);
  bs.fill = static_cast<FillRule>((mode >> 2) % 4);
  bs.scale = 1;
  bs.clipper2_intersections = (mode & 0x40) != 0;
  (void)BooleanOp(view, cv, bs, &out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  RunOne(data, size);
  return 0;
}

#ifdef OPK_FUZZ_STANDALONE
#include <csignal>
#include <unistd.h>

namespace {
// The message the watchdog writes, formatted before each input (the handler only writes it).
char g_hang_message[160];
size_t g_hang_length = 0;

void OnHang(int) {
  ssize_t written = write(STDERR_FILENO, g_hang_message, g_hang_length);
  (void)written;
  _exit(3);
}
}  // namespace

int main(int argc, char** argv) {
  const long iters = argc > 1 ? std::atol(argv[1]) : 10000;
  uint64_t s = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  constexpr unsigned kHangSeconds = 120;
  std::signal(SIGALRM, OnHang);
  std::vector<uint8_t> buf(512);
  for (long it = 0; it < iters; ++it) {
    const int len = std::snprintf(g_hang_message, sizeof g_hang_message,
                                  "geometry_fuzz: input %ld ran over %u s (a hang); replay it alone with: geometry_fuzz 1 %llu\n",
                                  it, kHangSeconds, static_cast<unsigned long long>(s));
    g_hang_length = len > 0 ? static_cast<size_t>(len) : 0;
    alarm(kHangSeconds);
    for (auto& byte : buf) {
      s ^= s << 13;
      s ^= s >> 7;
      s ^= s << 17;
      byte = static_cast<uint8_t>(s);
    }
    RunOne(buf.data(), 8 + (s % 400));
  }
  alarm(0);
  std::printf("geometry_fuzz: %ld inputs, no findings\n", iters);
  return 0;
}
#endif
