// The client helper against real servers: kompas-testserver processes relaying to each other
// (TestingService.Relay calls the target's Sleep through the helper), and, where the
// downstream's own view is needed (the deadline it received, being cancelled, the metadata
// it got), an in-process probe server standing in for the downstream.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/alarm.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "kompas/testing/v1/testing.grpc.pb.h"
#include "services/common/client.h"
#include "tests/integration/service_process.h"

namespace kompas::testing {
namespace {

using ::testing::HasSubstr;
namespace tv1 = ::kompas::testing::v1;
using TestingDownstream = Downstream<tv1::TestingService>;

using AsyncStub = tv1::TestingService::Stub::async_interface;
constexpr AsyncMethod<AsyncStub, tv1::SleepRequest, tv1::SleepResponse> kSleep = &AsyncStub::Sleep;
constexpr AsyncMethod<AsyncStub, tv1::EchoRequest, tv1::EchoResponse> kEcho = &AsyncStub::Echo;

std::string TokenId(const std::string& token) {
  return std::vector<std::string>(absl::StrSplit(token, '_'))[1];
}

// The rpc log lines of `method` in a server's output.
std::vector<nlohmann::json> RpcLines(const std::string& log, absl::string_view method) {
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || j.value("event", "") != "rpc") continue;
    if (j.value("method", "") == absl::StrCat("kompas.testing.v1.TestingService/", method)) {
      lines.push_back(std::move(j));
    }
  }
  return lines;
}

int CountEvents(const std::string& log, absl::string_view event) {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (!j.is_discarded() && j.value("event", "") == event) ++n;
  }
  return n;
}

// A loopback port with a socket bound to it that never listens: connections are refused,
// and no other process can take the port while this lives.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::abort();
    }
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// What the in-process probe saw of the calls made to it.
struct ProbeState {
  std::mutex mu;
  std::condition_variable cv;
  int sleep_calls = 0;
  std::optional<absl::Duration> remaining_at_arrival;  // the deadline it received, from arrival
  std::optional<absl::Time> arrived;
  std::optional<absl::Time> cancelled;
  std::optional<absl::Time> slept;  // the sleep ran to its end
  std::multimap<std::string, std::string> metadata;
  // Echo (the "late forwarder"): how its relayed call ended.
  std::optional<absl::Status> late_status;
  int late_attempts = -1;

  template <typename Pred>
  bool WaitFor(absl::Duration timeout, Pred pred) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, absl::ToChronoNanoseconds(timeout), pred);
  }
};

// Sleep that notices cancellation: finished by its alarm or by OnCancel, whichever is first;
// deleted when both OnDone and the alarm's callback have run.
class ProbeSleepReactor : public grpc::ServerUnaryReactor {
 public:
  ProbeSleepReactor(std::shared_ptr<ProbeState> state, int delay_ms) : state_(std::move(state)) {
    alarm_.Set(std::chrono::system_clock::now() + std::chrono::milliseconds(delay_ms),
               [this](bool fired) {
                 if (fired) {
                   {
                     std::lock_guard<std::mutex> lock(state_->mu);
                     state_->slept = absl::Now();
                   }
                   state_->cv.notify_all();
                   FinishOnce(grpc::Status::OK);
                 }
                 Release();
               });
  }
  void OnCancel() override {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->cancelled = absl::Now();
    }
    state_->cv.notify_all();
    alarm_.Cancel();
    FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  }
  void OnDone() override { Release(); }

 private:
  void FinishOnce(const grpc::Status& status) {
    if (!finished_.exchange(true)) Finish(status);
  }
  void Release() {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  std::shared_ptr<ProbeState> state_;
  std::atomic<int> refs_{2};
  std::atomic<bool> finished_{false};
  grpc::Alarm alarm_;
};

// Echo on the probe plays a handler that calls a downstream (its own Sleep) through the
// helper only when its incoming deadline is 5 ms away: less than the helper's 10 ms margin.
struct LateCall {
  CallInfo info;
  tv1::SleepRequest request;
  tv1::SleepResponse response;
  grpc::Alarm alarm;
};

