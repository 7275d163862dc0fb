#include "server/http_gate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace es::server {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The peer address of a socket as text ("127.0.0.1", "::1"); "" when unknown.
void PeerOf(int fd, std::string* ip, int* port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  ip->clear();
  *port = 0;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return;
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
    *port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
    *port = ntohs(a->sin6_port);
  }
  *ip = buf;
}

// Best effort: a short error answer on a socket we are about to close.
void SendRefusal(int fd, int status, const char* reason, const char* category, const char* message,
                 bool retry_after) {
  std::string body = std::string("{\"error\":{\"category\":\"") + category + "\",\"message\":\"" + message + "\"}}";
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                     "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n" + (retry_after ? "Retry-After: 1\r\n" : "") + "\r\n";
  std::string all = head + body;
  (void)::send(fd, all.data(), all.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

// Ends a connection after a refusal: no more writes, the input that already
// arrived is read away (closing with unread input would reset the connection
// and could destroy the refusal before the client reads it), then closed.
void Linger(int fd) {
  ::shutdown(fd, SHUT_WR);
  char buf[4096];
  for (int i = 0; i < 16 && ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0; ++i) {
  }
  ::close(fd);
}

// Case-insensitive search of a header's value in a request head; "" when absent.
std::string HeadValue(const std::string& head, const char* name) {
  const size_t n = std::strlen(name);
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const size_t start = pos + 2;
    const size_t end = head.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    if (end - start > n && head[start + n] == ':' && strncasecmp(head.data() + start, name, n) == 0) {
      size_t v = start + n + 1;
      while (v < end && (head[v] == ' ' || head[v] == '\t')) ++v;
      return head.substr(v, end - v);
    }
    pos = end;
  }
  return "";
}

}  // namespace

struct GatedServer::Conn {
  int fd = -1;
  std::string ip;
  int port = 0;
  std::string in;      // received and not yet consumed by the request parser
  size_t pos = 0;      // consumed prefix of `in`
  int64_t deadline_ms = 0;
  bool started = false;  // a byte of the current request has arrived
  bool gone = false;     // the peer finished sending or the socket failed
  int served = 0;
  int64_t body_deadline_ms = 0;

  size_t buffered() const { return in.size() - pos; }
  void Compact() {
    if (pos > 0) {
      in.erase(0, pos);
      pos = 0;
    }
  }
};

// ---- the stream a worker parses one request from ----------------------------

namespace {

class GateStream final : public httplib::Stream {
 public:
  GateStream(GatedServer::Conn& c, int64_t io_timeout_ms) : c_(c), io_timeout_ms_(io_timeout_ms) {}

  bool is_readable() const override { return c_.buffered() > 0 || Wait(POLLIN); }
  bool is_writable() const override { return Wait(POLLOUT); }

  ssize_t read(char* ptr, size_t size) override {
    if (c_.buffered() > 0) {
      const size_t n = std::min(size, c_.buffered());
      std::memcpy(ptr, c_.in.data() + c_.pos, n);
      c_.pos += n;
      return static_cast<ssize_t>(n);
    }
    if (!Wait(POLLIN)) return -1;
    return ::recv(c_.fd, ptr, size, 0);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!Wait(POLLOUT)) return -1;
    return ::send(c_.fd, ptr, size, MSG_NOSIGNAL);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.ip;
    port = c_.port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    ip.clear();
    port = 0;
    if (getsockname(c_.fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return;
    char buf[INET6_ADDRSTRLEN] = {0};
    if (ss.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
      port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
      port = ntohs(a->sin6_port);
    }
    ip = buf;
  }
  socket_t socket() const override { return c_.fd; }

 private:
  // Waits for the socket, bounded by the I/O timeout and the body deadline.
  bool Wait(short events) const {
    int64_t wait = io_timeout_ms_;
    if (events == POLLIN) wait = std::min<int64_t>(wait, c_.body_deadline_ms - NowMs());
    if (wait <= 0) return false;
    pollfd p{c_.fd, events, 0};
    int rc;
    do {
      rc = ::poll(&p, 1, static_cast<int>(wait));
    } while (rc < 0 && errno == EINTR);
    return rc > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
  }

  GatedServer::Conn& c_;
  const int64_t io_timeout_ms_;
};

}  // namespace

// ---- the gate -----------------------------------------------------------------

class GatedServer::Gate final : public httplib::TaskQueue {
 public:
  Gate(GatedServer& server, const GateOptions& o) : server_(server), o_(o) {
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
    poller_ = std::thread([this] { Poll(); });
    for (int i = 0; i < std::max(1, o_.threads); ++i) workers_.emplace_back([this] { Work(); });
  }
  ~Gate() override {
    {
      std::lock_guard lock(server_.gate_mu_);
      if (server_.gate_ == this) server_.gate_ = nullptr;
    }
    shutdown();
  }

