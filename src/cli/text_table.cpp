#include "cli/text_table.h"

#include <algorithm>

namespace es::cli {
namespace {

bool IsNumber(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != ',') return false;
  return true;
}

}  // namespace

size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

TextTable::TextTable(std::vector<std::string> header) : header_(std::move(header)) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render(const std::string& indent) const {
  std::vector<size_t> width(header_.size(), 0);
  std::vector<bool> numeric(header_.size(), true);
  for (size_t i = 0; i < header_.size(); ++i) width[i] = DisplayWidth(header_[i]);
  for (const auto& row : rows_)
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(row[i]));
      if (!row[i].empty() && !IsNumber(row[i])) numeric[i] = false;
    }
  if (rows_.empty()) numeric.assign(header_.size(), false);
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = indent;
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string pad(width[i] - DisplayWidth(cells[i]), ' ');
      if (i > 0) out += "  ";
      out += numeric[i] ? pad + cells[i] : cells[i] + pad;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header_);
  for (const auto& row : rows_) out += line(row);
  return out;
}

void TextTable::Print(FILE* out, const std::string& indent) const { fputs(Render(indent).c_str(), out); }

}  // namespace es::cli
