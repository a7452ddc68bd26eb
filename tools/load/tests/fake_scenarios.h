// Scenarios without a network for the runner's tests.
#ifndef KOMPAS_TOOLS_LOAD_TESTS_FAKE_SCENARIOS_H_
#define KOMPAS_TOOLS_LOAD_TESTS_FAKE_SCENARIOS_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "tools/load/scenario.h"

namespace kompas::load {

// Decides the outcome of call number k (0-based, in start order).
using OutcomeFn = std::function<grpc::Status(std::int64_t k)>;

inline grpc::Status AlwaysOk(std::int64_t) { return grpc::Status::OK; }

// Finishes every call `delay` after it started, on its own thread, and keeps score.
class DelayedScenario final : public Scenario {
 public:
  explicit DelayedScenario(std::chrono::microseconds delay, OutcomeFn outcome = AlwaysOk)
      : delay_(delay), outcome_(std::move(outcome)), worker_([this] { Work(); }) {}

  ~DelayedScenario() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  void StartCall(CallDone done) override {
    std::lock_guard<std::mutex> lock(mu_);
    const grpc::Status status = outcome_(started_++);
    in_flight_++;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    pending_.emplace(std::chrono::steady_clock::now() + delay_,
                     std::make_pair(std::move(done), status));
    cv_.notify_all();
  }

  std::int64_t started() {
    std::lock_guard<std::mutex> lock(mu_);
    return started_;
  }
  std::int64_t max_in_flight() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_in_flight_;
  }

 private:
  void Work() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_ || !pending_.empty()) {
      if (pending_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto first = pending_.begin();
      if (std::chrono::steady_clock::now() < first->first) {
        cv_.wait_until(lock, first->first);
        continue;
      }
      auto [done, status] = std::move(first->second);
      pending_.erase(first);
      in_flight_--;
      lock.unlock();
      done(status);
      lock.lock();
    }
  }

  const std::chrono::microseconds delay_;
  const OutcomeFn outcome_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::pair<CallDone, grpc::Status>> pending_;
  std::int64_t started_ = 0;
  std::int64_t in_flight_ = 0;
  std::int64_t max_in_flight_ = 0;
  bool stop_ = false;
  std::thread worker_;  // last: starts after everything it uses
};

// Finishes every call inside StartCall (like a channel that fails fast), after blocking for
// `block` (a stalled sender). Records how deeply StartCall calls nest.
class InlineScenario final : public Scenario {
 public:
  explicit InlineScenario(std::chrono::microseconds block = std::chrono::microseconds(0),
                          OutcomeFn outcome = AlwaysOk)
      : block_(block), outcome_(std::move(outcome)) {}

  void StartCall(CallDone done) override {
    thread_local int depth = 0;
    ++depth;
    grpc::Status status;
    {
      std::lock_guard<std::mutex> lock(mu_);
      max_depth_ = std::max(max_depth_, depth);
      status = outcome_(started_++);
    }
    if (block_.count() > 0) std::this_thread::sleep_for(block_);
    done(status);
    --depth;
  }

  std::int64_t started() {
    std::lock_guard<std::mutex> lock(mu_);
    return started_;
  }
  int max_depth() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_depth_;
  }

 private:
  const std::chrono::microseconds block_;
  const OutcomeFn outcome_;
  std::mutex mu_;
  std::int64_t started_ = 0;
  int max_depth_ = 0;
};

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_TESTS_FAKE_SCENARIOS_H_
