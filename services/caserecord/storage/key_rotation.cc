#include "services/caserecord/storage/key_rotation.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/caserecord/storage/sync.h"

namespace kompas::caserecord::storage {
namespace {

struct Cursor {
  std::string tenant;
  std::string id;
};

// What one batch did (assigned afresh each time the batch's function runs: the writer may run
// it again alone after a neighbour's failure).
struct BatchResult {
  int64_t scanned = 0;
  int64_t rewrapped = 0;
  int64_t rehashed = 0;
  int64_t bsn_pending = 0;
  int64_t unreadable = 0;
  int64_t bsn_conflicts = 0;
  bool last = false;  // No participant after this batch.
  Cursor next;
};

std::string Param(std::vector<SqlValue>& params, SqlValue value) {
  params.push_back(std::move(value));
  return absl::StrCat("$", params.size());
}

// One participant row: re-wraps its data key and re-hashes its BSN when they are not under the
// current key and secret. Only a failed statement is an error.
absl::Status RotateRow(SqlConnection& c, const KeyRing& keys, const SqlRow& row, BatchResult& out) {
  const std::string& tenant = row.Text(0);
  const std::string& id = row.Text(1);
  const std::string& wrapped = row.Text(2);
  ++out.scanned;
  absl::StatusOr<std::string> data_key =
      keys.UnwrapDataKey(wrapped, ParticipantKeyBinding(tenant, id));
  if (!data_key.ok()) {
    ++out.unreadable;
    return absl::OkStatus();
  }
  const bool rewrap = !keys.IsWrappedWithCurrentKey(wrapped);
  std::string new_hash;
  std::string bsn_plain;  // The sealed BSN, when it is re-hashed (sealed again beside its hash).
  if (!row.IsNull(3)) {
    const std::string& stored = row.Text(3);
    bool pending = true;
    if (!row.IsNull(4)) {
      absl::StatusOr<std::string> bsn = Open(*data_key, row.Text(4), BsnBinding(tenant, id));
      if (bsn.ok()) {
        const std::vector<std::string> hashes = keys.BsnHashes(tenant, *bsn);
        if (stored == hashes.front()) {
          pending = false;
        } else if (std::find(hashes.begin() + 1, hashes.end(), stored) != hashes.end()) {
          // The sealed BSN is the one this hash was made of: re-hash it, unless another
          // participant already holds the current hash (a duplicate; left for a person).
          absl::StatusOr<std::vector<SqlRow>> other = c.Query(
              "SELECT id FROM participants WHERE tenant = $1 AND bsn_hash = $2 AND id <> $3",
              {tenant, Blob{hashes.front()}, id});
          if (!other.ok()) return other.status();
          pending = false;
          if (other->empty()) {
            new_hash = hashes.front();
            bsn_plain = *bsn;
          } else {
            ++out.bsn_conflicts;
          }
        }
      }
    }
    // Without previous secrets every hash is the current secret's (or one no longer known):
    // nothing to wait for.
    if (pending && keys.previous_bsn_secret_count() > 0) ++out.bsn_pending;
  }
  if (!rewrap && new_hash.empty()) return absl::OkStatus();
  // Guarded by the values read, so a row changed meanwhile (another replica) is left alone.
  std::vector<SqlValue> params;
  std::vector<std::string> sets;
  if (rewrap) {
    sets.push_back(absl::StrCat(
        "wrapped_key = ",
        Param(params, Blob{keys.WrapDataKey(*data_key, ParticipantKeyBinding(tenant, id))})));
  }
  if (!new_hash.empty()) {
    sets.push_back(absl::StrCat("bsn_hash = ", Param(params, Blob{new_hash})));
    // Sealed afresh (a new nonce), so the row's trigger sees a new sealed BSN with the new hash
    // and keeps it (migrations.cc).
    sets.push_back(absl::StrCat(
        "bsn_sealed = ", Param(params, Blob{Seal(*data_key, bsn_plain, BsnBinding(tenant, id))})));
  }
  std::string sql =
      absl::StrCat("UPDATE participants SET ", absl::StrJoin(sets, ", "),
                   " WHERE tenant = ", Param(params, tenant), " AND id = ", Param(params, id),
                   " AND wrapped_key = ", Param(params, Blob{wrapped}));
  if (!new_hash.empty()) {
    absl::StrAppend(&sql, " AND bsn_hash = ", Param(params, Blob{row.Text(3)}));
  }
  absl::StatusOr<int64_t> changed = c.Exec(sql, params);
  if (!changed.ok()) return changed.status();
  if (*changed == 1) {
    if (rewrap) ++out.rewrapped;
    if (!new_hash.empty()) ++out.rehashed;
  }
  return absl::OkStatus();
}

absl::Status RotateBatch(SqlConnection& c, const KeyRing& keys, const Cursor& from, int batch_size,
                         BatchResult& out) {
  out = BatchResult{};
  out.next = from;
  absl::StatusOr<std::vector<SqlRow>> rows = c.Query(
      "SELECT tenant, id, wrapped_key, bsn_hash, bsn_sealed FROM participants "
      "WHERE (tenant, id) > ($1, $2) ORDER BY tenant, id LIMIT $3",
      {from.tenant, from.id, int64_t{batch_size}});
  if (!rows.ok()) return rows.status();
  for (const SqlRow& row : *rows) {
    if (absl::Status s = RotateRow(c, keys, row, out); !s.ok()) return s;
    out.next = Cursor{row.Text(0), row.Text(1)};
  }
  out.last = rows->size() < static_cast<size_t>(batch_size);
  return absl::OkStatus();
}

absl::StatusOr<BatchResult> RunBatch(CaseStore& store, const KeyRing& keys, const Cursor& from,
                                     int batch_size) {
  auto result = std::make_shared<BatchResult>();
  absl::Status status = AwaitStatus([&](DoneStatus done) {
    store.RunOnWriter(
        [&keys, from, batch_size, result](SqlConnection& c) {
          return RotateBatch(c, keys, from, batch_size, *result);
        },
        std::move(done));
  });
  if (!status.ok()) return status;
  return *result;
}

// The passes, shared by the blocking call and the background job. `run_batch` runs one batch
// (the job's retries until it succeeds or the job stops); `sleep` waits unless stopped (false
// when stopped); `publish` reports progress.
absl::Status Passes(const RotationOptions& options,
                    const std::function<absl::StatusOr<BatchResult>(const Cursor&)>& run_batch,
                    const std::function<bool(absl::Duration)>& sleep,
                    const std::function<void(const RotationProgress&)>& publish) {
  RotationProgress progress;
  absl::Time last_report = absl::Now();
  for (int pass = 0; pass < std::max(1, options.max_passes); ++pass) {
    if (pass > 0 && !sleep(options.pass_pause)) return absl::CancelledError("stopped");
    progress.bsn_pending = progress.unreadable = progress.bsn_conflicts = 0;
    int64_t changed = 0;
    Cursor cursor;
    for (bool first = true;; first = false) {
      if (!first && !sleep(options.pause)) return absl::CancelledError("stopped");
      absl::StatusOr<BatchResult> batch = run_batch(cursor);
      if (!batch.ok()) return batch.status();
      progress.scanned += batch->scanned;
      progress.rewrapped += batch->rewrapped;
      progress.rehashed += batch->rehashed;
      progress.bsn_pending += batch->bsn_pending;
      progress.unreadable += batch->unreadable;
      progress.bsn_conflicts += batch->bsn_conflicts;
      changed += batch->rewrapped + batch->rehashed;
      cursor = batch->next;
      if (batch->last) break;
      if (absl::Now() - last_report >= options.report_every) {
        last_report = absl::Now();
        publish(progress);
      }
    }
    ++progress.passes;
    progress.done = changed == 0;
    last_report = absl::Now();
    publish(progress);
    if (progress.done) return absl::OkStatus();
  }
  return absl::OkStatus();  // Gave up after max_passes; progress says not done.
}

}  // namespace

absl::StatusOr<RotationProgress> RunKeyRotation(CaseStore& store, const KeyRing& keys,
                                                const RotationOptions& options) {
  RotationProgress last;
  absl::Status status = Passes(
      options,
      [&](const Cursor& from) {
        return RunBatch(store, keys, from, std::max(1, options.batch_size));
      },
      [](absl::Duration d) {
        absl::SleepFor(d);
        return true;
      },
      [&](const RotationProgress& p) {
        last = p;
        if (options.on_progress) options.on_progress(p);
      });
  if (!status.ok()) return status;
  return last;
}

KeyRotationJob::KeyRotationJob(CaseStore& store, std::shared_ptr<const KeyRing> keys,
                               RotationOptions options)
    : store_(store), keys_(std::move(keys)), options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

KeyRotationJob::~KeyRotationJob() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

bool KeyRotationJob::Sleep(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), d);
  return !stopping_;
}