class ProbeService final : public tv1::TestingService::CallbackService {
 public:
  explicit ProbeService(std::shared_ptr<ProbeState> state) : state_(std::move(state)) {}
  void set_downstream(const TestingDownstream* d) { downstream_ = d; }

  grpc::ServerUnaryReactor* Sleep(grpc::CallbackServerContext* ctx,
                                  const tv1::SleepRequest* request, tv1::SleepResponse*) override {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      ++state_->sleep_calls;
      const absl::Time now = absl::Now();
      state_->arrived = now;
      state_->remaining_at_arrival = absl::FromChrono(ctx->deadline()) - now;
      for (const auto& [k, v] : ctx->client_metadata()) {
        state_->metadata.emplace(std::string(k.data(), k.size()), std::string(v.data(), v.size()));
      }
    }
    state_->cv.notify_all();
    return new ProbeSleepReactor(state_, request->delay_ms());
  }

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const tv1::EchoRequest*,
                                 tv1::EchoResponse*) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    auto* late = new LateCall();
    late->info.context = ctx;
    late->request.set_delay_ms(0);
    late->alarm.Set(ctx->deadline() - std::chrono::milliseconds(5), [this, late, reactor](bool) {
      downstream_->Call(kSleep, &late->request, &late->response, {.idempotent = true}, &late->info,
                        [this, late, reactor](absl::Status s, CallStats stats) {
                          {
                            std::lock_guard<std::mutex> lock(state_->mu);
                            state_->late_status = s;
                            state_->late_attempts = stats.attempts;
                          }
                          state_->cv.notify_all();
                          reactor->Finish(ToGrpcStatus(s));
                          delete late;  // may be inside late->alarm's callback: allowed
                        });
    });
    return reactor;
  }

 private:
  std::shared_ptr<ProbeState> state_;
  const TestingDownstream* downstream_ = nullptr;
};

class ClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTempDir("client-test");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    tokens_ = std::make_unique<TokensFile>(dir_ + "/tokens.jsonl");
    token_ = tokens_->Add("gm0014", {Scope::kCompass});
  }
  void TearDown() override {
    if (probe_server_ != nullptr) {
      probe_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    }
    RemoveTree(dir_).IgnoreError();
  }

  std::unique_ptr<ServiceProcess> StartTestserver(const std::string& name,
                                                  std::vector<std::string> args = {}) {
    ServiceOptions options;
    options.binary = KOMPAS_TESTSERVER_PATH;
    options.tokens_file = tokens_->path();
    options.output_path = dir_ + "/" + name + ".log";
    options.args = std::move(args);
    absl::StatusOr<std::unique_ptr<ServiceProcess>> server = ServiceProcess::Start(options);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  // An in-process TestingService (the probe) on a loopback port; returns its address.
  std::string StartProbe() {
    probe_ = std::make_shared<ProbeState>();
    probe_service_ = std::make_unique<ProbeService>(probe_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(probe_service_.get());
    probe_server_ = builder.BuildAndStart();
    EXPECT_NE(port, 0);
    return absl::StrCat("127.0.0.1:", port);
  }

  struct RelayResult {
    grpc::Status status;
    tv1::RelayResponse response;
    std::string attempts_metadata;
    absl::Duration elapsed;
  };

  RelayResult Relay(ServiceProcess& server, const std::string& target, int delay_ms,
                    bool idempotent, absl::Duration deadline, const std::string& request_id = "",
                    const std::string& actor = "") {
    auto stub = tv1::TestingService::NewStub(server.channel());
    grpc::ClientContext ctx;
    AddBearer(ctx, token_);
    if (!request_id.empty()) ctx.AddMetadata("x-request-id", request_id);
    if (!actor.empty()) ctx.AddMetadata("x-kompas-actor", actor);
    tv1::RelayRequest req;
    req.set_target(target);
    req.set_delay_ms(delay_ms);
    req.set_idempotent(idempotent);
    RelayResult r;
    const absl::Time start = absl::Now();
    ctx.set_deadline(absl::ToChronoTime(start + deadline));
    r.status = stub->Relay(&ctx, req, &r.response);
    r.elapsed = absl::Now() - start;
    const auto& trailers = ctx.GetServerTrailingMetadata();
    if (auto it = trailers.find("x-kompas-attempts"); it != trailers.end()) {
      r.attempts_metadata.assign(it->second.data(), it->second.size());
    }
    return r;
  }

  // The first rpc line of `method` in `server`'s log, waiting for it.
  nlohmann::json WaitForRpcLine(ServiceProcess& server, absl::string_view method) {
    absl::StatusOr<std::string> line = server.process().WaitForOutput(
        absl::StrCat("\"method\":\"kompas.testing.v1.TestingService/", method, "\""),
        absl::Seconds(10));
    EXPECT_TRUE(line.ok()) << line.status();
    if (!line.ok()) return nlohmann::json::object();
    return nlohmann::json::parse(*line, nullptr, false);
  }

  std::string dir_;
  std::unique_ptr<TokensFile> tokens_;
  std::string token_;
  std::shared_ptr<ProbeState> probe_;
  std::unique_ptr<ProbeService> probe_service_;
  std::unique_ptr<grpc::Server> probe_server_;
};

TEST_F(ClientIntegrationTest, RelayAnswersWithSleptMsAndOneAttempt) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  std::unique_ptr<ServiceProcess> b = StartTestserver("b");
  ASSERT_TRUE(a && b);
  RelayResult r = Relay(*a, b->address(), 30, /*idempotent=*/true, absl::Seconds(10));
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_EQ(r.response.slept_ms(), 30);
  EXPECT_EQ(r.response.attempts(), 1);
  EXPECT_EQ(r.attempts_metadata, "1");
}

