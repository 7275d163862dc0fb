// GatedServer: the HTTP listener of `serve`, an httplib::Server that does not
// let slow or hostile clients hold its worker threads (issue: 8 connections
// trickling one header line every 2 s used to stop every route).
//
// How: httplib accepts connections on its listening thread and hands each
// socket to process_and_close_socket(), which here only admits the socket to
// a waiting room and returns. One poller thread reads what arrives on every
// waiting socket into a per-connection buffer; a connection is handed to one
// of `threads` worker threads only once its request head and the first
// `body_prefetch_bytes` of its body (or all of it, when smaller) are in that
// buffer. Workers run httplib's request processing over a stream that
// serves the buffer first and then reads the socket with a deadline; after
// a keep-alive response the socket goes back to the waiting room. So a
// worker thread is only ever busy with a request that has fully arrived
// (or whose large body must keep arriving before `body_timeout_ms`).
//
// Limits (GateOptions): a new or kept-alive connection that sends nothing for
// `idle_timeout_ms` is closed; one whose request head (and body prefetch) is
// not complete `header_timeout_ms` after its first byte gets 408 and is
// closed; a head larger than `max_head_bytes` gets 431; more than
// `max_per_client` connections from one client address (0 = no limit) or
// more than `max_connections` in all are answered 503 with Retry-After at
// once and closed. Every refusal is a JSON error like the API's.
//
// Thread-safety: configure before listen; the gate runs while listen runs and
// is torn down by stop() (requests in hand finish; waiting sockets close).
#pragma once

#include <httplib.h>

#include <cstddef>
#include <cstdint>

namespace es::server {

struct GateOptions {
  int threads = 8;
  int64_t idle_timeout_ms = 5000;     // keep-alive wait for the first byte of the next request
  int64_t header_timeout_ms = 10000;  // first byte → complete head (+ body prefetch)
  int64_t body_timeout_ms = 30000;    // head dispatched → body read to its end
  int max_per_client = 32;            // open connections per client address; 0 = no limit
  int max_connections = 1024;         // open connections in all
  size_t max_head_bytes = 16 * 1024;
  size_t body_prefetch_bytes = 64 * 1024;
  int keep_alive_max_requests = 100;
};

class GatedServer final : public httplib::Server {
 public:
  explicit GatedServer(GateOptions options);
  ~GatedServer() override;

  const GateOptions& gate_options() const { return options_; }
  // Connections open now (waiting or being served), for tests and metrics.
  int open_connections() const;

  class Gate;      // the waiting room and the worker pool (http_gate.cpp)
  struct Conn;     // one admitted connection

  // Used by the gate's workers: serves the one request whose head is in
  // `conn`'s buffer; false when the connection must be closed.
  bool ServeOne(Conn& conn, bool last);

 private:
  bool process_and_close_socket(socket_t sock) override;

  const GateOptions options_;
  Gate* gate_ = nullptr;  // the running listen loop's gate; guarded by gate_mu_
  mutable std::mutex gate_mu_;
};

}  // namespace es::server
