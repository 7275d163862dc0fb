// Text helpers shared by the mapping transforms.
#pragma once

#include <cstddef>
#include <string>

namespace es::mapping {

// `s` made acceptable to QBO name and memo fields: ':' tab and newlines
// become spaces, the ends are trimmed, and the text is cut to at most
// `max_len` bytes without splitting a UTF-8 sequence.
std::string CleanText(std::string s, size_t max_len);

}  // namespace es::mapping
