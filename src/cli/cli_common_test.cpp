// TransportFor: insecure_skip_tls_verify relaxes the certificate checks of
// the connection that sets it, not those of the other side of the run; and
// the check of `--ids` values.
#include "cli/cli_common.h"

#include <gtest/gtest.h>

#include <string>

#include "common/json.h"
#include "connectors/woo/sandbox/server.h"
#include "store/factory/open_store.h"

namespace es::cli {
namespace {

class TransportForTest : public ::testing::Test {
 protected:
  void SetUp() override {
    woo::sandbox::Options o;
    o.https = true;  // a self-signed certificate each
    o.orders = 1;
    relaxed_ = std::make_unique<woo::sandbox::Server>(o);
    strict_ = std::make_unique<woo::sandbox::Server>(o);
    ASSERT_TRUE(relaxed_->Start(0).ok());
    ASSERT_TRUE(strict_->Start(0).ok());
    auto s = store::OpenStore(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->PutTenant({"t", "t", 1}).ok());
    Put("sandbox", relaxed_->base_url(), true);
    Put("shop", strict_->base_url(), false);
  }

  void Put(const std::string& id, const std::string& url, bool insecure) {
    store::Connection c;
    c.tenant_id = "t";
    c.id = id;
    c.kind = "woo";
    c.name = id;
    c.config = {{"base_url", url}, {"insecure_skip_tls_verify", insecure}};
    c.secret = "{}";
    c.enabled = true;
    ASSERT_TRUE(store_->PutConnection(c).ok());
  }

  static Result<http::Response> Get(http::Transport& t, const std::string& base) {
    http::Request req;
    req.method = "GET";
    req.url = base + "/wp-json/wc/v3/orders";
    return t.Send(req);
  }

  std::unique_ptr<woo::sandbox::Server> relaxed_, strict_;
  std::unique_ptr<store::StateStore> store_;
};

TEST_F(TransportForTest, OnlyTheConnectionThatAsksSkipsCertificateChecks) {
  auto transport = TransportFor(*store_, "t", {"sandbox", "shop"}, false);
  auto relaxed = Get(*transport, relaxed_->base_url());
  EXPECT_TRUE(relaxed.ok()) << relaxed.status().ToString();  // any HTTP answer: TLS was accepted
  auto strict = Get(*transport, strict_->base_url());
  ASSERT_FALSE(strict.ok()) << "the other connection's self-signed certificate was accepted";
  EXPECT_NE(strict.status().message().find("SSL certificate"), std::string::npos) << strict.status().ToString();
}

TEST_F(TransportForTest, WithoutTheSwitchEveryCertificateIsChecked) {
  auto transport = TransportFor(*store_, "t", {"shop"}, false);
  EXPECT_FALSE(Get(*transport, relaxed_->base_url()).ok());
  EXPECT_FALSE(Get(*transport, strict_->base_url()).ok());
}

}  // namespace
}  // namespace es::cli

// `--ids` with nothing in it must not turn into "sync every record".
TEST(IdListValidator, RefusesAnEmptyListOrAnEmptyItem) {
  const CLI::Validator check = es::cli::IdListValidator();
  for (std::string ok : {"1234", "1234,1235", " 12 , 13"}) EXPECT_EQ(check(ok), "") << ok;
  for (std::string bad : {"", ",", " , ", "12,", ",12", "12,,13"}) EXPECT_NE(check(bad), "") << "'" << bad << "'";
  std::string empty;
  EXPECT_NE(check(empty).find("leave --ids out"), std::string::npos);
}
