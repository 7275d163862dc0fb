// Progress output for sync runs: a redrawn bar on a terminal, one line per
// page otherwise. Writes to stderr so stdout stays machine-readable.
#pragma once

#include <string>

#include "engine/run_context.h"

namespace es::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();
  void Update(const engine::Progress& p);
  void Finish();

 private:
  std::string label_;
  std::string entity_;
  bool tty_;
  bool open_ = false;
};

}  // namespace es::cli
