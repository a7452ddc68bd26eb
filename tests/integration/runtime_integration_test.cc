// The shared runtime with real processes: kompas-testserver started on port 0 with a real
// tokens file, called over real gRPC.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "kompas/testing/v1/testing.grpc.pb.h"
#include "tests/integration/reflection_client.h"
#include "tests/integration/service_process.h"

namespace kompas::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
namespace tv1 = ::kompas::testing::v1;

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTempDir("runtime-test");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    tokens_ = std::make_unique<TokensFile>(dir_ + "/tokens.jsonl");
    compass_token_ = tokens_->Add("gm0014", {Scope::kCompass});
    records_token_ = tokens_->Add("gm0935", {Scope::kCompass, Scope::kRecordsRead});
    dependency_file_ = dir_ + "/dependency-up";
    std::ofstream(dependency_file_) << "up\n";
  }
  void TearDown() override {
    server_.reset();
    RemoveTree(dir_).IgnoreError();
  }

  void StartServer(std::vector<std::string> extra = {}) {
    ServiceOptions options;
    options.binary = KOMPAS_TESTSERVER_PATH;
    options.tokens_file = tokens_->path();
    options.output_path = dir_ + "/server.log";
    options.args = {"--test_dependency_file=" + dependency_file_, "--dependency_poll_interval=50ms",
                    "--drain_timeout=20s"};
    options.args.insert(options.args.end(), extra.begin(), extra.end());
    absl::StatusOr<std::unique_ptr<ServiceProcess>> server = ServiceProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = tv1::TestingService::NewStub(server_->channel());
  }

  grpc::Status WhoAmI(const std::optional<std::string>& token, tv1::WhoAmIResponse* resp,
                      const std::string& actor = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (token.has_value()) AddBearer(ctx, *token);
    if (!actor.empty()) ctx.AddMetadata("x-kompas-actor", actor);
    return stub_->WhoAmI(&ctx, tv1::WhoAmIRequest(), resp);
  }

  std::string dir_;
  std::unique_ptr<TokensFile> tokens_;
  std::string compass_token_;
  std::string records_token_;
  std::string dependency_file_;
  std::unique_ptr<ServiceProcess> server_;
  std::unique_ptr<tv1::TestingService::Stub> stub_;
};

TEST_F(RuntimeTest, ValidTokenIsServedWithTheTenantOfTheToken) {
  StartServer();
  tv1::WhoAmIResponse resp;
  grpc::Status s = WhoAmI(records_token_, &resp, "mentor-17");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.tenant(), "gm0935");
  EXPECT_EQ(resp.actor(), "mentor-17");
  EXPECT_EQ(resp.token_id(), std::vector<std::string>(absl::StrSplit(records_token_, '_'))[1]);
}

