#include "inputs.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace opk::bench {

std::string InputFolder() {
  const char* dir = std::getenv("OPK_BENCH_INPUTS");
  return dir != nullptr && *dir != '\0' ? dir : "build-bench/inputs";
}

namespace {

PolygonFile Parse(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + " (run scripts/bench-native.js, which writes it)");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  auto take = [&](void* dst, size_t n) {
    if (bytes.size() - pos < n) throw std::runtime_error(path + ": truncated");
    std::memcpy(dst, bytes.data() + pos, n);
    pos += n;
  };
  uint32_t head[4];
  take(head, sizeof head);
  if (head[0] != 0x504b504fu || head[1] != 1) throw std::runtime_error(path + ": not an OPKP v1 file");
  PolygonFile f;
  const size_t n = head[2];
  f.offsets.resize(n + 1);
  take(f.offsets.data(), (n + 1) * sizeof(uint32_t));
  for (size_t i = 0; i < n; ++i) {
    if (f.offsets[i + 1] < f.offsets[i]) throw std::runtime_error(path + ": offsets decrease");
  }
  if ((head[3] & 1u) != 0) {
    f.ignore.resize((n + 7) / 8 * 8);
    take(f.ignore.data(), f.ignore.size());
    f.ignore.resize(n);
  }
  if (pos % 8 != 0) pos += 8 - pos % 8;
  f.xy.resize(2 * static_cast<size_t>(f.offsets[n]));
  take(f.xy.data(), f.xy.size() * sizeof(double));
  if (pos != bytes.size()) throw std::runtime_error(path + ": trailing bytes");
  return f;
}

}  // namespace

const PolygonFile& LoadPolygons(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<PolygonFile>> loaded;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = loaded[name];
  if (!slot) slot = std::make_unique<PolygonFile>(Parse(InputFolder() + "/" + name));
  return *slot;
}

}  // namespace opk::bench
