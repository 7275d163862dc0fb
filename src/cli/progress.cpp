#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace es::cli {

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), tty_(isatty(STDERR_FILENO) != 0) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(const engine::Progress& p) {
  if (p.entity != entity_ && open_) Finish();
  entity_ = p.entity;
  constexpr int kWidth = 30;
  int64_t total = p.total > 0 ? p.total : p.done;
  int filled = total > 0 ? static_cast<int>(kWidth * std::min<int64_t>(p.done, total) / total) : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  if (tty_) {
    fprintf(stderr, "\r  %-6s %-10s [%s] %lld/%lld", label_.c_str(), p.entity.c_str(), bar.c_str(),
            static_cast<long long>(p.done), static_cast<long long>(total));
    open_ = true;
  } else {
    fprintf(stderr, "  %-6s %-10s %lld/%lld\n", label_.c_str(), p.entity.c_str(), static_cast<long long>(p.done),
            static_cast<long long>(total));
  }
  fflush(stderr);
}

void ProgressBar::Finish() {
  if (open_) {
    fprintf(stderr, "\n");
    open_ = false;
  }
}

}  // namespace es::cli