TEST_F(ClientIntegrationTest, RelayRequiresATarget) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  RelayResult r = Relay(*a, "", 0, true, absl::Seconds(10));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.status.error_message(), HasSubstr("target: is required"));
}

// (a) client → A (300 ms deadline) → B sleeping 3 s: the caller gets DEADLINE_EXCEEDED in
// time, and A's relayed call ended with the propagated deadline, not after B's 3 s sleep
// (nor A's 65 s default timeout for Relay targets).
TEST_F(ClientIntegrationTest, DeadlineIsPropagatedThroughARelay) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  std::unique_ptr<ServiceProcess> b = StartTestserver("b");
  ASSERT_TRUE(a && b);
  RelayResult r = Relay(*a, b->address(), 3000, true, absl::Milliseconds(300));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(r.elapsed, absl::Milliseconds(500));

  nlohmann::json relay = WaitForRpcLine(*a, "Relay");
  ASSERT_TRUE(relay.contains("code")) << relay;
  // A ends the relayed call at its own deadline, 10 ms before the caller's; the caller's
  // cancellation may reach A first on a loaded machine.
  EXPECT_THAT(relay["code"].get<std::string>(), ::testing::AnyOf("DEADLINE_EXCEEDED", "CANCELLED"));
  EXPECT_LT(relay["latency_us"].get<std::int64_t>(), 1'000'000) << relay;
  EXPECT_GT(relay["latency_us"].get<std::int64_t>(), 200'000) << relay;
}

