#include "server/log.h"

#include <cstdio>
#include <mutex>

#include "common/clock.h"

namespace es::server {
namespace {

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}
LogSink& Sink() {
  static LogSink sink;
  return sink;
}

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

LogSink SetLogSink(LogSink sink) {
  std::lock_guard lock(Mu());
  LogSink old = std::move(Sink());
  Sink() = std::move(sink);
  return old;
}

void Log(LogLevel level, const std::string& event, Json fields) {
  Json line = Json::object();
  const int64_t now = SystemClock::Get().NowMillis();
  line["ts"] = FormatIso8601Utc(now);
  line["level"] = LevelName(level);
  line["event"] = event;
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  std::string text = DumpJson(line);
  std::lock_guard lock(Mu());
  if (Sink()) {
    Sink()(text);
  } else {
    fprintf(stderr, "%s\n", text.c_str());
    fflush(stderr);
  }
}

}  // namespace es::server
