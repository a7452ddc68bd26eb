#include "services/common/client.h"

#include <grpcpp/alarm.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/tls.h"

namespace kompas::internal {
namespace {

double ThreadLocalUniform() {
  thread_local std::mt19937_64 gen(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

// Waits on a grpc::Alarm: the wake-up runs on a gRPC thread, no thread sleeps meanwhile.
void AlarmWaitUntil(absl::Time when, std::function<void(bool)> wake) {
  auto* alarm = new grpc::Alarm();
  alarm->Set(absl::ToChronoTime(when), [alarm, wake = std::move(wake)](bool fired) {
    wake(fired);
    delete alarm;  // safe inside its own callback: gRPC holds the alarm's state until it returns
  });
}

absl::Status Invalid(const DownstreamConfig& config, absl::string_view field,
                     absl::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("downstream ", config.service.empty() ? "(unnamed)" : config.service, ": ",
                   field, ": ", rule));
}

// The attempts of one call. Owned by whatever waits for it next (the pending attempt's
// callback or the backoff alarm), so it lives exactly as long as the call.
class RetryLoop : public std::enable_shared_from_this<RetryLoop> {
 public:
  RetryLoop(std::shared_ptr<const Target> target, bool idempotent, absl::Time deadline,
            std::string request_id, Attempt attempt, CallDone done)
      : target_(std::move(target)),
        idempotent_(idempotent),
        deadline_(deadline),
        request_id_(std::move(request_id)),
        attempt_(std::move(attempt)),
        done_(std::move(done)) {}

  void StartAttempt() {
    ++attempts_;
    attempt_(deadline_, [self = shared_from_this()](absl::Status status) {
      self->OnAttemptDone(std::move(status));
    });
  }

 private:
  void OnAttemptDone(absl::Status status) {
    if (status.ok() || !idempotent_ || !IsRetryable(status.code()) ||
        attempts_ >= target_->retry.max_attempts) {
      Finish(std::move(status));
      return;
    }
    const absl::Time now = target_->hooks.now();
    const absl::Duration wait = BackoffDelay(target_->retry, attempts_, target_->hooks.random());
    if (now + wait >= deadline_) {  // the retry could not finish in time
      Finish(std::move(status));
      return;
    }
    if (target_->logger != nullptr) {
      target_->logger->Info("downstream_retry", {{"service", target_->service},
                                                 {"address", target_->address},
                                                 {"attempt", attempts_},
                                                 {"code", absl::StatusCodeToString(status.code())},
                                                 {"backoff_ms", absl::ToInt64Milliseconds(wait)},
                                                 {"request_id", request_id_}});
    }
    last_ = std::move(status);
    target_->hooks.wait_until(now + wait, [self = shared_from_this()](bool fired) {
      if (fired) {
        self->StartAttempt();
      } else {
        self->Finish(std::move(self->last_));
      }
    });
  }

  void Finish(absl::Status status) {
    CallDone done = std::move(done_);
    done(DescribeFailure(target_->service, target_->address, status, attempts_),
         CallStats{attempts_});
  }

  const std::shared_ptr<const Target> target_;
  const bool idempotent_;
  const absl::Time deadline_;
  const std::string request_id_;
  Attempt attempt_;
  CallDone done_;
  int attempts_ = 0;
  absl::Status last_;
};

}  // namespace

bool IsRetryable(absl::StatusCode code) { return code == absl::StatusCode::kUnavailable; }

absl::Duration BackoffDelay(const RetryPolicy& policy, int retry, double uniform01) {
  absl::Duration base = policy.initial_backoff;
  for (int i = 1; i < retry && base < policy.max_backoff; ++i) base *= policy.multiplier;
  base = std::min(base, policy.max_backoff);
  const double u = std::isfinite(uniform01) ? std::clamp(uniform01, 0.0, 1.0) : 0.0;
  return base * (1.0 - policy.jitter + policy.jitter * u);
}

absl::StatusOr<absl::Time> OutgoingDeadline(absl::string_view service, absl::Time now,
                                            absl::Duration timeout, absl::Time incoming_deadline,
                                            absl::Duration margin) {
  absl::Time deadline = now + timeout;
  const bool limited_by_caller = incoming_deadline - margin < deadline;
  if (limited_by_caller) deadline = incoming_deadline - margin;
  if (deadline <= now) {
    if (limited_by_caller) {
      return absl::DeadlineExceededError(
          absl::StrCat("no time left to call ", service, ": the caller's deadline is ",
                       absl::FormatDuration(incoming_deadline - now), " away, the margin is ",
                       absl::FormatDuration(margin)));
    }
    return absl::DeadlineExceededError(absl::StrCat("no time left to call ", service, ": timeout ",
                                                    absl::FormatDuration(timeout)));
  }
  return deadline;
}

absl::Status DescribeFailure(absl::string_view service, absl::string_view address,
                             const absl::Status& status, int attempts) {
  if (status.ok()) return status;
  if (status.code() == absl::StatusCode::kUnavailable) {
    return absl::UnavailableError(absl::StrCat(service, " (", address, ") is unavailable after ",
                                               attempts, attempts == 1 ? " attempt" : " attempts",
                                               ": ", status.message()));
  }
  return absl::Status(status.code(), absl::StrCat(service, ": ", status.message()));
}

absl::Status ValidateConfig(const DownstreamConfig& config) {
  if (config.service.empty()) return Invalid(config, "service", "is required");
  if (config.address.empty()) return Invalid(config, "address", "is required");
  const RetryPolicy& r = config.retry;
  if (r.max_attempts < 1 || r.max_attempts > 10) {
    return Invalid(config, "retry.max_attempts", "must be between 1 and 10");
  }
  if (r.initial_backoff <= absl::ZeroDuration()) {
    return Invalid(config, "retry.initial_backoff", "must be positive");
  }
  if (r.max_backoff < r.initial_backoff) {
    return Invalid(config, "retry.max_backoff", "must be at least retry.initial_backoff");
  }
  if (!(r.multiplier >= 1.0 && r.multiplier <= 10.0)) {
    return Invalid(config, "retry.multiplier", "must be between 1 and 10");
  }
  if (!(r.jitter >= 0.0 && r.jitter <= 1.0)) {
    return Invalid(config, "retry.jitter", "must be between 0 and 1");
  }
  if (config.default_timeout <= absl::ZeroDuration()) {
    return Invalid(config, "default_timeout", "must be positive");
  }
  if (config.deadline_margin < absl::ZeroDuration()) {
    return Invalid(config, "deadline_margin", "must not be negative");
  }
  if (config.max_reconnect_backoff < absl::Milliseconds(100) ||
      config.max_reconnect_backoff > absl::Minutes(2)) {
    return Invalid(config, "max_reconnect_backoff", "must be between 100ms and 2m");
  }
  if (!config.tls_root_certs_pem.empty()) {
    if (absl::Status s = ValidatePem(config.tls_root_certs_pem, "tls_root_certs_pem", false);
        !s.ok()) {
      return Invalid(config, "tls_root_certs_pem", s.message());
    }
  }
  return absl::OkStatus();
}

LoopHooks GrpcHooks(std::function<double()> random) {
  LoopHooks hooks;
  hooks.now = [] { return absl::Now(); };
  hooks.random = random ? std::move(random) : std::function<double()>(ThreadLocalUniform);
  hooks.wait_until = AlarmWaitUntil;
  return hooks;
}

void RunWithRetries(std::shared_ptr<const Target> target, bool idempotent, absl::Time deadline,
                    std::string request_id, Attempt attempt, CallDone done) {
  auto loop =
      std::make_shared<RetryLoop>(std::move(target), idempotent, deadline, std::move(request_id),
                                  std::move(attempt), std::move(done));
  loop->StartAttempt();
}

absl::StatusOr<Outgoing> PrepareCall(const Target& target, const CallOptions& options,
                                     const CallInfo* incoming) {
  Outgoing out;
  absl::Time incoming_deadline = absl::InfiniteFuture();
  if (incoming != nullptr) {
    out.request_id = incoming->request_id;
    out.actor = incoming->actor;
    if (const grpc::CallbackServerContext* ctx = incoming->context; ctx != nullptr) {
      out.parent = ctx;
      const auto d = ctx->deadline();
      if (d != std::chrono::system_clock::time_point::max()) {
        incoming_deadline = absl::FromChrono(d);
      }
      // The raw token as the caller sent it: CallInfo keeps only who it established.
      const auto& md = ctx->client_metadata();
      if (auto it = md.find("authorization"); it != md.end()) {
        out.authorization.assign(it->second.data(), it->second.size());
      }
    }
  } else {
    if (!options.bearer_token.empty()) out.authorization = "Bearer " + options.bearer_token;
    out.request_id = options.request_id;
    out.actor = options.actor;
  }
  const absl::Duration timeout =
      options.timeout == absl::ZeroDuration() ? target.default_timeout : options.timeout;
  absl::StatusOr<absl::Time> deadline = OutgoingDeadline(
      target.service, target.hooks.now(), timeout, incoming_deadline, target.deadline_margin);
  if (!deadline.ok()) return deadline.status();
  out.deadline = *deadline;
  return out;
}

std::unique_ptr<grpc::ClientContext> NewAttemptContext(const Outgoing& outgoing) {
  // From the parent: its deadline (ours is earlier) and its cancellation, so a caller that
  // hangs up or times out cancels this call too.
  std::unique_ptr<grpc::ClientContext> ctx =
      outgoing.parent != nullptr ? grpc::ClientContext::FromCallbackServerContext(*outgoing.parent)
                                 : std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(outgoing.deadline));
  if (!outgoing.authorization.empty()) ctx->AddMetadata("authorization", outgoing.authorization);
  if (!outgoing.request_id.empty()) ctx->AddMetadata("x-request-id", outgoing.request_id);
  if (!outgoing.actor.empty()) ctx->AddMetadata("x-kompas-actor", outgoing.actor);
  return ctx;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const DownstreamConfig& config) {
  grpc::ChannelArguments args;
  const int max_backoff_ms =
      static_cast<int>(absl::ToInt64Milliseconds(config.max_reconnect_backoff));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, max_backoff_ms);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::min(1000, max_backoff_ms));
  // Spread calls over every address the name resolves to (a headless Kubernetes Service lists
  // each replica); with one address (the local stack) this is the same as pick_first.
  args.SetLoadBalancingPolicyName("round_robin");
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (config.tls_root_certs_pem.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = config.tls_root_certs_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(config.address, credentials, args);
  if (channel == nullptr) {
    return Invalid(config, "address", "gRPC could not create a channel for it");
  }
  return channel;
}

void InFlight::Add() {
  std::lock_guard<std::mutex> lock(mu_);
  ++count_;
}

void InFlight::Done() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--count_ == 0) cv_.notify_all();
}

void InFlight::WaitForNone() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return count_ == 0; });
}

void Waiter::Set(absl::Status status, CallStats stats) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = std::move(status);
  stats_ = stats;
  done_ = true;
  cv_.notify_all();  // under the lock: the waiter may destroy *this as soon as it sees done_
}

absl::Status Waiter::Wait(CallStats* stats) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return done_; });
  if (stats != nullptr) *stats = stats_;
  return status_;
}

}  // namespace kompas::internal