  // httplib hands us the task of one accepted socket; it only admits it.
  void enqueue(std::function<void()> fn) override { fn(); }

  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    Wake();
    if (poller_.joinable()) poller_.join();
    for (auto& t : workers_) {
      if (t.joinable()) t.join();
    }
    std::lock_guard lock(mu_);
    for (auto& c : waiting_) ::close(c->fd);
    for (auto& c : ready_) ::close(c->fd);
    waiting_.clear();
    ready_.clear();
    per_client_.clear();
    open_ = 0;
    if (wake_[0] >= 0) ::close(wake_[0]);
    if (wake_[1] >= 0) ::close(wake_[1]);
    wake_[0] = wake_[1] = -1;
  }

  void Admit(int fd) {
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    PeerOf(fd, &c->ip, &c->port);
    std::unique_lock lock(mu_);
    if (stopping_) {
      lock.unlock();
      ::close(fd);
      return;
    }
    const bool all_full = open_ >= o_.max_connections;
    if (all_full || (o_.max_per_client > 0 && per_client_[c->ip] >= o_.max_per_client)) {
      if (per_client_[c->ip] == 0) per_client_.erase(c->ip);
      lock.unlock();
      SendRefusal(fd, 503, "Service Unavailable", "rate_limit",
                  all_full ? "too many open connections; try again"
                           : "too many open connections from this address; try again",
                  true);
      Linger(fd);
      return;
    }
    ++open_;
    ++per_client_[c->ip];
    c->deadline_ms = NowMs() + o_.idle_timeout_ms;
    waiting_.push_back(std::move(c));
    lock.unlock();
    Wake();
  }

  int open() const {
    std::lock_guard lock(mu_);
    return open_;
  }

 private:
  void Wake() {
    if (wake_[1] >= 0) {
      char b = 1;
      (void)!::write(wake_[1], &b, 1);
    }
  }

  // Closes a connection and forgets it; mu_ must not be held.
  void Close(std::unique_ptr<Conn> c, bool refused = false) {
    if (refused) {
      Linger(c->fd);
    } else {
      ::shutdown(c->fd, SHUT_RDWR);
      ::close(c->fd);
    }
    std::lock_guard lock(mu_);
    --open_;
    auto it = per_client_.find(c->ip);
    if (it != per_client_.end() && --it->second <= 0) per_client_.erase(it);
  }

