// Calling other Kompas services, from inside a handler or from a tool.
//
// A Downstream<Service> is one other service at one address: its channel (plaintext or TLS),
// a default timeout and a retry policy. Create it once at start-up and share it between all
// handlers (it is thread-safe). Its destructor waits for its calls in flight to end (each ends
// by its deadline), so that the channel is always released on the destroying thread: destroy
// it on a thread of your own, never in a `done` callback. (Debian's gRPC 1.51 runs callbacks
// on threads of a shared completion queue; a channel whose last reference goes on one of them
// can crash the process, grpc/grpc#32584.)
//
//   absl::StatusOr<std::unique_ptr<Downstream<budget::v1::BudgetService>>> budget =
//       Downstream<budget::v1::BudgetService>::Create(
//           {.service = "budget", .address = "127.0.0.1:5001"});
//
// From a handler (ServeUnaryAsync), with the callback client: the outgoing deadline is the
// call's timeout, but never later than the incoming deadline minus a margin; the caller's
// `authorization`, `x-request-id` and `x-kompas-actor` are sent on; cancelling the incoming
// call cancels the outgoing one.
//
//   struct Pending {
//     std::unique_ptr<PendingCall> call;
//     budget::v1::CalculateIncomeRequest request;
//     budget::v1::CalculateIncomeResponse response;
//   };
//   auto* p = new Pending{std::move(call), {}, {}};
//   budget_->Call(&budget::v1::BudgetService::Stub::async_interface::CalculateIncome,
//                 &p->request, &p->response, {.idempotent = true}, &p->call->info(),
//                 [p](absl::Status status) {   // or (absl::Status, CallStats)
//                   std::unique_ptr<Pending> owned(p);
//                   owned->call->Finish(status);
//                 });
//
// From a tool or a test (never from a handler or a gRPC callback: it blocks the thread):
//
//   absl::Status s = budget->BlockingCall(
//       &budget::v1::BudgetService::Stub::async_interface::CalculateIncome, request, &response,
//       {.idempotent = true, .timeout = absl::Seconds(2), .bearer_token = token});
//
// Retries: only calls marked idempotent, only on UNAVAILABLE (the server was not reached or
// went away; the call can be sent again). Not on RESOURCE_EXHAUSTED: gRPC uses it for a
// message over the size limit, which fails the same way every time, and for a server
// shedding load, which retrying makes worse. Not on DEADLINE_EXCEEDED: the time is used up.
// At most `max_attempts` attempts, a jittered exponential backoff between them, waited for
// with a grpc::Alarm (no thread blocks), never past the deadline. Every attempt gets a new
// ClientContext. gRPC itself also retries transparently a call that never left the client,
// for idempotent and non-idempotent calls alike: that is always safe and not counted here.
//
// Errors: UNAVAILABLE names the service and its address and says how many attempts were made:
//   "budget (127.0.0.1:5001) is unavailable after 3 attempts: failed to connect to all addresses…"
// Every other error from the downstream keeps its code and gets the service name in front:
//   "budget: household.adults[0].age: must be between 0 and 130".
// Note that an UNAVAILABLE passed on unchanged tells the caller "retry": a handler that
// answers its own caller with a downstream's UNAVAILABLE multiplies retries across layers.
#ifndef KOMPAS_SERVICES_COMMON_CLIENT_H_
#define KOMPAS_SERVICES_COMMON_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/logging.h"
#include "services/common/rpc.h"

