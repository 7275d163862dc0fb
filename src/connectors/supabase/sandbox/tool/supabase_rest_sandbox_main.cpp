// supabase-rest-sandbox: runs the Supabase REST sandbox (rest_server.h) as a
// process, for the supabase-js conformance tests and manual use.
//
//   supabase-rest-sandbox --pg postgres://… [--port 0] [--host 127.0.0.1]
//                         [--service-key K] [--schema warehouse] [--migrate]
//
// Prints "listening on http://127.0.0.1:PORT" once it accepts connections,
// then serves until SIGINT/SIGTERM. Exit status 2 on bad arguments, 1 when
// it cannot start.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "connectors/supabase/sandbox/rest_server.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Usage(const char* why) {
  std::fprintf(stderr,
               "error: %s\nusage: supabase-rest-sandbox --pg URL [--port P] [--host H] [--service-key K] "
               "[--schema S] [--migrate]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  es::supabase::sandbox::Options options;
  int port = 0;
  std::string host = "127.0.0.1";
  if (const char* env = std::getenv("EASYSALE_TEST_PG_URL")) options.pg_url = env;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (a == "--migrate") {
      options.migrate = true;
    } else if (a == "--port" || a == "--pg" || a == "--host" || a == "--service-key" || a == "--schema") {
      const char* v = value(a.c_str());
      if (v == nullptr) return Usage((a + " needs a value").c_str());
      if (a == "--port") {
        char* end = nullptr;
        long p = std::strtol(v, &end, 10);
        if (end == v || *end != '\0' || p < 0 || p > 65535) return Usage("--port must be 0..65535");
        port = static_cast<int>(p);
      } else if (a == "--pg") {
        options.pg_url = v;
      } else if (a == "--host") {
        host = v;
      } else if (a == "--service-key") {
        options.service_key = v;
      } else {
        options.schema = v;
      }
    } else {
      return Usage(("unknown argument " + a).c_str());
    }
  }
  if (options.pg_url.empty()) return Usage("--pg (or EASYSALE_TEST_PG_URL) is required");
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  es::supabase::sandbox::RestServer server(options);
  es::Status s = server.Start(port, host);
  if (!s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("listening on %s\n", server.base_url().c_str());
  std::fflush(stdout);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.Stop();
  return 0;
}
