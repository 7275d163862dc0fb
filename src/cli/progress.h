// Progress output for sync runs, on stderr so stdout stays machine-readable.
// One line per entity: how far its listing has been read (a bar, for the
// entities the run fetches; full once the run has moved on to the next entity) and what the run has written for it so far —
// created, linked, updated, voided, failed — taken from the run's own counts,
// so customers created for guest orders show under "customer" and the last
// numbers agree with the run's summary. On a terminal the lines are redrawn
// in place; elsewhere (a pipe, a log file) nothing is printed until Finish,
// which prints the final lines once.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engine/run_context.h"

namespace es::cli {

class ProgressBar {
 public:
  // `tty` < 0: decided by isatty(fileno(out)).
  explicit ProgressBar(std::string label, FILE* out = stderr, int tty = -1);
  ~ProgressBar();
  // A dry run's counts are what it would write: "to create", "to update".
  void set_dry_run(bool dry_run) { dry_run_ = dry_run; }
  void Update(const engine::Progress& p);
  // Prints the final lines (once; later calls do nothing).
  void Finish();

  // The lines as they would be printed now (no terminal control codes).
  std::vector<std::string> Lines() const;

 private:
  struct Read {
    int64_t done = 0;
    int64_t total = 0;
  };
  void Draw();

  std::string label_;
  FILE* out_;
  bool tty_;
  bool dry_run_ = false;
  bool finished_ = false;
  size_t drawn_ = 0;  // lines on screen (terminal)
  bool stop_seen_ = false;  // the stop note printed below the bars
  std::vector<std::string> order_;
  std::string reading_;  // the entity whose listing is being read
  std::map<std::string, Read> read_;
  std::map<std::string, engine::EntityCounts> counts_;
};

}  // namespace es::cli
