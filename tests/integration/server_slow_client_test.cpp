// Slow and hostile clients (server/http_gate.h): connections that trickle a
// request head or body, more of them than the server has HTTP threads, must
// not stop /health, the API or the webhook receivers; they are cut off at
// their deadlines; one client address cannot hold more than its share of
// connections. Loopback only, small fixed counts, every wait bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "integration/server_fixture.h"

namespace es::testing {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// A raw TCP client; `source` binds the local address (127.0.0.x) first.
class RawClient {
 public:
  RawClient(int port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (source != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, source, &local.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) bind_failed_ = true;
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    connected_ = !bind_failed_ && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool bind_failed() const { return bind_failed_; }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  bool Send(const std::string& s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()); }
  // Everything received until the peer closes or `timeout_ms` passes.
  std::string ReadUntilClosed(int timeout_ms, bool* closed) {
    std::string out;
    *closed = false;
    const auto start = Clock::now();
    char buf[4096];
    while (MsSince(start) < timeout_ms) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) {
        *closed = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool bind_failed_ = false;
};

TEST(SlowClientTest, TrickledHeadsAndBodiesDoNotStopTheServer) {
  ServerFixtureOptions o;
  o.http_threads = 2;
  o.header_timeout_ms = 3000;
  o.max_connections_per_client = 0;  // every client is 127.0.0.1 here
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  fx.AddSandboxConnections("t1");
  const int port = fx.server().port();
  const std::string admin = fx.Admin();

  // 6 connections trickle a request head, 2 a request body: 8 > 2 threads.
  std::vector<std::unique_ptr<RawClient>> heads, bodies;
  for (int i = 0; i < 6; ++i) {
    heads.push_back(std::make_unique<RawClient>(port));
    ASSERT_TRUE(heads.back()->connected());
    ASSERT_TRUE(heads.back()->Send("GET /health HTTP/1.1\r\n"));
  }
  for (int i = 0; i < 2; ++i) {
    bodies.push_back(std::make_unique<RawClient>(port));
    ASSERT_TRUE(bodies.back()->connected());
    ASSERT_TRUE(bodies.back()->Send("POST /webhooks/woo/t1/woo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 1000\r\n\r\n{"));
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    int n = 0;
    while (!stop) {
      for (auto& c : heads) c->Send("X-Slow-" + std::to_string(n) + ": 1\r\n");
      for (auto& c : bodies) c->Send(" ");
      ++n;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  // While they hold their connections, the health probe, an API call and a
  // webhook delivery are answered, each within a second.
  for (int round = 0; round < 3; ++round) {
    auto t = Clock::now();
    auto health = fx.Call("GET", "/health");
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_LT(MsSince(t), 1000) << "health took too long";
    t = Clock::now();
    auto list = fx.Call("GET", "/api/v1/connections", admin);
    EXPECT_EQ(list.status, 200) << list.body;
    EXPECT_LT(MsSince(t), 1000) << "API call took too long";
    t = Clock::now();
    auto hook = fx.Call("POST", "/webhooks/woo/t1/woo", "", "{}", {{"X-WC-Webhook-Signature", "bad"}});
    EXPECT_EQ(hook.status, 401) << hook.body;
    EXPECT_LT(MsSince(t), 1000) << "webhook took too long";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }

  // The tricklers are cut off at the head deadline (3 s after their first
  // byte) with 408, although they kept sending.
  bool closed = false;
  std::string answer = heads[0]->ReadUntilClosed(6000, &closed);
  stop = true;
  trickle.join();
  EXPECT_TRUE(closed);
  EXPECT_NE(answer.find("408"), std::string::npos) << answer;
  answer = bodies[0]->ReadUntilClosed(3000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(answer.find("408"), std::string::npos) << answer;
}

TEST(SlowClientTest, IdleConnectionsAreClosedAndKeepAliveStillWorks) {
  ServerFixtureOptions o;
  o.keep_alive_timeout_ms = 400;
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  RawClient idle(fx.server().port());
  ASSERT_TRUE(idle.connected());
  bool closed = false;
  const auto t = Clock::now();
  std::string got = idle.ReadUntilClosed(3000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(got.empty()) << got;  // nothing was asked, nothing is answered
  EXPECT_LT(MsSince(t), 2500);

  // Two requests on one connection, the second one pipelined behind the first.
  RawClient kept(fx.server().port());
  ASSERT_TRUE(kept.connected());
  ASSERT_TRUE(kept.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  got = kept.ReadUntilClosed(3000, &closed);
  EXPECT_TRUE(closed);
  size_t first = got.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << got;
  EXPECT_NE(got.find("HTTP/1.1 200", first + 1), std::string::npos) << got;

  // A client that half-closes after its request still gets the answer.
  RawClient half(fx.server().port());
  ASSERT_TRUE(half.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  half.ShutdownWrite();
  got = half.ReadUntilClosed(3000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
}

TEST(SlowClientTest, OneClientAddressCannotHoldMoreThanItsShare) {
  ServerFixtureOptions o;
  o.max_connections_per_client = 3;
  ServerFixture fx(o);
  ASSERT_TRUE(fx.Start().ok());
  const int port = fx.server().port();
  // The greedy client comes from 127.0.0.2, the test's own calls from 127.0.0.1.
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(port, "127.0.0.2"));
    if (held.back()->bind_failed()) GTEST_SKIP() << "cannot bind 127.0.0.2 here";
    ASSERT_TRUE(held.back()->connected());
    ASSERT_TRUE(held.back()->Send("GET /health HTTP/1.1\r\n"));  // and never finish
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawClient extra(port, "127.0.0.2");
  ASSERT_TRUE(extra.connected());
  bool closed = false;
  const auto t = Clock::now();
  std::string got = extra.ReadUntilClosed(2000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_LT(MsSince(t), 1000);
  EXPECT_NE(got.find("HTTP/1.1 503"), std::string::npos) << got;
  EXPECT_NE(got.find("Retry-After: 1"), std::string::npos) << got;
  EXPECT_NE(got.find("too many open connections from this address"), std::string::npos) << got;

  // Everyone else is served.
  auto health = fx.Call("GET", "/health");
  EXPECT_EQ(health.status, 200);
  // And the greedy client gets its slots back once it lets go.
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawClient again(port, "127.0.0.2");
  ASSERT_TRUE(again.Send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  got = again.ReadUntilClosed(3000, &closed);
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
}

}  // namespace
}  // namespace es::testing