namespace kompas {

struct RetryPolicy {
  // Attempts in all, including the first; 1 means no retries. 1..10.
  int max_attempts = 3;
  // The wait before retry n (n = 1, 2, …) is drawn uniformly from
  // [b·(1 − jitter), b] with b = min(max_backoff, initial_backoff · multiplier^(n−1)).
  absl::Duration initial_backoff = absl::Milliseconds(20);
  absl::Duration max_backoff = absl::Milliseconds(500);
  double multiplier = 2.0;  // >= 1
  double jitter = 0.5;      // 0..1; 0: no randomness
};

// Every member has a default, so designated initializers may name any subset.
struct DownstreamConfig {
  std::string service = {};  // "budget": names the service in errors and logs
  std::string address = {};  // "127.0.0.1:5001", "budget.kompas.svc:5001", "dns:///…"
  // Empty: plaintext (loopback, or a mesh that encrypts). Otherwise TLS, the server's
  // certificate checked against these PEM roots, for the host name in `address`.
  std::string tls_root_certs_pem = {};
  // The timeout of a call that names none. Inside a handler the incoming deadline (minus
  // `deadline_margin`, left for answering the caller) is the limit when it comes first.
  absl::Duration default_timeout = absl::Seconds(5);
  absl::Duration deadline_margin = absl::Milliseconds(10);
  RetryPolicy retry = {};
  // The longest wait between two connection attempts of the channel (gRPC's default of two
  // minutes keeps a restarted service unreachable for too long).
  absl::Duration max_reconnect_backoff = absl::Seconds(5);
  // When set, every retry is logged ("downstream_retry", with service, attempt, code, wait).
  Logger* logger = nullptr;
  // Source of uniform randomness in [0, 1) for the backoff jitter; empty: a per-thread PRNG.
  std::function<double()> random = {};
};

// Every member has a default, so designated initializers may name any subset.
struct CallOptions {
  // True when sending the call twice has the same effect as sending it once (reads,
  // calculations, writes with a client-chosen id). Only such calls are retried.
  bool idempotent = false;
  // Zero: the Downstream's default_timeout.
  absl::Duration timeout = absl::ZeroDuration();
  // Without an incoming call (tools) these are sent instead of the caller's: the token
  // (without "Bearer "), the request id and the actor. Ignored when there is an incoming call.
  std::string bearer_token = {};
  std::string request_id = {};
  std::string actor = {};
};

// How a call went, beyond its status.
struct CallStats {
  int attempts = 0;  // 0 when the call failed before an attempt (no time left)
};

namespace internal {

// Whether a failed attempt of an idempotent call may be retried: UNAVAILABLE only.
bool IsRetryable(absl::StatusCode code);

// The wait before retry `retry` (1 = after the first attempt); `uniform01` in [0, 1).
absl::Duration BackoffDelay(const RetryPolicy& policy, int retry, double uniform01);

// now + timeout, but no later than incoming_deadline − margin (pass absl::InfiniteFuture()
// when there is no incoming deadline). DEADLINE_EXCEEDED naming `service` when that leaves
// no time, so that the call is not even started.
absl::StatusOr<absl::Time> OutgoingDeadline(absl::string_view service, absl::Time now,
                                            absl::Duration timeout, absl::Time incoming_deadline,
                                            absl::Duration margin);

// The final status of a call as the caller sees it (see the top of this file).
absl::Status DescribeFailure(absl::string_view service, absl::string_view address,
                             const absl::Status& status, int attempts);

absl::Status ValidateConfig(const DownstreamConfig& config);

// What the retry loop runs on: gRPC in production, fakes in unit tests.
struct LoopHooks {
  std::function<absl::Time()> now;
  std::function<double()> random;  // uniform in [0, 1)
  // Arranges for wake(true) at `when` without blocking a thread, or wake(false) if that
  // cannot happen (shutdown). wake may run on any thread.
  std::function<void(absl::Time when, std::function<void(bool)> wake)> wait_until;
};

// Everything a call needs from its Downstream; immutable, shared with the calls in flight.
struct Target {
  std::string service;
  std::string address;
  RetryPolicy retry = {};
  absl::Duration default_timeout;
  absl::Duration deadline_margin;
  Logger* logger = nullptr;
  LoopHooks hooks;
};

// Hooks on gRPC alarms, the real clock and `random` (or a per-thread PRNG when empty).
LoopHooks GrpcHooks(std::function<double()> random);

// One attempt: start the call with this deadline and report its status, exactly once, on any
// thread. Called again for every retry.
using AttemptDone = std::function<void(absl::Status)>;
using Attempt = std::function<void(absl::Time deadline, AttemptDone done)>;
using CallDone = absl::AnyInvocable<void(absl::Status, CallStats)>;

// Runs attempts under the target's retry policy until one succeeds, fails for good, the
// attempts are used up or the next wait would end past `deadline`; then calls `done` exactly
// once with DescribeFailure's status. `request_id` is for the retry log only.
void RunWithRetries(std::shared_ptr<const Target> target, bool idempotent, absl::Time deadline,
                    std::string request_id, Attempt attempt, CallDone done);

// What every attempt of one call sends, and the incoming call it descends from.
struct Outgoing {
  absl::Time deadline;
  std::string authorization;  // full metadata value, "Bearer …"; empty: none
  std::string request_id;
  std::string actor;
  const grpc::CallbackServerContext* parent = nullptr;  // deadline and cancellation source
};

// Deadline and metadata from the options and the incoming call (may be null).
absl::StatusOr<Outgoing> PrepareCall(const Target& target, const CallOptions& options,
                                     const CallInfo* incoming);

// A fresh context for one attempt: deadline, metadata, propagation from the parent.
std::unique_ptr<grpc::ClientContext> NewAttemptContext(const Outgoing& outgoing);

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const DownstreamConfig& config);

// Adapts void(absl::Status) and void(absl::Status, CallStats) callbacks to CallDone.
template <typename Done>
CallDone AdaptDone(Done&& done) {
  if constexpr (std::is_invocable_v<Done&, absl::Status, CallStats>) {
    return CallDone(std::forward<Done>(done));
  } else {
    static_assert(std::is_invocable_v<Done&, absl::Status>,
                  "done must be void(absl::Status) or void(absl::Status, CallStats)");
    return CallDone(
        [d = std::forward<Done>(done)](absl::Status s, CallStats) mutable { d(std::move(s)); });
  }
}

// Counts a Downstream's calls in flight, so that its destructor can wait for them.
class InFlight {
 public:
  void Add();
  void Done();
  void WaitForNone();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

// A callback's result, waited for by BlockingCall.
class Waiter {
 public:
  void Set(absl::Status status, CallStats stats);
  absl::Status Wait(CallStats* stats);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  absl::Status status_;
  CallStats stats_;
};

}  // namespace internal

// A callback-API method of a generated stub, e.g.
// &budget::v1::BudgetService::Stub::async_interface::CalculateIncome.
template <typename Async, typename Request, typename Response>
using AsyncMethod = void (Async::*)(grpc::ClientContext*, const Request*, Response*,
                                    std::function<void(grpc::Status)>);

// `Service` is the generated service class (budget::v1::BudgetService).
template <typename Service>
class Downstream {
 public:
  using Stub = typename Service::Stub;

