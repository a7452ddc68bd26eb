// The client helper's policy and retry loop, with a fake clock, timer, randomness and
// attempts: deterministic, and no gRPC code runs (so it also runs under TSan). The helper
// against real servers is tested in tests/integration/client_integration_test.cc.
#include "services/common/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"

namespace kompas::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

TEST(BackoffDelayTest, GrowsExponentiallyWithinTheJitterBand) {
  RetryPolicy p;  // 20 ms, x2, max 500 ms, jitter 0.5
  EXPECT_EQ(BackoffDelay(p, 1, 0.0), absl::Milliseconds(10));
  EXPECT_EQ(BackoffDelay(p, 1, 0.5), absl::Milliseconds(15));
  EXPECT_EQ(BackoffDelay(p, 1, 1.0), absl::Milliseconds(20));
  EXPECT_EQ(BackoffDelay(p, 2, 1.0), absl::Milliseconds(40));
  EXPECT_EQ(BackoffDelay(p, 3, 0.0), absl::Milliseconds(40));
  EXPECT_EQ(BackoffDelay(p, 5, 1.0), absl::Milliseconds(320));
}

TEST(BackoffDelayTest, IsCappedAndNeverOverflows) {
  RetryPolicy p;
  EXPECT_EQ(BackoffDelay(p, 6, 1.0), absl::Milliseconds(500));  // 640 capped
  EXPECT_EQ(BackoffDelay(p, 6, 0.0), absl::Milliseconds(250));
  EXPECT_EQ(BackoffDelay(p, 1'000'000, 1.0), absl::Milliseconds(500));
  p.multiplier = 10.0;
  p.max_backoff = absl::Hours(1);
  EXPECT_EQ(BackoffDelay(p, 1000, 1.0), absl::Hours(1));
}

TEST(BackoffDelayTest, WithoutJitterTheRandomSourceIsIgnored) {
  RetryPolicy p;
  p.jitter = 0.0;
  EXPECT_EQ(BackoffDelay(p, 2, 0.0), absl::Milliseconds(40));
  EXPECT_EQ(BackoffDelay(p, 2, 0.99), absl::Milliseconds(40));
}

TEST(BackoffDelayTest, ARandomSourceOutOfRangeStaysInTheBand) {
  RetryPolicy p;
  EXPECT_EQ(BackoffDelay(p, 1, -3.0), absl::Milliseconds(10));
  EXPECT_EQ(BackoffDelay(p, 1, 7.0), absl::Milliseconds(20));
  EXPECT_EQ(BackoffDelay(p, 1, std::nan("")), absl::Milliseconds(10));
}

TEST(IsRetryableTest, OnlyUnavailable) {
  for (int c = 0; c <= 16; ++c) {
    const auto code = static_cast<absl::StatusCode>(c);
    EXPECT_EQ(IsRetryable(code), code == absl::StatusCode::kUnavailable)
        << absl::StatusCodeToString(code);
  }
}

TEST(OutgoingDeadlineTest, OwnTimeoutWhenTheCallerHasMoreTime) {
  absl::StatusOr<absl::Time> d = OutgoingDeadline(
      "budget", kStart, absl::Seconds(2), kStart + absl::Seconds(30), absl::Milliseconds(10));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, kStart + absl::Seconds(2));
}

TEST(OutgoingDeadlineTest, CallerDeadlineMinusMarginWhenItComesFirst) {
  absl::StatusOr<absl::Time> d = OutgoingDeadline(
      "budget", kStart, absl::Seconds(2), kStart + absl::Milliseconds(300), absl::Milliseconds(10));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, kStart + absl::Milliseconds(290));
}

TEST(OutgoingDeadlineTest, NoIncomingDeadline) {
  absl::StatusOr<absl::Time> d = OutgoingDeadline("budget", kStart, absl::Seconds(2),
                                                  absl::InfiniteFuture(), absl::Milliseconds(10));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, kStart + absl::Seconds(2));
}

