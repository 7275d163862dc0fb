#include "server/failure_cause.h"

namespace es::server {
namespace {

bool WordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::string FailureCauseKey(const store::FailedRecord& f) {
  std::string key = f.entity + "|" + f.category + "|" + f.code + "|";
  const std::string& m = f.message;
  for (size_t i = 0; i < m.size();) {
    if (!WordChar(m[i])) {
      key.push_back(m[i++]);
      continue;
    }
    size_t end = i;
    bool digit = false;
    for (; end < m.size() && WordChar(m[end]); ++end) digit = digit || (m[end] >= '0' && m[end] <= '9');
    if (digit) key.push_back('#');
    else key.append(m, i, end - i);
    i = end;
  }
  return key;
}

}  // namespace es::server