// (a) The downstream's own view: it received a deadline of at most the caller's 300 ms and
// its call was cancelled when that passed, long before its 3 s sleep would have ended.
TEST_F(ClientIntegrationTest, DownstreamReceivesTheDeadlineAndIsCancelledWhenItPasses) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  const std::string probe = StartProbe();
  const absl::Time start = absl::Now();
  RelayResult r = Relay(*a, probe, 3000, true, absl::Milliseconds(300));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_TRUE(probe_->WaitFor(absl::Seconds(2), [&] { return probe_->cancelled.has_value(); }))
      << "the downstream call was never cancelled";
  std::lock_guard<std::mutex> lock(probe_->mu);
  EXPECT_EQ(probe_->sleep_calls, 1);
  ASSERT_TRUE(probe_->remaining_at_arrival.has_value());
  EXPECT_LE(*probe_->remaining_at_arrival, absl::Milliseconds(300));
  EXPECT_GT(*probe_->remaining_at_arrival, absl::Milliseconds(100));
  EXPECT_LT(*probe_->cancelled - start, absl::Milliseconds(600));
  EXPECT_FALSE(probe_->slept.has_value());
}

// A caller that hangs up cancels the downstream call too, long before its deadline.
TEST_F(ClientIntegrationTest, CancellingTheCallerCancelsTheDownstreamCall) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  const std::string probe = StartProbe();
  auto stub = tv1::TestingService::NewStub(a->channel());
  grpc::ClientContext ctx;
  AddBearer(ctx, token_);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  tv1::RelayRequest req;
  req.set_target(probe);
  req.set_delay_ms(10000);
  tv1::RelayResponse resp;
  std::mutex mu;
  std::condition_variable cv;
  std::optional<grpc::Status> result;
  stub->async()->Relay(&ctx, &req, &resp, [&](grpc::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    result = std::move(s);
    cv.notify_all();
  });
  // No ASSERT until the call has ended: ctx, req and resp must outlive it.
  EXPECT_TRUE(probe_->WaitFor(absl::Seconds(5), [&] { return probe_->sleep_calls == 1; }));
  const absl::Time cancel = absl::Now();
  ctx.TryCancel();
  const bool cancelled =
      probe_->WaitFor(absl::Seconds(5), [&] { return probe_->cancelled.has_value(); });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return result.has_value(); });  // prompt after TryCancel
    EXPECT_EQ(result->error_code(), grpc::StatusCode::CANCELLED);
  }
  ASSERT_TRUE(cancelled) << "the downstream call was not cancelled";
  std::lock_guard<std::mutex> lock(probe_->mu);
  EXPECT_LT(*probe_->cancelled - cancel, absl::Seconds(1));
}

// (b) Nothing listens at the target: an idempotent relay tries max_attempts (3) times.
TEST_F(ClientIntegrationTest, IdempotentCallIsRetriedUpToMaxAttempts) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  ClosedPort closed;
  RelayResult r = Relay(*a, closed.address(), 0, /*idempotent=*/true, absl::Seconds(10));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(r.status.error_message(),
              HasSubstr("testserver (" + closed.address() + ") is unavailable after 3 attempts"));
  EXPECT_EQ(r.attempts_metadata, "3");
  EXPECT_LT(r.elapsed, absl::Seconds(2));
  WaitForRpcLine(*a, "Relay");
  EXPECT_EQ(CountEvents(a->process().ReadOutput(), "downstream_retry"), 2);
}

// (b) The same for a call not marked idempotent: exactly one attempt.
TEST_F(ClientIntegrationTest, NonIdempotentCallIsNotRetried) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  ClosedPort closed;
  RelayResult r = Relay(*a, closed.address(), 0, /*idempotent=*/false, absl::Seconds(10));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(r.status.error_message(),
              HasSubstr("testserver (" + closed.address() + ") is unavailable after 1 attempt:"));
  EXPECT_EQ(r.attempts_metadata, "1");
  WaitForRpcLine(*a, "Relay");
  EXPECT_EQ(CountEvents(a->process().ReadOutput(), "downstream_retry"), 0);
}

