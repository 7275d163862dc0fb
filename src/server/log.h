// Server log: one JSON object per line ({"ts","level","event",…fields}).
//
// Callers pass only non-secret fields (ids, paths without query strings,
// status codes, error categories); nothing here inspects values, so the rule
// "never log credentials or tokens" is the callers'. The sink defaults to
// stderr; tests install their own to capture and scan the output.
// Thread-safe: lines are written whole under a mutex.
#pragma once

#include <functional>
#include <string>

#include "common/json.h"

namespace es::server {

enum class LogLevel { kInfo, kWarn, kError };

using LogSink = std::function<void(const std::string& line)>;
// Replaces the sink (an empty function restores stderr). Returns the old one.
LogSink SetLogSink(LogSink sink);

void Log(LogLevel level, const std::string& event, Json fields = Json::object());

}  // namespace es::server