TEST(OutgoingDeadlineTest, NoTimeLeftIsDeadlineExceededNamingTheService) {
  for (absl::Duration left : {absl::Milliseconds(10), absl::Milliseconds(3), -absl::Seconds(1)}) {
    absl::StatusOr<absl::Time> d =
        OutgoingDeadline("budget", kStart, absl::Seconds(2), kStart + left, absl::Milliseconds(10));
    ASSERT_FALSE(d.ok()) << left;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kDeadlineExceeded);
    EXPECT_THAT(d.status().message(), HasSubstr("no time left to call budget"));
  }
  EXPECT_TRUE(OutgoingDeadline("budget", kStart, absl::Seconds(2), kStart + absl::Milliseconds(11),
                               absl::Milliseconds(10))
                  .ok());
  EXPECT_EQ(OutgoingDeadline("budget", kStart, -absl::Milliseconds(1), absl::InfiniteFuture(),
                             absl::Milliseconds(10))
                .status()
                .code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST(DescribeFailureTest, UnavailableNamesServiceAddressAndAttempts) {
  absl::Status s =
      DescribeFailure("budget", "127.0.0.1:5001", absl::UnavailableError("connection refused"), 3);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(),
            "budget (127.0.0.1:5001) is unavailable after 3 attempts: connection refused");
  EXPECT_EQ(DescribeFailure("budget", "a:1", absl::UnavailableError("x"), 1).message(),
            "budget (a:1) is unavailable after 1 attempt: x");
}

TEST(DescribeFailureTest, OtherErrorsKeepTheirCodeWithTheServiceInFront) {
  absl::Status s = DescribeFailure("budget", "127.0.0.1:5001",
                                   absl::InvalidArgumentError("age: must be between 0 and 130"), 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "budget: age: must be between 0 and 130");
  EXPECT_TRUE(DescribeFailure("budget", "a:1", absl::OkStatus(), 1).ok());
}

TEST(ValidateConfigTest, RejectsWhatCannotWork) {
  auto check = [](void (*edit)(DownstreamConfig&), const char* field) {
    DownstreamConfig c;
    c.service = "budget";
    c.address = "127.0.0.1:5001";
    ASSERT_TRUE(ValidateConfig(c).ok());
    edit(c);
    absl::Status s = ValidateConfig(c);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(s.message(), HasSubstr(field));
  };
  check([](DownstreamConfig& c) { c.service.clear(); }, "service");
  check([](DownstreamConfig& c) { c.address.clear(); }, "address");
  check([](DownstreamConfig& c) { c.retry.max_attempts = 0; }, "retry.max_attempts");
  check([](DownstreamConfig& c) { c.retry.max_attempts = 11; }, "retry.max_attempts");
  check([](DownstreamConfig& c) { c.retry.initial_backoff = absl::ZeroDuration(); },
        "retry.initial_backoff");
  check([](DownstreamConfig& c) { c.retry.max_backoff = absl::Milliseconds(1); },
        "retry.max_backoff");
  check([](DownstreamConfig& c) { c.retry.multiplier = 0.5; }, "retry.multiplier");
  check([](DownstreamConfig& c) { c.retry.jitter = 1.5; }, "retry.jitter");
  check([](DownstreamConfig& c) { c.default_timeout = absl::ZeroDuration(); }, "default_timeout");
  check([](DownstreamConfig& c) { c.deadline_margin = -absl::Milliseconds(1); }, "deadline_margin");
  check([](DownstreamConfig& c) { c.max_reconnect_backoff = absl::Milliseconds(1); },
        "max_reconnect_backoff");
  check([](DownstreamConfig& c) { c.tls_root_certs_pem = "not a certificate"; },
        "tls_root_certs_pem");
}

// A clock that only moves when a timer fires, timers run by the test, and attempts that
// answer from a script.
class FakeLoop {
 public:
  explicit FakeLoop(std::vector<absl::Status> script) : script_(std::move(script)) {}