// (c) A server that was up and went down: UNAVAILABLE naming it, promptly (not at the
// deadline), through A's cached channel and from a tool alike.
TEST_F(ClientIntegrationTest, ServerThatIsDownIsUnavailableNamingIt) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  std::unique_ptr<ServiceProcess> b = StartTestserver("b");
  ASSERT_TRUE(a && b);
  const std::string b_address = b->address();
  ASSERT_TRUE(Relay(*a, b_address, 0, true, absl::Seconds(10)).status.ok());
  ASSERT_TRUE(b->process().Signal(SIGKILL).ok());  // crashed: no drain, connections reset
  ASSERT_TRUE(b->process().Wait(absl::Seconds(10)).ok());

  RelayResult r = Relay(*a, b_address, 0, true, absl::Seconds(10));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(r.status.error_message(),
              HasSubstr("testserver (" + b_address + ") is unavailable after 3 attempts: "));
  EXPECT_LT(r.elapsed, absl::Seconds(2));

  absl::StatusOr<std::unique_ptr<TestingDownstream>> tool =
      TestingDownstream::Create({.service = "testserver", .address = b_address});
  ASSERT_TRUE(tool.ok()) << tool.status();
  tv1::EchoRequest req;
  tv1::EchoResponse resp;
  CallStats stats;
  absl::Status s = (*tool)->BlockingCall(kEcho, req, &resp,
                                         {.idempotent = true, .bearer_token = token_}, &stats);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("testserver (" + b_address + ") is unavailable"));
  EXPECT_EQ(stats.attempts, 3);
}

// (d) B's log line for the relayed Sleep carries the caller's tenant, token id, request id
// and actor: the token (B accepted it: code OK), the request id and the actor were sent on.
TEST_F(ClientIntegrationTest, TokenRequestIdAndActorAreForwarded) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  std::unique_ptr<ServiceProcess> b = StartTestserver("b");
  ASSERT_TRUE(a && b);
  RelayResult r = Relay(*a, b->address(), 0, true, absl::Seconds(10), "relay-req-42", "mentor-7");
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  nlohmann::json relay = WaitForRpcLine(*a, "Relay");
  nlohmann::json sleep = WaitForRpcLine(*b, "Sleep");
  EXPECT_EQ(sleep["code"], "OK");
  EXPECT_EQ(RpcLines(b->process().ReadOutput(), "Sleep").size(), 1u);
  for (const char* key : {"tenant", "token_id", "request_id", "actor"}) {
    EXPECT_EQ(sleep[key], relay[key]) << key;
  }
  EXPECT_EQ(sleep["tenant"], "gm0014");
  EXPECT_EQ(sleep["token_id"], TokenId(token_));
  EXPECT_EQ(sleep["request_id"], "relay-req-42");
  EXPECT_EQ(sleep["actor"], "mentor-7");
}

// (d) A request id that A generated (the caller sent none) is the one B logs.
TEST_F(ClientIntegrationTest, GeneratedRequestIdIsForwarded) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  std::unique_ptr<ServiceProcess> b = StartTestserver("b");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Relay(*a, b->address(), 0, true, absl::Seconds(10)).status.ok());
  nlohmann::json relay = WaitForRpcLine(*a, "Relay");
  nlohmann::json sleep = WaitForRpcLine(*b, "Sleep");
  ASSERT_TRUE(relay["request_id"].is_string());
  EXPECT_FALSE(relay["request_id"].get<std::string>().empty());
  EXPECT_EQ(sleep["request_id"], relay["request_id"]);
}

// The exact metadata the downstream receives.
TEST_F(ClientIntegrationTest, DownstreamReceivesTheCallersMetadata) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  const std::string probe = StartProbe();
  // The probe sleeps 3 s; the caller gives up after 300 ms, the metadata is already there.
  Relay(*a, probe, 3000, true, absl::Milliseconds(300), "relay-req-43", "mentor-8");
  ASSERT_TRUE(probe_->WaitFor(absl::Seconds(2), [&] { return probe_->sleep_calls == 1; }));
  std::lock_guard<std::mutex> lock(probe_->mu);
  auto one = [&](const std::string& key) {
    EXPECT_EQ(probe_->metadata.count(key), 1u) << key;
    auto it = probe_->metadata.find(key);
    return it == probe_->metadata.end() ? std::string() : it->second;
  };
  EXPECT_EQ(one("authorization"), "Bearer " + token_);
  EXPECT_EQ(one("x-request-id"), "relay-req-43");
  EXPECT_EQ(one("x-kompas-actor"), "mentor-8");
}

