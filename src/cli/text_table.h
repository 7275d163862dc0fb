// A plain-text table for the terminal: a header row and data rows, columns
// padded to their widest cell (counted in UTF-8 characters), numbers
// right-aligned. Empty tables print only their header.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace es::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }
  // Each line starts with `indent`; no trailing spaces.
  std::string Render(const std::string& indent = "") const;
  void Print(FILE* out = stdout, const std::string& indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Characters (not bytes) of a UTF-8 string.
size_t DisplayWidth(const std::string& s);

}  // namespace es::cli