TEST_F(RuntimeTest, MissingWrongAndExpiredTokensAreUnauthenticated) {
  const std::string expired = tokens_->Add("gm0014", {Scope::kRecordsRead}, -absl::Minutes(1));
  StartServer();
  tv1::WhoAmIResponse resp;
  EXPECT_EQ(WhoAmI(std::nullopt, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::string forged = records_token_;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(WhoAmI(forged, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(WhoAmI("kmp_0000000000000000_00", &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status s = WhoAmI(expired, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("expired"));
}

TEST_F(RuntimeTest, WrongScopeIsPermissionDenied) {
  StartServer();
  tv1::WhoAmIResponse resp;
  grpc::Status s = WhoAmI(compass_token_, &resp);  // WhoAmI needs records.read
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("records.read"));
}

TEST_F(RuntimeTest, RevocationTakesEffectOnSighup) {
  StartServer();
  tv1::WhoAmIResponse resp;
  ASSERT_TRUE(WhoAmI(records_token_, &resp).ok());
  tokens_->Revoke(records_token_);
  ASSERT_TRUE(server_->process().Signal(SIGHUP).ok());
  ASSERT_TRUE(
      server_->process().WaitForOutput("\"event\":\"tokens_reloaded\"", absl::Seconds(10)).ok());
  grpc::Status s = WhoAmI(records_token_, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("revoked"));
}

TEST_F(RuntimeTest, ActorMustBeAPseudonymousId) {
  StartServer();
  tv1::WhoAmIResponse resp;
  grpc::Status s = WhoAmI(records_token_, &resp, "Jan de Vries");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("x-kompas-actor"));
}

TEST_F(RuntimeTest, ReflectionListsTheServicesWithoutAToken) {
  StartServer();
  absl::StatusOr<std::vector<std::string>> names = ListServicesByReflection(server_->channel());
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, Contains("kompas.testing.v1.TestingService"));
  EXPECT_THAT(*names, Contains("grpc.health.v1.Health"));
}

TEST_F(RuntimeTest, CriticalDependencyDownTurnsHealthNotServingAndBack) {
  StartServer();
  EXPECT_EQ(*server_->Health("kompas.testing.v1.TestingService"), HealthCheckResponse::SERVING);
  ASSERT_EQ(std::remove(dependency_file_.c_str()), 0);
  ASSERT_TRUE(server_->WaitForHealth(HealthCheckResponse::NOT_SERVING, absl::Seconds(5)).ok());
  EXPECT_EQ(*server_->Health("kompas.testing.v1.TestingService"), HealthCheckResponse::NOT_SERVING);
  // Liveness stays SERVING: a restart would not bring the dependency back.
  EXPECT_EQ(*server_->Health("kompas.liveness"), HealthCheckResponse::SERVING);
  std::ofstream(dependency_file_) << "up\n";
  ASSERT_TRUE(server_->WaitForHealth(HealthCheckResponse::SERVING, absl::Seconds(5)).ok());
  EXPECT_THAT(server_->process().ReadOutput(),
              HasSubstr("\"dependency\":\"test-dependency-file\""));
}

TEST_F(RuntimeTest, OversizedMessageIsRejectedNotBuffered) {
  StartServer({"--max_message_bytes=65536"});
  grpc::ClientContext ctx;
  AddBearer(ctx, compass_token_);
  tv1::EchoRequest req;
  req.set_payload(std::string(100 * 1024, 'x'));
  tv1::EchoResponse resp;
  EXPECT_EQ(stub_->Echo(&ctx, req, &resp).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(RuntimeTest, SigtermLetsFiftyInFlightCallsFinishThenExitsZero) {
  StartServer();
  constexpr int kCalls = 50;
  std::mutex mu;
  std::condition_variable cv;
  int done = 0;
  std::vector<grpc::Status> results(kCalls);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<tv1::SleepRequest> requests(kCalls);
  std::vector<tv1::SleepResponse> responses(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    AddBearer(*contexts.back(), compass_token_);
    contexts.back()->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    requests[static_cast<std::size_t>(i)].set_delay_ms(1500);
  }
  for (std::size_t i = 0; i < kCalls; ++i) {
    stub_->async()->Sleep(contexts[i].get(), &requests[i], &responses[i], [&, i](grpc::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      results[i] = std::move(s);
      ++done;
      cv.notify_all();
    });
  }
  // All 50 are in flight once the server has accepted them; give them a moment to arrive.
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_TRUE(server_->process().Signal(SIGTERM).ok());
  ASSERT_TRUE(server_->process().WaitForOutput("\"event\":\"draining\"", absl::Seconds(5)).ok());
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return done == kCalls; }));
  }
  for (std::size_t i = 0; i < kCalls; ++i) {
    EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].error_message();
    EXPECT_EQ(responses[i].slept_ms(), 1500);
  }
  absl::StatusOr<int> code = server_->process().Wait(absl::Seconds(10));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  // Health went NOT_SERVING before the server stopped.
  EXPECT_THAT(server_->process().ReadOutput(), HasSubstr("\"serving\":false"));
}