  // INVALID_ARGUMENT for a config that cannot work (no service name or address, a retry
  // policy out of range, TLS roots that are not PEM). Does not connect: an unreachable
  // server shows up as UNAVAILABLE on the calls.
  static absl::StatusOr<std::unique_ptr<Downstream>> Create(DownstreamConfig config) {
    if (absl::Status s = internal::ValidateConfig(config); !s.ok()) return s;
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = internal::MakeChannel(config);
    if (!channel.ok()) return channel.status();
    auto target = std::make_shared<internal::Target>();
    target->service = config.service;
    target->address = config.address;
    target->retry = config.retry;
    target->default_timeout = config.default_timeout;
    target->deadline_margin = config.deadline_margin;
    target->logger = config.logger;
    target->hooks = internal::GrpcHooks(std::move(config.random));
    return std::unique_ptr<Downstream>(new Downstream(std::move(target), *std::move(channel)));
  }

  Downstream(const Downstream&) = delete;
  Downstream& operator=(const Downstream&) = delete;
  // Waits until every call started here has ended (its `done` has been called).
  ~Downstream() { in_flight_->WaitForNone(); }

  const std::string& service() const { return target_->service; }
  const std::string& address() const { return target_->address; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Starts the call and returns at once. `request` and `response` belong to the caller and
  // must stay alive until `done` runs; so must the incoming call of `incoming` (if not null):
  // do not Finish it before `done`. `done` — void(absl::Status) or
  // void(absl::Status, CallStats) — runs exactly once, on a gRPC thread, or on this thread
  // before Call returns when the call fails without an attempt (no time left). It must not
  // block.
  template <typename Async, typename Request, typename Response, typename Done>
  void Call(AsyncMethod<Async, Request, Response> method, const Request* request,
            Response* response, const CallOptions& options, const CallInfo* incoming,
            Done&& done) const {
    static_assert(
        std::is_base_of_v<Async, std::remove_pointer_t<decltype(std::declval<Stub&>().async())>>,
        "method must belong to this Downstream's service");
    internal::CallDone on_done = internal::AdaptDone(std::forward<Done>(done));
    absl::StatusOr<internal::Outgoing> outgoing =
        internal::PrepareCall(*target_, options, incoming);
    if (!outgoing.ok()) {
      on_done(outgoing.status(), CallStats{});
      return;
    }
    const absl::Time deadline = outgoing->deadline;
    std::string request_id = outgoing->request_id;
    auto shared_outgoing = std::make_shared<const internal::Outgoing>(*std::move(outgoing));
    // The stub (and channel) stay with this Downstream, which outlives the call: the call
    // counts as in flight until just before `done`.
    Stub* stub = stub_.get();
    in_flight_->Add();
    on_done = [in_flight = in_flight_, d = std::move(on_done)](absl::Status s,
                                                               CallStats stats) mutable {
      in_flight->Done();
      d(std::move(s), stats);
    };
    internal::Attempt attempt = [stub, method, request, response, shared_outgoing](
                                    absl::Time, internal::AttemptDone attempt_done) {
      grpc::ClientContext* ctx = internal::NewAttemptContext(*shared_outgoing).release();
      (stub->async()->*method)(ctx, request, response,
                               [ctx, attempt_done](const grpc::Status& status) {
                                 delete ctx;
                                 attempt_done(FromGrpcStatus(status));
                               });
    };
    internal::RunWithRetries(target_, options.idempotent, deadline, std::move(request_id),
                             std::move(attempt), std::move(on_done));
  }

  // Call and wait for the result. For tools and tests only: it blocks the calling thread,
  // so never use it in a handler or a gRPC callback (a blocked callback thread can hang the
  // server). No incoming call: the token and request id come from `options`.
  template <typename Async, typename Request, typename Response>
  absl::Status BlockingCall(AsyncMethod<Async, Request, Response> method, const Request& request,
                            Response* response, const CallOptions& options = {},
                            CallStats* stats = nullptr) const {
    internal::Waiter waiter;
    Call(method, &request, response, options, nullptr,
         [&waiter](absl::Status s, CallStats st) { waiter.Set(std::move(s), st); });
    return waiter.Wait(stats);
  }

 private:
  Downstream(std::shared_ptr<const internal::Target> target, std::shared_ptr<grpc::Channel> channel)
      : target_(std::move(target)),
        channel_(std::move(channel)),
        stub_(Service::NewStub(channel_)) {}

  std::shared_ptr<const internal::Target> target_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::shared_ptr<internal::InFlight> in_flight_ = std::make_shared<internal::InFlight>();
};

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_CLIENT_H_
