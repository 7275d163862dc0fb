#include "http/target_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>

#include <atomic>
#include <thread>

namespace es::http {
namespace {

AddressClass V4(const char* text) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, text, &a.sin_addr);
  return ClassifyAddress(reinterpret_cast<sockaddr*>(&a));
}

AddressClass V6(const char* text) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  inet_pton(AF_INET6, text, &a.sin6_addr);
  return ClassifyAddress(reinterpret_cast<sockaddr*>(&a));
}

TEST(TargetGuardTest, ClassifiesAddresses) {
  EXPECT_EQ(V4("127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(V4("127.255.0.9"), AddressClass::kLoopback);
  EXPECT_EQ(V4("10.1.2.3"), AddressClass::kPrivate);
  EXPECT_EQ(V4("172.16.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(V4("172.31.255.255"), AddressClass::kPrivate);
  EXPECT_EQ(V4("172.32.0.1"), AddressClass::kPublic);
  EXPECT_EQ(V4("192.168.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(V4("100.64.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(V4("169.254.169.254"), AddressClass::kLinkLocal);
  EXPECT_EQ(V4("0.0.0.0"), AddressClass::kUnspecified);
  EXPECT_EQ(V4("224.0.0.1"), AddressClass::kMulticast);
  EXPECT_EQ(V4("255.255.255.255"), AddressClass::kReserved);
  EXPECT_EQ(V4("8.8.8.8"), AddressClass::kPublic);
  EXPECT_EQ(V4("93.184.216.34"), AddressClass::kPublic);
  EXPECT_EQ(V6("::1"), AddressClass::kLoopback);
  EXPECT_EQ(V6("::"), AddressClass::kUnspecified);
  EXPECT_EQ(V6("::ffff:127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(V6("::ffff:10.0.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(V6("::ffff:169.254.169.254"), AddressClass::kLinkLocal);
  EXPECT_EQ(V6("::ffff:8.8.8.8"), AddressClass::kPublic);
  EXPECT_EQ(V6("::127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(V6("64:ff9b::7f00:1"), AddressClass::kLoopback);
  EXPECT_EQ(V6("2002:a9fe:a9fe::"), AddressClass::kLinkLocal);
  EXPECT_EQ(V6("fe80::1"), AddressClass::kLinkLocal);
  EXPECT_EQ(V6("fd12:3456::1"), AddressClass::kPrivate);
  EXPECT_EQ(V6("ff02::1"), AddressClass::kMulticast);
  EXPECT_EQ(V6("2606:4700::1111"), AddressClass::kPublic);
}

TEST(TargetGuardTest, ClassifiesHostsAsWrittenInUrls) {
  EXPECT_EQ(ClassifyHost("localhost"), AddressClass::kLoopback);
  EXPECT_EQ(ClassifyHost("LocalHost."), AddressClass::kLoopback);
  EXPECT_EQ(ClassifyHost("api.localhost"), AddressClass::kLoopback);
  EXPECT_EQ(ClassifyHost("127.1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassifyHost("2130706433"), AddressClass::kLoopback);
  EXPECT_EQ(ClassifyHost("0x7f.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassifyHost("0177.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(ClassifyHost("[::ffff:7f00:1]"), AddressClass::kLoopback);
  EXPECT_EQ(ClassifyHost("fe80::1%eth0"), AddressClass::kLinkLocal);
  EXPECT_EQ(ClassifyHost("shop.example.com"), AddressClass::kPublic);  // resolved at connect time
}

TEST(TargetGuardTest, ParsesTheTargetOfAUrl) {
  auto t = ParseUrlTarget("https://user:pw@Shop.Example:8443/wp-json?x=1");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "shop.example");
  EXPECT_EQ(t->port, 8443);
  EXPECT_TRUE(t->has_userinfo);
  t = ParseUrlTarget("http://[::1]:99/x");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, 99);
  t = ParseUrlTarget("http://a.example@127.0.0.1/");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 80);
  EXPECT_FALSE(ParseUrlTarget("ftp://x/").ok());
  EXPECT_FALSE(ParseUrlTarget("http://:80/").ok());
  EXPECT_FALSE(ParseUrlTarget("http://h:99999/").ok());
}

TEST(TargetGuardTest, PolicyRefusesInternalLiteralsUnlessAllowed) {
  TargetPolicy deny;
  EXPECT_TRUE(CheckTarget(deny, "https://shop.example.com/").ok());
  Status s = CheckTarget(deny, "http://169.254.169.254/latest/meta-data/", "config.base_url");
  EXPECT_TRUE(s.IsValidation());
  EXPECT_EQ(s.code(), "private_target");
  EXPECT_NE(s.message().find("config.base_url"), std::string::npos);
  EXPECT_NE(s.message().find("link-local"), std::string::npos);
  EXPECT_FALSE(CheckTarget(deny, "http://[::ffff:127.0.0.1]:8080/").ok());
  TargetPolicy some;
  some.allowed = {"127.0.0.1:8443", "[::1]", "erp.internal"};
  EXPECT_TRUE(CheckTarget(some, "http://127.0.0.1:8443/").ok());
  EXPECT_FALSE(CheckTarget(some, "http://127.0.0.1:8444/").ok());
  EXPECT_TRUE(CheckTarget(some, "http://[::1]:1234/").ok());
  EXPECT_TRUE(some.Allows(*ParseUrlTarget("http://ERP.internal/")));
  TargetPolicy all;
  all.allow_private_targets = true;
  EXPECT_TRUE(CheckTarget(all, "http://10.0.0.1/").ok());
}

// A loopback listener that counts the connections it accepts.
class Listener {
 public:
  Listener() {
    http_.Get(".*", [this](const httplib::Request&, httplib::Response& s) {
      ++hits;
      s.set_content("internal", "text/plain");
    });
    port = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    for (int i = 0; i < 2000 && !http_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Listener() {
    http_.stop();
    thread_.join();
  }
  std::atomic<int> hits{0};
  int port = 0;

 private:
  httplib::Server http_;
  std::thread thread_;
};

TEST(TargetGuardTest, CurlRefusesToConnectToInternalAddressesWhateverTheName) {
  Listener internal;
  auto curl = MakeCurlTransport();
  Request r;
  r.url = "http://localhost:" + std::to_string(internal.port) + "/";  // a name, resolved by curl
  r.timeout = std::chrono::milliseconds(5000);
  r.public_addresses_only = true;
  auto refused = curl->Send(r);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsValidation()) << refused.status().ToString();
  EXPECT_EQ(refused.status().code(), "private_target");
  EXPECT_EQ(internal.hits.load(), 0);
  // Without the flag (an operator-allowed target) the same request goes through.
  r.public_addresses_only = false;
  auto allowed = curl->Send(r);
  ASSERT_TRUE(allowed.ok()) << allowed.status().ToString();
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(internal.hits.load(), 1);
  // The guarded transport refuses literals before sending and sets the flag for names.
  GuardedTransport guarded(*curl, TargetPolicy{});
  r.url = "http://127.0.0.1:" + std::to_string(internal.port) + "/";
  EXPECT_EQ(guarded.Send(r).status().code(), "private_target");
  r.url = "http://localhost:" + std::to_string(internal.port) + "/";
  EXPECT_EQ(guarded.Send(r).status().code(), "private_target");
  TargetPolicy listed;
  listed.allowed = {"127.0.0.1:" + std::to_string(internal.port)};
  GuardedTransport exception(*curl, listed);
  r.url = "http://127.0.0.1:" + std::to_string(internal.port) + "/";
  EXPECT_TRUE(exception.Send(r).ok());
  EXPECT_EQ(internal.hits.load(), 2);
}

}  // namespace
}  // namespace es::http
