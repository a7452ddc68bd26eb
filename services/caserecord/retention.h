// The retention job (issue 10): erases every participant, of every organisation, whose coaching
// was closed longer ago than the retention period. Each erasure goes through
// CaseStore::EraseParticipant (data key destroyed, rows deleted, bytes purged from the files)
// with an audit entry of its own, by the actor "system:retention".
//
// A participant is due when its state is CLOSED and its close_date is more than `closed_days`
// Dutch calendar days before today: with 30 days, one closed on 1 March is kept through 31 March
// and erased from 1 April. A CLOSED participant without a close_date is never due (the period
// has no start). One found due but changed before its erasure (its etag moved on, e.g. reopened)
// is skipped and looked at again on the next run.
#ifndef KOMPAS_SERVICES_CASERECORD_RETENTION_H_
#define KOMPAS_SERVICES_CASERECORD_RETENTION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/caserecord/storage/store.h"

namespace kompas::caserecord {

// The actor of the job's erasures in the access log.
inline constexpr char kRetentionActor[] = "system:retention";

struct RetentionOptions {
  // Erase participants closed more than this many days ago; 0 = the job is off.
  int32_t closed_days = 0;
  // Time between runs; the first run starts when the job starts.
  absl::Duration interval = absl::Hours(24);
  // Participants looked at per query (the job pages through all of them).
  int32_t page_size = 500;
  // The clock (tests).
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

// What one run did. Never holds a name or id: fit for the service log.
struct RetentionReport {
  storage::Date cutoff;  // Participants closed before this day were due.
  int32_t due = 0;       // Found due.
  int32_t erased = 0;
  int32_t skipped = 0;  // Changed or erased by someone else since found: left for the next run.
  int32_t failed = 0;
  absl::Status first_error;  // The first failure (a query or an erasure), OK when none.
};

// One run, blocking (never call it on a gRPC callback thread): finds the due participants with
// CaseStore::RunOnReader and erases each in turn. `stop`, when set, is asked before each
// erasure; true ends the run early.
RetentionReport RunRetention(storage::CaseStore& store, int32_t closed_days, absl::Time now,
                             int32_t page_size = 500, const std::function<bool()>& stop = {});

// Runs RunRetention on its own thread every `interval` while it exists; `on_run` gets each
// report (e.g. to log it). Does nothing when closed_days is 0.
class RetentionJob {
 public:
  RetentionJob(storage::CaseStore& store, RetentionOptions options,
               std::function<void(const RetentionReport&)> on_run);
  ~RetentionJob();  // Stops: waits for a run in progress to finish its current erasure.
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

 private:
  void Loop();

  storage::CaseStore& store_;
  const RetentionOptions options_;
  const std::function<void(const RetentionReport&)> on_run_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace kompas::caserecord

#endif  // KOMPAS_SERVICES_CASERECORD_RETENTION_H_
