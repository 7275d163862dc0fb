#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>

#include "cli/signals.h"

namespace es::cli {
namespace {

// "103 created, 2 linked, 5 updated" (only what is not zero).
std::string Written(const engine::EntityCounts& c, bool dry_run) {
  std::string out;
  auto add = [&](int64_t n, const char* what) {
    if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  add(c.created, dry_run ? "to create" : "created");
  add(c.linked, "linked");
  add(c.updated, dry_run ? "to update" : "updated");
  add(c.voided + c.deleted, dry_run ? "to void" : "voided");
  add(c.failed, "failed");
  return out.empty() ? "nothing to write" : out;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, FILE* out, int tty)
    : label_(std::move(label)), out_(out), tty_(tty < 0 ? isatty(fileno(out)) != 0 : tty > 0) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(const engine::Progress& p) {
  if (finished_) return;
  auto note = [&](const std::string& e) {
    if (std::find(order_.begin(), order_.end(), e) == order_.end()) order_.push_back(e);
  };
  if (!p.entity.empty()) {
    // Entities are read one after the other: once the next one starts, the
    // previous listing is over, even when its page total counted records a
    // filter then left out (an incremental run reads 1 of 80 customers).
    if (!reading_.empty() && reading_ != p.entity) read_[reading_].total = read_[reading_].done;
    reading_ = p.entity;
    note(p.entity);
    read_[p.entity] = {p.done, p.total};
  }
  for (const auto& [e, c] : p.counts) {
    if (c.created + c.linked + c.updated + c.voided + c.deleted + c.failed + c.fetched > 0) note(e);
  }
  counts_ = p.counts;
  if (tty_) Draw();
}

std::vector<std::string> ProgressBar::Lines() const {
  constexpr int kWidth = 24;
  size_t name_width = 0;
  for (const auto& e : order_) name_width = std::max(name_width, e.size());
  std::vector<std::string> lines;
  for (const auto& e : order_) {
    std::string line = "  " + label_ + "  " + e + std::string(name_width - e.size(), ' ') + "  ";
    auto r = read_.find(e);
    if (r != read_.end()) {
      int64_t total = r->second.total > 0 ? std::max(r->second.total, r->second.done) : r->second.done;
      int filled = total > 0 ? static_cast<int>(kWidth * r->second.done / total) : kWidth;
      line += "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(kWidth - filled), '.') +
              "] " + std::to_string(r->second.done) + "/" + std::to_string(total) + " read";
    } else {
      line += std::string(kWidth + 2, ' ') + " (written with other records)";
    }
    auto c = counts_.find(e);
    line += "  " + (c == counts_.end() ? std::string("nothing to write") : Written(c->second, dry_run_));
    lines.push_back(line);
  }
  return lines;
}

void ProgressBar::Draw() {
  std::vector<std::string> lines = Lines();
  // Ctrl-C printed its note below the bars: draw them again under it
  // instead of over it, so the note stays on screen.
  if (StopRequested() && !stop_seen_) {
    stop_seen_ = true;
    drawn_ = 0;
  }
  if (drawn_ > 0) fprintf(out_, "\033[%zuA", drawn_);
  for (const auto& l : lines) fprintf(out_, "\r%s\033[K\n", l.c_str());
  drawn_ = lines.size();
  fflush(out_);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (tty_) {
    if (!order_.empty()) Draw();
    return;
  }
  for (const auto& l : Lines()) fprintf(out_, "%s\n", l.c_str());
  fflush(out_);
}

}  // namespace es::cli