  std::shared_ptr<const Target> MakeTarget(Logger* logger = nullptr) {
    auto t = std::make_shared<Target>();
    t->service = "budget";
    t->address = "10.0.0.7:5001";
    t->default_timeout = absl::Seconds(5);
    t->deadline_margin = absl::Milliseconds(10);
    t->logger = logger;
    t->hooks.now = [this] { return now_; };
    t->hooks.random = [this] { return random_; };
    t->hooks.wait_until = [this](absl::Time when, std::function<void(bool)> wake) {
      wakes_.push_back(when);
      timers_.emplace_back(when, std::move(wake));
    };
    return t;
  }

  Attempt MakeAttempt() {
    return [this](absl::Time deadline, AttemptDone done) {
      attempt_deadlines_.push_back(deadline);
      const std::size_t i = std::min(attempt_deadlines_.size(), script_.size()) - 1;
      done(script_[i]);  // answers at once: the clock does not move during an attempt
    };
  }

  // Runs the loop to the end, firing timers (or refusing them, `fire` false).
  void Run(bool idempotent, absl::Time deadline, bool fire = true, Logger* logger = nullptr) {
    RunWithRetries(MakeTarget(logger), idempotent, deadline, "req-1", MakeAttempt(),
                   [this](absl::Status s, CallStats stats) {
                     ++done_calls_;
                     status_ = std::move(s);
                     stats_ = stats;
                   });
    while (!timers_.empty()) {
      auto [when, wake] = std::move(timers_.front());
      timers_.pop_front();
      if (fire) now_ = when;
      wake(fire);
    }
  }

  absl::Time now_ = kStart;
  double random_ = 0.5;
  std::vector<absl::Status> script_;
  std::deque<std::pair<absl::Time, std::function<void(bool)>>> timers_;
  std::vector<absl::Time> wakes_;
  std::vector<absl::Time> attempt_deadlines_;
  int done_calls_ = 0;
  absl::Status status_ = absl::UnknownError("done never ran");
  CallStats stats_;
};

const absl::Status kRefused = absl::UnavailableError("connection refused");