// A handler whose incoming deadline is closer than the margin fails at once with
// DEADLINE_EXCEEDED and makes no attempt.
TEST_F(ClientIntegrationTest, NoTimeLeftInTheHandlerFailsWithoutCalling) {
  const std::string probe = StartProbe();
  absl::StatusOr<std::unique_ptr<TestingDownstream>> self =
      TestingDownstream::Create({.service = "probe", .address = probe});
  ASSERT_TRUE(self.ok()) << self.status();
  probe_service_->set_downstream(self->get());

  auto stub =
      tv1::TestingService::NewStub(grpc::CreateChannel(probe, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  tv1::EchoRequest req;
  tv1::EchoResponse resp;
  grpc::Status s = stub->Echo(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_TRUE(probe_->WaitFor(absl::Seconds(2), [&] { return probe_->late_status.has_value(); }));
  std::lock_guard<std::mutex> lock(probe_->mu);
  EXPECT_EQ(probe_->late_status->code(), absl::StatusCode::kDeadlineExceeded)
      << *probe_->late_status;
  EXPECT_THAT(probe_->late_status->message(), HasSubstr("no time left to call probe"));
  EXPECT_EQ(probe_->late_attempts, 0);
  EXPECT_EQ(probe_->sleep_calls, 0);
}

// From a tool: the token in CallOptions, BlockingCall; errors name the service.
TEST_F(ClientIntegrationTest, ToolCallsWithATokenFromTheOptions) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  absl::StatusOr<std::unique_ptr<TestingDownstream>> tool =
      TestingDownstream::Create({.service = "testserver", .address = a->address()});
  ASSERT_TRUE(tool.ok()) << tool.status();
  tv1::EchoRequest req;
  req.set_payload("hello");
  tv1::EchoResponse resp;
  CallStats stats;
  absl::Status s = (*tool)->BlockingCall(kEcho, req, &resp,
                                         {.bearer_token = token_, .request_id = "tool-1"}, &stats);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(resp.payload(), "hello");
  EXPECT_EQ(stats.attempts, 1);
  EXPECT_EQ(WaitForRpcLine(*a, "Echo")["request_id"], "tool-1");

  s = (*tool)->BlockingCall(kEcho, req, &resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(s.message()), ::testing::StartsWith("testserver: "));

  // The call's own timeout: a 3 s sleep cut at 200 ms.
  tv1::SleepRequest sleep;
  sleep.set_delay_ms(3000);
  tv1::SleepResponse slept;
  const absl::Time start = absl::Now();
  s = (*tool)->BlockingCall(kSleep, sleep, &slept,
                            {.timeout = absl::Milliseconds(200), .bearer_token = token_});
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

// A tool that drops its Downstream as soon as its call has answered, while the callback is
// still running on a gRPC thread: the channel must be released on the tool's thread, not on
// that one (with no server in this process, that aborts in grpc_cq_internal_unref:
// grpc/grpc#32584).
TEST_F(ClientIntegrationTest, ToolMayDestroyItsDownstreamAsSoonAsACallHasAnswered) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  struct Answer {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<absl::Status> status;
    tv1::EchoRequest request;
    tv1::EchoResponse response;
  };
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<std::unique_ptr<TestingDownstream>> tool =
        TestingDownstream::Create({.service = "testserver", .address = a->address()});
    ASSERT_TRUE(tool.ok()) << tool.status();
    auto answer = std::make_shared<Answer>();
    (*tool)->Call(kEcho, &answer->request, &answer->response, {.bearer_token = token_}, nullptr,
                  [answer](absl::Status s) {
                    {
                      std::lock_guard<std::mutex> lock(answer->mu);
                      answer->status = std::move(s);
                      answer->cv.notify_all();
                    }
                    // More work after answering keeps this gRPC thread in the callback while
                    // the test destroys the Downstream.
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                  });
    {
      std::unique_lock<std::mutex> lock(answer->mu);
      answer->cv.wait(lock, [&] { return answer->status.has_value(); });
      ASSERT_TRUE(answer->status->ok()) << *answer->status;
    }
    std::weak_ptr<grpc::Channel> channel = (*tool)->channel();
    tool->reset();
    // The callback is still running (for 5 ms): nothing of it may hold the channel.
    EXPECT_TRUE(channel.expired()) << "the channel outlived its Downstream";
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the last callback end
}

// Destroying a Downstream with calls in flight waits for them; each one's done has run.
TEST_F(ClientIntegrationTest, DestroyingADownstreamWaitsForItsCalls) {
  std::unique_ptr<ServiceProcess> a = StartTestserver("a");
  ASSERT_TRUE(a);
  constexpr int kCalls = 10;
  std::vector<tv1::SleepRequest> requests(kCalls);
  std::vector<tv1::SleepResponse> responses(kCalls);
  std::atomic<int> ok{0};
  absl::StatusOr<std::unique_ptr<TestingDownstream>> tool =
      TestingDownstream::Create({.service = "testserver", .address = a->address()});
  ASSERT_TRUE(tool.ok()) << tool.status();
  const absl::Time start = absl::Now();
  for (std::size_t i = 0; i < kCalls; ++i) {
    requests[i].set_delay_ms(200);
    (*tool)->Call(kSleep, &requests[i], &responses[i], {.bearer_token = token_}, nullptr,
                  [&ok](absl::Status s) {
                    if (s.ok()) ++ok;
                  });
  }
  tool->reset();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(190));
  EXPECT_EQ(ok.load(), kCalls);
}

TEST_F(ClientIntegrationTest, ToolCallsOverTls) {
  const std::string gen = absl::StrCat(
      "cd ", dir_, " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ",
      "-days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout server.key ",
      "-out server.crt 2>/dev/null");
  ASSERT_EQ(std::system(gen.c_str()), 0);
  ServiceOptions options;
  options.binary = KOMPAS_TESTSERVER_PATH;
  options.tokens_file = tokens_->path();
  options.output_path = dir_ + "/tls.log";
  options.args = {"--tls_cert=" + dir_ + "/server.crt", "--tls_key=" + dir_ + "/server.key"};
  options.wait_for_serving = false;  // the helper's health probe speaks plaintext
  absl::StatusOr<std::unique_ptr<ServiceProcess>> server = ServiceProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  std::ifstream in(dir_ + "/server.crt");
  const std::string root((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  absl::StatusOr<std::unique_ptr<TestingDownstream>> tool =
      TestingDownstream::Create({.service = "testserver",
                                 .address = "localhost:" + std::to_string((*server)->port()),
                                 .tls_root_certs_pem = root});
  ASSERT_TRUE(tool.ok()) << tool.status();
  tv1::EchoRequest req;
  req.set_payload("over tls");
  tv1::EchoResponse resp;
  absl::Status s = (*tool)->BlockingCall(kEcho, req, &resp, {.bearer_token = token_});
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(resp.payload(), "over tls");

  // Plaintext to the TLS port gets nowhere, and says where it tried.
  absl::StatusOr<std::unique_ptr<TestingDownstream>> plain = TestingDownstream::Create(
      {.service = "testserver", .address = "localhost:" + std::to_string((*server)->port())});
  ASSERT_TRUE(plain.ok());
  s = (*plain)->BlockingCall(kEcho, req, &resp,
                             {.timeout = absl::Seconds(2), .bearer_token = token_});
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("testserver"));
}

TEST(DownstreamCreateTest, RejectsABadConfig) {
  absl::StatusOr<std::unique_ptr<TestingDownstream>> d =
      TestingDownstream::Create({.service = "budget", .address = ""});
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(), HasSubstr("downstream budget: address: is required"));
}

}  // namespace
}  // namespace kompas::testing
