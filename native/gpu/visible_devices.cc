#include "gpu/visible_devices.h"

#include <cctype>

namespace opk::gpu {

std::optional<std::vector<VisibleEntry>> ParseVisibleDevices(const char* value) {
  if (value == nullptr) return std::nullopt;
  std::vector<VisibleEntry> out;
  std::string s(value);
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    std::string tok;
    for (size_t i = pos; i < comma; ++i) {
      if (!std::isspace(static_cast<unsigned char>(s[i]))) tok += s[i];
    }
    pos = comma + 1;
    if (tok.empty()) break;
    VisibleEntry e;
    bool digits = true;
    for (char c : tok) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits) {
      if (tok.size() > 6) break;
      e.is_index = true;
      e.index = static_cast<unsigned int>(std::stoul(tok));
    } else if (tok.rfind("GPU-", 0) == 0 || tok.rfind("MIG-", 0) == 0) {
      e.uuid = tok;
    } else {
      break;  // CUDA ignores this entry and everything after it
    }
    out.push_back(std::move(e));
    if (comma == s.size()) break;
  }
  return out;
}

}  // namespace opk::gpu
