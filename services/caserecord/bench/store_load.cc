// caserecord-store-load: acknowledged writes per second through the case-record store's group
// commit, and ListParticipants latency, on SQLite or PostgreSQL. A closed loop: `concurrency`
// CreateParticipant calls are always in flight (each writes the participant, encrypted, plus its
// audit row); a write counts when its callback reports OK, i.e. after its batch committed.
//
//   caserecord-store-load --engine=sqlite --path=/tmp/b/case.db --seconds=10 --concurrency=256
//   caserecord-store-load --engine=postgres --conninfo="host=/tmp/pg dbname=bench" ...
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "services/caserecord/storage/store.h"
#include "services/caserecord/storage/sync.h"

ABSL_FLAG(std::string, engine, "sqlite", "sqlite or postgres");
ABSL_FLAG(std::string, path, "/tmp/caserecord-bench.db", "SQLite file (engine=sqlite)");
ABSL_FLAG(std::string, conninfo, "", "libpq connection string (engine=postgres)");
ABSL_FLAG(bool, synchronous_full, true, "SQLite synchronous=FULL (else NORMAL)");
ABSL_FLAG(int, concurrency, 256, "writes in flight");
ABSL_FLAG(int, seconds, 10, "measured seconds of writing");
ABSL_FLAG(int, preload, 0, "participants to store before measuring (in 4 tenants)");
ABSL_FLAG(int, lists, 2000, "ListParticipants calls to time after the writes");
ABSL_FLAG(int, max_batch, 512, "writes per transaction at most");

namespace kompas::caserecord::storage {
namespace {

Participant Sample(int i) {
  Participant p;
  p.display_name = absl::StrCat("Deelnemer ", i);
  p.contact.phone = "0612345678";
  p.gemeente_code = "GM0014";
  p.intake_date = Date{2025, 3, 1};
  return p;
}

CallContext Ctx(int tenant, int mentor) {
  return CallContext{absl::StrCat("org-", tenant), "bench-token", absl::StrCat("mentor-", mentor),
                     "/kompas.caserecord.v1.CaseRecordService/CreateParticipant"};
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

// Keeps `concurrency` creates in flight for `duration`; returns acknowledged writes and their
// latencies (ms).
struct Run {
  int64_t ok = 0;
  int64_t failed = 0;
  std::vector<double> latencies_ms;
  double seconds = 0;
};

Run Write(CaseStore& store, int concurrency, absl::Duration duration, int tenants) {
  Run run;
  absl::Mutex mu;
  std::atomic<bool> stop{false};
  std::atomic<int> in_flight{0};
  std::atomic<int> counter{0};
  absl::Notification drained;
  std::function<void()> issue;
  issue = [&] {
    const int i = counter.fetch_add(1);
    const absl::Time start = absl::Now();
    in_flight.fetch_add(1);
    store.CreateParticipant(Ctx(i % tenants, i % 40), Sample(i),
                            [&, start](absl::StatusOr<Participant> p) {
                              const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
                              {
                                absl::MutexLock lock(&mu);
                                if (p.ok()) {
                                  ++run.ok;
                                  run.latencies_ms.push_back(ms);
                                } else {
                                  ++run.failed;
                                }
                              }
                              if (!stop.load()) issue();
                              if (in_flight.fetch_sub(1) == 1 && stop.load()) drained.Notify();
                            });
  };
  const absl::Time begin = absl::Now();
  for (int i = 0; i < concurrency; ++i) issue();
  absl::SleepFor(duration);
  {
    absl::MutexLock lock(&mu);
    run.seconds = absl::ToDoubleSeconds(absl::Now() - begin);
    stop = true;
  }
  if (in_flight.load() > 0) drained.WaitForNotification();
  return run;
}

int Main() {
  StoreOptions options;
  options.keys = KeyRing::Random();
  options.max_batch = static_cast<size_t>(absl::GetFlag(FLAGS_max_batch));
  options.write_queue_capacity = 100000;
  const std::string engine = absl::GetFlag(FLAGS_engine);
  absl::StatusOr<std::unique_ptr<CaseStore>> opened =
      engine == "sqlite"
          ? OpenSqliteStore({absl::GetFlag(FLAGS_path), absl::GetFlag(FLAGS_synchronous_full)},
                            options)
          : OpenPostgresStore(absl::GetFlag(FLAGS_conninfo), options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", std::string(opened.status().message()).c_str());
    return 1;
  }
  CaseStore& store = **opened;

  const int preload = absl::GetFlag(FLAGS_preload);
  if (preload > 0) {
    const absl::Time t0 = absl::Now();
    int64_t done = 0;
    while (done < preload) {
      Run r = Write(store, 512, absl::Seconds(1), 4);
      done += r.ok;
      std::fprintf(stderr, "preloaded %lld\n", static_cast<long long>(done));
    }
    std::fprintf(stderr, "preload: %lld in %.1f s\n", static_cast<long long>(done),
                 absl::ToDoubleSeconds(absl::Now() - t0));
  }

  Run run = Write(store, absl::GetFlag(FLAGS_concurrency),
                  absl::Seconds(absl::GetFlag(FLAGS_seconds)), 4);
  std::printf(
      "engine=%s concurrency=%d acknowledged_writes=%lld failed=%lld seconds=%.2f "
      "writes_per_s=%.0f latency_ms p50=%.2f p99=%.2f max=%.2f\n",
      engine.c_str(), absl::GetFlag(FLAGS_concurrency), static_cast<long long>(run.ok),
      static_cast<long long>(run.failed), run.seconds, static_cast<double>(run.ok) / run.seconds,
      Percentile(run.latencies_ms, 0.5), Percentile(run.latencies_ms, 0.99),
      Percentile(run.latencies_ms, 1.0));

  // ListParticipants: one mentor's caseload, first page and next pages, one call at a time.
  std::vector<double> list_ms;
  std::string token;
  for (int i = 0; i < absl::GetFlag(FLAGS_lists); ++i) {
    ParticipantFilter filter;
    filter.mentor = absl::StrCat("mentor-", (i % 10) * 4);  // Mentors of tenant org-0.
    const absl::Time start = absl::Now();
    absl::StatusOr<Page<Participant>> page = Await<Page<Participant>>([&](auto done) {
      store.ListParticipants(Ctx(0, 0), filter, PageRequest{50, ""}, done);
    });
    list_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    if (!page.ok()) {
      std::fprintf(stderr, "list: %s\n", std::string(page.status().message()).c_str());
      return 1;
    }
  }
  std::printf("list_participants page_size=50 calls=%zu latency_ms p50=%.2f p99=%.2f max=%.2f\n",
              list_ms.size(), Percentile(list_ms, 0.5), Percentile(list_ms, 0.99),
              Percentile(list_ms, 1.0));
  return 0;
}

}  // namespace
}  // namespace kompas::caserecord::storage

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return kompas::caserecord::storage::Main();
}