TEST(RunWithRetriesTest, IdempotentUnavailableIsRetriedUpToMaxAttemptsWithBackoff) {
  FakeLoop loop({kRefused});
  loop.Run(/*idempotent=*/true, kStart + absl::Seconds(5));
  EXPECT_EQ(loop.done_calls_, 1);
  EXPECT_EQ(loop.stats_.attempts, 3);
  EXPECT_EQ(loop.status_.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(loop.status_.message(),
            "budget (10.0.0.7:5001) is unavailable after 3 attempts: connection refused");
  // random 0.5: 3/4 of 20 ms, then 3/4 of 40 ms.
  EXPECT_THAT(loop.wakes_,
              ElementsAre(kStart + absl::Milliseconds(15), kStart + absl::Milliseconds(45)));
}

TEST(RunWithRetriesTest, TheInjectedRandomSourceSetsTheWaits) {
  FakeLoop loop({kRefused});
  loop.random_ = 0.0;
  loop.Run(true, kStart + absl::Seconds(5));
  EXPECT_THAT(loop.wakes_,
              ElementsAre(kStart + absl::Milliseconds(10), kStart + absl::Milliseconds(30)));
}

TEST(RunWithRetriesTest, NonIdempotentIsNeverRetried) {
  FakeLoop loop({kRefused});
  loop.Run(/*idempotent=*/false, kStart + absl::Seconds(5));
  EXPECT_EQ(loop.done_calls_, 1);
  EXPECT_EQ(loop.stats_.attempts, 1);
  EXPECT_TRUE(loop.wakes_.empty());
  EXPECT_EQ(loop.status_.message(),
            "budget (10.0.0.7:5001) is unavailable after 1 attempt: connection refused");
}

TEST(RunWithRetriesTest, ARetryThatSucceedsAnswersOk) {
  FakeLoop loop({kRefused, absl::OkStatus()});
  loop.Run(true, kStart + absl::Seconds(5));
  EXPECT_TRUE(loop.status_.ok()) << loop.status_;
  EXPECT_EQ(loop.stats_.attempts, 2);
}

TEST(RunWithRetriesTest, OtherCodesAreNotRetriedEvenWhenIdempotent) {
  for (const absl::Status& s :
       {absl::ResourceExhaustedError("too big"), absl::DeadlineExceededError("slow"),
        absl::InternalError("bug"), absl::CancelledError("gone"), absl::AbortedError("conflict"),
        absl::UnauthenticatedError("token")}) {
    FakeLoop loop({s, absl::OkStatus()});
    loop.Run(true, kStart + absl::Seconds(5));
    EXPECT_EQ(loop.stats_.attempts, 1) << s;
    EXPECT_EQ(loop.status_.code(), s.code());
    EXPECT_EQ(loop.status_.message(), absl::StrCat("budget: ", s.message()));
  }
}

TEST(RunWithRetriesTest, NeverWaitsPastTheDeadline) {
  FakeLoop loop({kRefused});
  loop.random_ = 1.0;  // waits of 20 ms, then 40 ms
  const absl::Time deadline = kStart + absl::Milliseconds(50);
  loop.Run(true, deadline);
  EXPECT_EQ(loop.stats_.attempts, 2);  // 20 + 40 > 50: no third attempt
  EXPECT_THAT(loop.wakes_, ElementsAre(kStart + absl::Milliseconds(20)));
  EXPECT_EQ(loop.status_.code(), absl::StatusCode::kUnavailable);
  for (absl::Time t : loop.wakes_) EXPECT_LT(t, deadline);
}

TEST(RunWithRetriesTest, EveryAttemptGetsTheCallsDeadline) {
  FakeLoop loop({kRefused});
  const absl::Time deadline = kStart + absl::Seconds(1);
  loop.Run(true, deadline);
  EXPECT_THAT(loop.attempt_deadlines_, ElementsAre(deadline, deadline, deadline));
}

TEST(RunWithRetriesTest, ATimerThatCannotFireEndsTheCallWithTheLastError) {
  FakeLoop loop({kRefused, absl::OkStatus()});
  loop.Run(true, kStart + absl::Seconds(5), /*fire=*/false);
  EXPECT_EQ(loop.done_calls_, 1);
  EXPECT_EQ(loop.stats_.attempts, 1);
  EXPECT_EQ(loop.status_.code(), absl::StatusCode::kUnavailable);
}

TEST(RunWithRetriesTest, RetriesAreLoggedWithoutTheMessage) {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buf, &size);
  ASSERT_NE(out, nullptr);
  {
    Logger logger(out);
    FakeLoop loop({kRefused});
    loop.Run(true, kStart + absl::Seconds(5), true, &logger);
  }
  std::fclose(out);
  const std::string log(buf, size);
  std::free(buf);
  std::vector<std::string> lines = absl::StrSplit(log, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << log;
  EXPECT_THAT(lines[0], HasSubstr("\"event\":\"downstream_retry\",\"service\":\"budget\","
                                  "\"address\":\"10.0.0.7:5001\",\"attempt\":1,"
                                  "\"code\":\"UNAVAILABLE\",\"backoff_ms\":15,"
                                  "\"request_id\":\"req-1\""));
  EXPECT_THAT(lines[1], HasSubstr("\"attempt\":2"));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("refused")));
}

TEST(AdaptDoneTest, AcceptsBothCallbackShapes) {
  absl::Status seen;
  int attempts = -1;
  CallDone a = AdaptDone([&](absl::Status s) { seen = std::move(s); });
  a(absl::NotFoundError("x"), CallStats{2});
  EXPECT_EQ(seen.code(), absl::StatusCode::kNotFound);
  CallDone b = AdaptDone([&](absl::Status s, CallStats st) {
    seen = std::move(s);
    attempts = st.attempts;
  });
  b(absl::OkStatus(), CallStats{3});
  EXPECT_TRUE(seen.ok());
  EXPECT_EQ(attempts, 3);
}