TEST_F(RuntimeTest, OneJsonLogLinePerCallAndNeverAToken) {
  StartServer();
  tv1::WhoAmIResponse resp;
  ASSERT_TRUE(WhoAmI(records_token_, &resp).ok());
  EXPECT_FALSE(WhoAmI(compass_token_, &resp).ok());
  EXPECT_FALSE(WhoAmI(std::nullopt, &resp).ok());
  ASSERT_TRUE(server_->process().Signal(SIGTERM).ok());
  ASSERT_TRUE(server_->process().Wait(absl::Seconds(10)).ok());

  const std::string log = server_->process().ReadOutput();
  int rpc_lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    if (j["event"] != "rpc") continue;
    ++rpc_lines;
    for (const char* key :
         {"method", "tenant", "token_id", "actor", "code", "latency_us", "request_id"}) {
      EXPECT_TRUE(j.contains(key)) << key << " missing in " << line;
    }
  }
  EXPECT_EQ(rpc_lines, 3);
  for (const std::string& token : {records_token_, compass_token_}) {
    const std::string secret = std::vector<std::string>(absl::StrSplit(token, '_'))[2];
    EXPECT_THAT(log, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(log, HasSubstr("\"tenant\":\"gm0014\",\"token_id\":\"" +
                             std::vector<std::string>(absl::StrSplit(compass_token_, '_'))[1] +
                             "\",\"actor\":\"\",\"code\":\"PERMISSION_DENIED\""));
  EXPECT_THAT(log, HasSubstr("\"code\":\"UNAUTHENTICATED\""));
}

class StartupTest : public RuntimeTest {
 protected:
  // Runs the server expecting it to refuse to start; returns its output.
  std::string ExpectRefusal(std::vector<std::string> args) {
    SubprocessOptions sp;
    sp.argv = {KOMPAS_TESTSERVER_PATH, "--listen=127.0.0.1:0"};
    sp.argv.insert(sp.argv.end(), args.begin(), args.end());
    sp.output_path = dir_ + "/refusal.log";
    absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(sp);
    EXPECT_TRUE(p.ok());
    if (!p.ok()) return "";
    absl::StatusOr<int> code = (*p)->Wait(absl::Seconds(10));
    EXPECT_TRUE(code.ok());
    EXPECT_EQ(code.value_or(-1), 2);
    return (*p)->ReadOutput();
  }
};

TEST_F(StartupTest, MalformedTokensFileNamesFileAndLine) {
  std::ofstream(tokens_->path(), std::ios::app) << "{\"id\": broken\n";
  std::string out = ExpectRefusal({"--tokens_file=" + tokens_->path()});
  EXPECT_THAT(out, HasSubstr(tokens_->path() + ":4:"));  // header comment, two tokens, bad line
  EXPECT_THAT(out, HasSubstr("startup_failed"));
}

TEST_F(StartupTest, MalformedTlsFilesNameFileAndLine) {
  const std::string gen = absl::StrCat(
      "cd ", dir_, " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ",
      "-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout server.key ",
      "-out server.crt 2>/dev/null && (echo; cat server.crt; echo junk) > bad.crt");
  ASSERT_EQ(std::system(gen.c_str()), 0);
  std::string out =
      ExpectRefusal({"--tokens_file=" + tokens_->path(), "--tls_cert=" + dir_ + "/bad.crt",
                     "--tls_key=" + dir_ + "/server.key"});
  EXPECT_THAT(out, HasSubstr(dir_ + "/bad.crt:"));
  EXPECT_THAT(out, HasSubstr("text outside a PEM block"));
  out = ExpectRefusal({"--tokens_file=" + tokens_->path(), "--tls_cert=" + dir_ + "/server.crt"});
  EXPECT_THAT(out, HasSubstr("--tls_cert and --tls_key must be given together"));
}

TEST_F(RuntimeTest, TlsEndToEnd) {
  const std::string gen = absl::StrCat(
      "cd ", dir_, " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ",
      "-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout server.key ",
      "-out server.crt 2>/dev/null");
  ASSERT_EQ(std::system(gen.c_str()), 0);
  ServiceOptions options;
  options.binary = KOMPAS_TESTSERVER_PATH;
  options.tokens_file = tokens_->path();
  options.output_path = dir_ + "/server.log";
  options.args = {"--tls_cert=" + dir_ + "/server.crt", "--tls_key=" + dir_ + "/server.key"};
  options.wait_for_serving = false;  // the helper's health probe speaks plaintext
  absl::StatusOr<std::unique_ptr<ServiceProcess>> server = ServiceProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  std::ifstream in(dir_ + "/server.crt");
  std::string root((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = root;
  auto channel = grpc::CreateChannel("localhost:" + std::to_string((*server)->port()),
                                     grpc::SslCredentials(ssl));
  auto stub = tv1::TestingService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  AddBearer(ctx, compass_token_);
  tv1::EchoRequest req;
  req.set_payload("over tls");
  tv1::EchoResponse resp;
  grpc::Status s = stub->Echo(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.payload(), "over tls");

  // A plaintext client gets nowhere.
  auto plain = tv1::TestingService::NewStub((*server)->channel());
  grpc::ClientContext ctx2;
  ctx2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  AddBearer(ctx2, compass_token_);
  EXPECT_FALSE(plain->Echo(&ctx2, req, &resp).ok());
}

}  // namespace
}  // namespace kompas::testing
