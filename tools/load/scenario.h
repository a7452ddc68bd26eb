// What kompas-load calls: a Scenario starts one RPC at a time, asynchronously, and reports
// how it ended. Scenarios live in a ScenarioRegistry by name (`--scenario echo`).
//
// Adding a scenario for a unary RPC takes a few lines with UnaryScenario:
//
//   absl::Status AddIncomeScenario(ScenarioRegistry& registry) {
//     return registry.Add({
//         .name = "budget-income",
//         .description = "BudgetService/CalculateIncome for a fixed household",
//         .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
//           CalculateIncomeRequest request = ...;
//           return std::make_unique<UnaryScenario<BudgetService, CalculateIncomeRequest,
//                                                 CalculateIncomeResponse>>(
//               params, std::move(request), [](auto& stub, auto* ctx, auto* req, auto* resp,
//                                              auto done) {
//                 stub.async()->CalculateIncome(ctx, req, resp, std::move(done));
//               });
//         }});
//   }
//
// and one line in BuiltinScenarios() (scenarios.cc).
#ifndef KOMPAS_TOOLS_LOAD_SCENARIO_H_
#define KOMPAS_TOOLS_LOAD_SCENARIO_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kompas::load {

// Runs exactly once per call with its outcome, on any thread.
using CallDone = std::function<void(const grpc::Status&)>;

class Scenario {
 public:
  virtual ~Scenario() = default;
  // Starts one call and returns without waiting for it. `done` may run on a gRPC thread or,
  // if the call fails at once, on this thread before StartCall returns. Every call must carry
  // a deadline so that it ends even when the target never answers. Release every gRPC object
  // of the call (its ClientContext above all) BEFORE calling `done`: after the last `done` the
  // runner returns and the caller destroys the channels. Thread-safe.
  virtual void StartCall(CallDone done) = 0;
};

// What every scenario is built from.
struct ScenarioParams {
  // Calls go round-robin over these (one HTTP/2 connection each). Never empty.
  std::vector<std::shared_ptr<grpc::Channel>> channels = {};
  // Sent as `authorization: Bearer <token>` when not empty.
  std::string token = {};
  // Per-call deadline.
  absl::Duration deadline = absl::Seconds(1);
  // Size of the payload, for scenarios that have one.
  int payload_bytes = 0;
};

// Sets the deadline and the bearer token on a call's context.
void PrepareContext(grpc::ClientContext& context, const ScenarioParams& params);

// A server a scenario brings along, started in this process when no --target is given.
class LocalServer {
 public:
  virtual ~LocalServer() = default;
  // host:port to call.
  virtual std::string target() const = 0;
  // How to describe it in reports, e.g. "in-process echo server (no auth, no logging)".
  virtual std::string description() const = 0;
};

using ScenarioOrStatus = absl::StatusOr<std::unique_ptr<Scenario>>;

struct ScenarioSpec {
  std::string name = {};
  std::string description = {};
  std::function<ScenarioOrStatus(const ScenarioParams&)> create = {};
  // Optional: the in-process server to call when no target is given. Without it, a target is
  // required.
  std::function<absl::StatusOr<std::unique_ptr<LocalServer>>()> start_local_server = {};
};

class ScenarioRegistry {
 public:
  // INVALID_ARGUMENT without a name or `create`, ALREADY_EXISTS for a taken name.
  absl::Status Add(ScenarioSpec spec);
  // nullptr if unknown.
  const ScenarioSpec* Find(absl::string_view name) const;
  // Sorted by name.
  std::vector<const ScenarioSpec*> List() const;

 private:
  std::vector<std::unique_ptr<ScenarioSpec>> specs_;
};

// Every scenario kompas-load knows (scenarios.cc).
ScenarioRegistry BuiltinScenarios();

// A scenario that sends a unary request over and over with the callback API: the same one, or
// each of a list in turn (e.g. many distinct households, so that caches mostly miss).
// `invoke` starts the RPC on a stub: stub.async()->Method(ctx, req, resp, std::move(done)).
template <typename Service, typename Request, typename Response>
class UnaryScenario final : public Scenario {
 public:
  using Stub = typename Service::Stub;
  using Invoke =
      std::function<void(Stub& stub, grpc::ClientContext* context, const Request* request,
                         Response* response, std::function<void(grpc::Status)> done)>;

  UnaryScenario(ScenarioParams params, Request request, Invoke invoke)
      : UnaryScenario(std::move(params), std::vector<Request>{std::move(request)},
                      std::move(invoke)) {}
  UnaryScenario(ScenarioParams params, std::vector<Request> requests, Invoke invoke)
      : params_(std::move(params)), requests_(std::move(requests)), invoke_(std::move(invoke)) {
    for (const std::shared_ptr<grpc::Channel>& channel : params_.channels) {
      stubs_.push_back(Service::NewStub(channel));
    }
  }

  void StartCall(CallDone done) override {
    auto* call = new Call;
    PrepareContext(call->context, params_);
    const std::size_t n = next_.fetch_add(1, std::memory_order_relaxed);
    // The requests are shared by all calls: gRPC only reads them.
    invoke_(*stubs_[n % stubs_.size()], &call->context, &requests_[n % requests_.size()],
            &call->response, [call, done = std::move(done)](grpc::Status status) {
              // First release the call: its ClientContext holds a reference to the channel,
              // and once the last `done` has run the runner returns and the channels go. The
              // last channel reference must not be dropped here, on a gRPC callback thread
              // (~Channel would shut down the callback queue this thread is serving).
              delete call;
              done(status);
            });
  }

 private:
  struct Call {
    grpc::ClientContext context;
    Response response;
  };

  const ScenarioParams params_;
  const std::vector<Request> requests_;  // never empty
  const Invoke invoke_;
  std::vector<std::unique_ptr<Stub>> stubs_;
  std::atomic<std::size_t> next_{0};
};

// Several scenarios as one: call n goes to the part whose share of the weights covers n (e.g.
// weights {1, 2, 2}: of every five calls one goes to the first part and two to each other), so a
// run measures a realistic mix of reads and writes against one service.
class MixedScenario final : public Scenario {
 public:
  struct Part {
    std::unique_ptr<Scenario> scenario;
    int weight = 1;  // > 0
  };
  explicit MixedScenario(std::vector<Part> parts);
  void StartCall(CallDone done) override;

 private:
  std::vector<Part> parts_;
  std::vector<std::size_t> schedule_;  // one part index per slot of the weights' sum
  std::atomic<std::size_t> next_{0};
};

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_SCENARIO_H_
