// Rotating the case record's two secrets without downtime.
//
// The deployment key wraps every participant's data key; the BSN secret keys every BSN hash.
// To rotate, the service is restarted (one replica at a time) with a new current key and secret
// and the old ones as *previous* (KeyFiles in crypto.h):
//
// - Every read keeps working: a wrapped key names the key that wrapped it (format 2) or is tried
//   with each key (format 1, before key ids); a BSN lookup or duplicate check compares the hash
//   under every secret. Everything new is made with the current key and secret only.
// - Lazily: a participant found by a lookup under a previous secret (or without its sealed BSN)
//   gets its row brought up to date right away (LazyBsnRefresh).
// - In the background (KeyRotationJob): batches of participants, each one writer transaction
//   through CaseStore::RunOnWriter, re-wrap data keys with the current deployment key and re-hash
//   BSNs with the current secret, from the BSN kept sealed with the participant's data key
//   (schema 2). The service serves throughout: a batch is one more operation in the writer's
//   queue. Passes repeat until one finds nothing left to change (rows written meanwhile by a
//   replica still on the old keys are caught by the next pass), then the job reports done.
// - Participants from before schema 2 have no sealed BSN: their hash can only be re-made when
//   their BSN is seen again (a lookup). The job counts them as `bsn_pending`; while it is not 0,
//   removing the previous BSN secret makes them unfindable by BSN (still readable by id).
//
// The job writes no audit rows: it changes no participant's content, only how it is wrapped.
// Nothing it logs or reports holds personal data (counts and key ids only).
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_KEY_ROTATION_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_KEY_ROTATION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/caserecord/storage/crypto.h"
#include "services/caserecord/storage/sql.h"
#include "services/caserecord/storage/store.h"

namespace kompas::caserecord::storage {

// Counts over the passes so far (no personal data).
struct RotationProgress {
  int64_t passes = 0;     // Complete passes over every participant.
  int64_t scanned = 0;    // Participants looked at (every pass).
  int64_t rewrapped = 0;  // Data keys re-wrapped with the current deployment key.
  int64_t rehashed = 0;   // BSN hashes re-made with the current secret.
  // The next three count within the current pass (the last one, once done):
  // While previous BSN secrets are configured: BSN hashes the job could not re-make (no sealed
  // BSN, or one whose hash matches none of the configured secrets). A lookup re-hashes them.
  int64_t bsn_pending = 0;
  // Data keys that no configured deployment key opens.
  int64_t unreadable = 0;
  // BSN hashes left as they were because another participant of the organisation already
  // holds the current hash of the same BSN (a duplicate for a person to resolve).
  int64_t bsn_conflicts = 0;
  bool done = false;  // A complete pass found nothing left to re-wrap or re-hash.
};

struct RotationOptions {
  int batch_size = 200;                          // Participants per writer transaction.
  absl::Duration pause = absl::Milliseconds(5);  // Between batches (room for other writes).
  absl::Duration pass_pause = absl::Seconds(5);  // Between passes.
  int max_passes = 100;  // Then it stops and reports itself not done (something keeps changing).
  // Background job: a failed batch (database unreachable …) is retried after this, doubling
  // up to max_retry_delay.
  absl::Duration retry_delay = absl::Seconds(1);
  absl::Duration max_retry_delay = absl::Seconds(60);
  // Called after a batch at most once per report_every, after every pass, and when done.
  absl::Duration report_every = absl::Seconds(10);
  std::function<void(const RotationProgress&)> on_progress;
  // Background job: called with each failed batch's status (to log it; no personal data).
  std::function<void(const absl::Status&)> on_error;
};

// Runs passes until one finds nothing left to change (or max_passes): blocking, on the calling
// thread (tests, tools). Returns the first failed batch's status.
absl::StatusOr<RotationProgress> RunKeyRotation(CaseStore& store, const KeyRing& keys,
                                                const RotationOptions& options);

// The same on its own thread, from construction; a failed batch is retried (with backoff) until
// it succeeds or the job is destroyed. Destroy it before the store.
class KeyRotationJob {
 public:
  KeyRotationJob(CaseStore& store, std::shared_ptr<const KeyRing> keys, RotationOptions options);
  ~KeyRotationJob();  // Stops after the batch in flight.
  KeyRotationJob(const KeyRotationJob&) = delete;
  KeyRotationJob& operator=(const KeyRotationJob&) = delete;

  RotationProgress progress() const;
  // True once done (tests); false after `timeout`.
  bool WaitUntilDone(absl::Duration timeout) const;

 private:
  void Run();
  // Sleeps `d` unless stopped first; false when stopped.
  bool Sleep(absl::Duration d);

  CaseStore& store_;
  const std::shared_ptr<const KeyRing> keys_;
  const RotationOptions options_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;  // Done, or gave up after max_passes.
  RotationProgress progress_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// Start-up check: FAILED_PRECONDITION when participants' data keys are wrapped by a deployment
// key the ring does not hold (an old key removed before its rotation finished, or a wrong file
// given as previous), naming the key ids found and which configured file holds which id.
// Blocking (one read on a reader); UNAVAILABLE etc. passed through.
absl::Status CheckDeploymentKeysCoverDatabase(CaseStore& store, const KeyRing& keys);

// For LookupParticipant: the participant with id `id` was found by `bsn`, its row holding
// `stored_hash` and `stored_sealed_bsn` (empty when none). When the hash is not the current
// secret's, or the sealed BSN is missing or not this BSN, returns the write (for
// CaseStore::RunOnWriter) that brings both up to date — guarded, so it changes nothing when the
// row changed meanwhile, and skipped when another participant already holds the current hash;
// otherwise nullptr.
std::function<absl::Status(SqlConnection&)> LazyBsnRefresh(
    const KeyRing& keys, absl::string_view tenant, absl::string_view id, absl::string_view bsn,
    absl::string_view data_key, absl::string_view stored_hash, absl::string_view stored_sealed_bsn);

// Duplicate checks and lookups by BSN: `column IN ($n, …)` over `hashes` (appended to
// `params`), e.g. "bsn_hash IN ($2, $3)".
std::string BsnHashIn(absl::string_view column, const std::vector<std::string>& hashes,
                      std::vector<SqlValue>& params);

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_KEY_ROTATION_H_
