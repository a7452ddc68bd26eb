// The gateway's HTTP side on a real socket, with no services behind it: the page and its
// security headers, the OpenAPI document, refusals as problems, a service that is not
// configured, and the request metrics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "services/gateway/gateway.h"

namespace kompas::gateway {
namespace {

using ::testing::HasSubstr;

class GatewayHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web_ = std::filesystem::path(::testing::TempDir()) / "gateway-web";
    std::filesystem::create_directories(web_);
    std::ofstream(web_ / "index.html") << "<!doctype html><title>Kompas</title>";
    std::ofstream(web_ / "app.js") << "console.log(1);";
    std::ofstream(web_ / "notes.txt") << "not served";
    GatewayConfig config;
    config.web_root = web_.string();
    config.addresses = {{"budget", ""}};  // no service configured
    absl::StatusOr<std::unique_ptr<Gateway>> g = Gateway::Create(config, &logger_);
    ASSERT_TRUE(g.ok()) << g.status();
    gateway_ = *std::move(g);
    gateway_->Register(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  std::FILE* null_ = std::fopen("/dev/null", "w");
  Logger logger_{null_};
  std::filesystem::path web_;
  std::unique_ptr<Gateway> gateway_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(GatewayHttpTest, ServesThePageWithItsSecurityHeaders) {
  httplib::Result r = client_->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr("<title>Kompas</title>"));
  EXPECT_THAT(r->get_header_value("Content-Security-Policy"), HasSubstr("script-src 'self'"));
  EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
  r = client_->Get("/app.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  // Only the page's own kinds of file, and nothing outside the directory.
  for (const char* path : {"/notes.txt", "/../gateway-web/index.html", "/%2e%2e/etc/passwd"}) {
    r = client_->Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json") << path;
  }
}

TEST_F(GatewayHttpTest, PublishesTheOpenApiDocument) {
  httplib::Result r = client_->Get("/openapi.json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value_count("Cache-Control"), 1u);
  EXPECT_EQ(r->get_header_value("API-Version"), "1.0.0");
  nlohmann::json doc = nlohmann::json::parse(r->body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"].contains("/v1/participants/{participant}:erase"));
}

TEST_F(GatewayHttpTest, RefusalsAreProblems) {
  httplib::Result r = client_->Delete("/v1/regions");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET");
  EXPECT_EQ(nlohmann::json::parse(r->body)["status"], 405);

  r = client_->Post("/v1/income:calculate", "household=1", "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);

  r = client_->Delete("/app.js");  // the page's files are only read
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET, HEAD");

  r = client_->Options("/v1/regions");  // no CORS
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET");

  // An encoded '/' cannot turn one id into two segments (and so into another route).
  r = client_->Get("/v1/participants/p1%2Fgoals%2Fg2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);

  // httplib's own refusals carry the API's headers too.
  r = client_->Post("/v1/income:calculate", std::string(9 << 20, ' '), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");

  r = client_->Get("/v1/regions/");  // no trailing slashes (NL GOV API-48)
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);

  // Bad input is refused before any service is asked, naming the field.
  r = client_->Post("/v1/income:calculate", R"({"household":{"adults":"x"}})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  nlohmann::json p = nlohmann::json::parse(r->body);
  EXPECT_EQ(p["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(p["field"], "household.adults");
}

TEST_F(GatewayHttpTest, AServiceNotConfiguredIsUnavailableAndCounted) {
  // (Media types compare case-insensitively, with parameters.)
  httplib::Result r =
      client_->Post("/v1/income:calculate", "{}", "Application/JSON; charset=utf-8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  nlohmann::json p = nlohmann::json::parse(r->body);
  EXPECT_EQ(p["code"], "UNAVAILABLE");
  EXPECT_THAT(p["detail"].get<std::string>(), HasSubstr("budget"));
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(gateway_->metrics().RequestCount("CalculateIncome", "UNAVAILABLE"), 1);
}

}  // namespace
}  // namespace kompas::gateway