void KeyRotationJob::Run() {
  (void)Passes(
      options_,
      [this](const Cursor& from) -> absl::StatusOr<BatchResult> {
        absl::Duration delay = options_.retry_delay;
        for (;;) {
          absl::StatusOr<BatchResult> batch =
              RunBatch(store_, *keys_, from, std::max(1, options_.batch_size));
          if (batch.ok()) return batch;
          if (options_.on_error) options_.on_error(batch.status());
          if (!Sleep(delay)) return absl::CancelledError("stopped");
          delay = std::min(delay * 2, options_.max_retry_delay);
        }
      },
      [this](absl::Duration d) { return Sleep(d); },
      [this](const RotationProgress& p) {
        {
          absl::MutexLock lock(&mu_);
          progress_ = p;
        }
        if (options_.on_progress) options_.on_progress(p);
      });
  absl::MutexLock lock(&mu_);
  finished_ = true;
  if (!progress_.done && !stopping_ && options_.on_error) {
    options_.on_error(absl::AbortedError(
        absl::StrCat("the rotation did not settle after ", options_.max_passes,
                     " passes (participants kept changing); restart the service to try again")));
  }
}

RotationProgress KeyRotationJob::progress() const {
  absl::MutexLock lock(&mu_);
  return progress_;
}

bool KeyRotationJob::WaitUntilDone(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(
                           +[](const KeyRotationJob* j) ABSL_EXCLUSIVE_LOCKS_REQUIRED(j->mu_) {
                             return j->progress_.done || j->finished_;
                           },
                           this),
                       timeout);
  return progress_.done;
}