TEST(WaiterTest, WaitReturnsWhatAnotherThreadSet) {
  auto waiter = std::make_unique<Waiter>();
  std::thread t([&] { waiter->Set(absl::UnavailableError("down"), CallStats{3}); });
  CallStats stats;
  absl::Status s = waiter->Wait(&stats);
  waiter.reset();  // destroying the waiter at once must be safe
  t.join();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(stats.attempts, 3);
}

TEST(InFlightTest, WaitForNoneReturnsOnceEveryCallIsDone) {
  InFlight in_flight;
  in_flight.WaitForNone();  // none yet
  constexpr int kCalls = 8;
  for (int i = 0; i < kCalls; ++i) in_flight.Add();
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ++done;
      in_flight.Done();
    });
  }
  in_flight.WaitForNone();
  EXPECT_EQ(done.load(), kCalls);
  for (std::thread& t : threads) t.join();
}

// Many calls at once, attempts answered and timers fired on worker threads, as gRPC does.
// Under TSan this checks the loop's hand-offs; everywhere it checks done runs exactly once.
class WorkerPool {
 public:
  explicit WorkerPool(int n) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  void Post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

TEST(RunWithRetriesTest, ConcurrentCallsOnWorkerThreadsEachFinishOnce) {
  constexpr int kCalls = 400;
  // Declared before the pool, so the workers are joined before any of this goes away.
  std::mutex mu;
  std::condition_variable cv;
  int finished = 0;
  std::vector<int> done_count(kCalls, 0);
  std::vector<int> attempts(kCalls, 0);
  std::vector<absl::StatusCode> codes(kCalls, absl::StatusCode::kUnknown);
  std::atomic<int> draws{0};
  WorkerPool pool(4);
  auto target = std::make_shared<Target>();
  target->service = "budget";
  target->address = "10.0.0.7:5001";
  target->retry.initial_backoff = absl::Microseconds(10);
  target->hooks.now = [] { return absl::Now(); };
  target->hooks.random = [&draws] { return (draws.fetch_add(1) % 10) / 10.0; };
  target->hooks.wait_until = [&pool](absl::Time, std::function<void(bool)> wake) {
    pool.Post([wake = std::move(wake)] { wake(true); });
  };

  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&, c] {
      for (int i = c; i < kCalls; i += 4) {
        const int failures = i % 4;  // attempts that fail before one succeeds
        auto made = std::make_shared<std::atomic<int>>(0);
        Attempt attempt = [&pool, made, failures](absl::Time, AttemptDone done) {
          const bool fail = made->fetch_add(1) < failures;
          pool.Post(
              [done, fail] { done(fail ? absl::UnavailableError("refused") : absl::OkStatus()); });
        };
        RunWithRetries(target, /*idempotent=*/true, absl::Now() + absl::Seconds(30), "r",
                       std::move(attempt), [&, i](absl::Status s, CallStats st) {
                         std::lock_guard<std::mutex> lock(mu);
                         const auto k = static_cast<std::size_t>(i);
                         ++done_count[k];
                         attempts[k] = st.attempts;
                         codes[k] = s.code();
                         ++finished;
                         cv.notify_all();
                       });
      }
    });
  }
  for (std::thread& t : callers) t.join();
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return finished == kCalls; }));
  }
  for (std::size_t i = 0; i < kCalls; ++i) {
    const int failures = static_cast<int>(i % 4);
    EXPECT_EQ(done_count[i], 1) << i;
    EXPECT_EQ(attempts[i], std::min(failures + 1, 3)) << i;
    EXPECT_EQ(codes[i], failures < 3 ? absl::StatusCode::kOk : absl::StatusCode::kUnavailable) << i;
  }
}

}  // namespace
}  // namespace kompas::internal