  // Whether the buffered bytes hold a request head and the part of its body
  // that must arrive before a worker takes it; *too_large when the head
  // outgrew max_head_bytes.
  bool Complete(const Conn& c, bool* too_large) const {
    *too_large = false;
    const std::string_view data(c.in.data() + c.pos, c.buffered());
    const size_t end = data.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      *too_large = data.size() > o_.max_head_bytes;
      return false;
    }
    if (end + 4 > o_.max_head_bytes) {
      *too_large = true;
      return false;
    }
    const std::string head(data.substr(0, end + 2));
    const std::string length = HeadValue(head, "Content-Length");
    size_t body = 0;
    // A client that waits for "100 Continue" sends its body only after the
    // worker answers it; the body deadline covers it from there.
    if (!length.empty() && strncasecmp(HeadValue(head, "Expect").c_str(), "100-continue", 12) != 0) {
      char* stop = nullptr;
      unsigned long long v = std::strtoull(length.c_str(), &stop, 10);
      if (stop != nullptr && *stop == '\0') body = static_cast<size_t>(std::min<unsigned long long>(v, SIZE_MAX));
    }
    return data.size() >= end + 4 + std::min(body, o_.body_prefetch_bytes);
  }

  void Poll() {
    std::vector<pollfd> fds;
    std::vector<Conn*> conns;
    char buf[16 * 1024];
    for (;;) {
      int64_t next = NowMs() + 500;
      fds.clear();
      conns.clear();
      fds.push_back({wake_[0], POLLIN, 0});
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        for (auto& c : waiting_) {
          if (c->gone) continue;  // nothing more will arrive; Sweep decides
          fds.push_back({c->fd, POLLIN, 0});
          conns.push_back(c.get());
          next = std::min(next, c->deadline_ms);
        }
      }
      const int wait = static_cast<int>(std::max<int64_t>(0, next - NowMs()));
      int rc = ::poll(fds.data(), fds.size(), wait);
      if (rc < 0 && errno != EINTR) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (fds[0].revents & POLLIN) {
        while (::read(wake_[0], buf, sizeof(buf)) > 0) {
        }
      }
      const int64_t now = NowMs();
      std::vector<Conn*> readable;
      for (size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents != 0) readable.push_back(conns[i - 1]);
      }
      for (Conn* c : readable) {
        ssize_t n = ::recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n > 0) {
          if (!c->started) {
            c->started = true;
            c->deadline_ms = now + o_.header_timeout_ms;
          }
          c->in.append(buf, static_cast<size_t>(n));
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          c->gone = true;
        }
      }
      Sweep(now);
    }
  }

  // Moves complete requests to the workers and ends the connections whose
  // deadline passed or whose head is too large.
  void Sweep(int64_t now) {
    std::vector<std::pair<std::unique_ptr<Conn>, int>> closing;  // connection, refusal status (0 = none)
    {
      std::lock_guard lock(mu_);
      for (auto it = waiting_.begin(); it != waiting_.end();) {
        Conn& c = **it;
        bool too_large = false;
        if (Complete(c, &too_large)) {  // also when the peer finished sending (half-close)
          c.body_deadline_ms = now + o_.body_timeout_ms;
          ready_.push_back(std::move(*it));
          cv_.notify_one();
        } else if (c.gone) {
          closing.emplace_back(std::move(*it), 0);
        } else if (too_large) {
          closing.emplace_back(std::move(*it), 431);
        } else if (now >= c.deadline_ms) {
          closing.emplace_back(std::move(*it), c.started ? 408 : 0);
        } else {
          ++it;
          continue;
        }
        it = waiting_.erase(it);
      }
    }
    for (auto& [c, status] : closing) {
      if (status == 408) {
        SendRefusal(c->fd, 408, "Request Timeout", "validation", "the request did not arrive in time", false);
      } else if (status == 431) {
        SendRefusal(c->fd, 431, "Request Header Fields Too Large", "validation", "the request head is too large",
                    false);
      }
      Close(std::move(c), status != 0);
    }
  }

  void Work() {
    for (;;) {
      std::unique_ptr<Conn> c;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
        if (stopping_) return;
        c = std::move(ready_.front());
        ready_.pop_front();
      }
      const bool last = c->served + 1 >= o_.keep_alive_max_requests;
      const bool keep = server_.ServeOne(*c, last || c->gone) && !last && !c->gone;
      ++c->served;
      if (!keep) {
        Close(std::move(c));
        continue;
      }
      c->Compact();
      c->started = c->buffered() > 0;
      c->deadline_ms = NowMs() + (c->started ? o_.header_timeout_ms : o_.idle_timeout_ms);
      {
        std::lock_guard lock(mu_);
        if (!stopping_) {
          waiting_.push_back(std::move(c));
        }
      }
      if (c) {
        Close(std::move(c));
      } else {
        Wake();
      }
    }
  }

  GatedServer& server_;
  const GateOptions o_;
  int wake_[2] = {-1, -1};
  std::thread poller_;
  std::vector<std::thread> workers_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                       // guarded by mu_
  std::vector<std::unique_ptr<Conn>> waiting_;  // guarded by mu_ (the poller reads their buffers)
  std::deque<std::unique_ptr<Conn>> ready_;     // guarded by mu_
  std::map<std::string, int> per_client_;       // guarded by mu_
  int open_ = 0;                                // guarded by mu_
};

// ---- GatedServer ----------------------------------------------------------------

GatedServer::GatedServer(GateOptions options) : options_(options) {
  new_task_queue = [this]() -> httplib::TaskQueue* {
    auto* g = new Gate(*this, options_);
    std::lock_guard lock(gate_mu_);
    gate_ = g;
    return g;
  };
}

GatedServer::~GatedServer() = default;

int GatedServer::open_connections() const {
  std::lock_guard lock(gate_mu_);
  return gate_ == nullptr ? 0 : gate_->open();
}

bool GatedServer::process_and_close_socket(socket_t sock) {
  Gate* g;
  {
    std::lock_guard lock(gate_mu_);
    g = gate_;
  }
  if (g == nullptr) {
    ::close(sock);
    return false;
  }
  g->Admit(sock);
  return true;
}

bool GatedServer::ServeOne(Conn& conn, bool last) {
  GateStream stream(conn, std::max<int64_t>(1000, options_.idle_timeout_ms));
  bool closed = false;
  const bool ok = process_request(stream, last || !is_running(), closed, nullptr);
  return ok && !closed && is_running();
}

}  // namespace es::server