absl::Status CheckDeploymentKeysCoverDatabase(CaseStore& store, const KeyRing& keys) {
  return AwaitStatus([&](DoneStatus done) {
    store.RunOnReader(
        [&keys](SqlConnection& c) -> absl::Status {
          // Format 2: the key id is in bytes 2..5; one group per key id.
          absl::StatusOr<std::vector<SqlRow>> groups = c.Query(
              "SELECT substr(wrapped_key, 2, 4), COUNT(*) FROM participants "
              "WHERE substr(wrapped_key, 1, 1) = $1 GROUP BY substr(wrapped_key, 2, 4)",
              {Blob{std::string(1, static_cast<char>(KeyRing::kWrapFormatKeyId))}});
          if (!groups.ok()) return groups.status();
          int64_t unknown = 0;
          std::vector<std::string> unknown_ids;
          for (const SqlRow& g : *groups) {
            if (keys.HasDeploymentKeyId(g.Text(0))) continue;
            unknown += g.Int(1);
            unknown_ids.push_back(absl::BytesToHexString(g.Text(0)));
          }
          if (unknown > 0) {
            return absl::FailedPreconditionError(absl::StrCat(
                "the data keys of ", unknown,
                " participant(s) are wrapped by a deployment key that is not configured (key id ",
                absl::StrJoin(unknown_ids, ", "), "); configured: ", keys.DescribeDeploymentKeys(),
                ". Add the file of that key to --previous_deployment_key_files (or correct a "
                "file given by mistake); remove a previous key only after the rotation reported "
                "done"));
          }
          // Format 1 (before key ids): one sample must open with one of the keys.
          absl::StatusOr<std::vector<SqlRow>> legacy = c.Query(
              "SELECT tenant, id, wrapped_key FROM participants WHERE substr(wrapped_key, 1, 1) = "
              "$1 LIMIT 1",
              {Blob{std::string(1, static_cast<char>(KeyRing::kWrapFormatLegacy))}});
          if (!legacy.ok()) return legacy.status();
          if (!legacy->empty()) {
            const SqlRow& row = legacy->front();
            if (!keys.UnwrapDataKey(row.Text(2), ParticipantKeyBinding(row.Text(0), row.Text(1)))
                     .ok()) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "participants' data keys wrapped before key ids existed open with none of the "
                  "configured deployment keys (",
                  keys.DescribeDeploymentKeys(),
                  "): add the deployment key they were made with to "
                  "--previous_deployment_key_files"));
            }
          }
          return absl::OkStatus();
        },
        std::move(done));
  });
}

std::function<absl::Status(SqlConnection&)> LazyBsnRefresh(
    const KeyRing& keys, absl::string_view tenant, absl::string_view id, absl::string_view bsn,
    absl::string_view data_key, absl::string_view stored_hash,
    absl::string_view stored_sealed_bsn) {
  std::string current = keys.BsnHash(tenant, bsn);
  bool sealed_matches = false;
  if (!stored_sealed_bsn.empty()) {
    absl::StatusOr<std::string> sealed = Open(data_key, stored_sealed_bsn, BsnBinding(tenant, id));
    sealed_matches = sealed.ok() && *sealed == bsn;
  }
  if (stored_hash == current && sealed_matches) return nullptr;
  std::string sealed = Seal(data_key, bsn, BsnBinding(tenant, id));
  return [t = std::string(tenant), pid = std::string(id), current = std::move(current),
          old = std::string(stored_hash), sealed = std::move(sealed)](SqlConnection& c) {
    if (old != current) {
      absl::StatusOr<std::vector<SqlRow>> other =
          c.Query("SELECT id FROM participants WHERE tenant = $1 AND bsn_hash = $2 AND id <> $3",
                  {t, Blob{current}, pid});
      if (!other.ok()) return other.status();
      if (!other->empty()) return absl::OkStatus();  // A duplicate: left for a person.
    }
    return c
        .Exec(
            "UPDATE participants SET bsn_hash = $1, bsn_sealed = $2 WHERE tenant = $3 AND id = $4 "
            "AND bsn_hash = $5",
            {Blob{current}, Blob{sealed}, t, pid, Blob{old}})
        .status();
  };
}

std::string BsnHashIn(absl::string_view column, const std::vector<std::string>& hashes,
                      std::vector<SqlValue>& params) {
  std::vector<std::string> placeholders;
  placeholders.reserve(hashes.size());
  for (const std::string& h : hashes) placeholders.push_back(Param(params, Blob{h}));
  return absl::StrCat(column, " IN (", absl::StrJoin(placeholders, ", "), ")");
}

}  // namespace kompas::caserecord::storage
