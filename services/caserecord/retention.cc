#include "services/caserecord/retention.h"

#include <algorithm>
#include <future>
#include <memory>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/caserecord/storage/sql.h"
#include "services/caserecord/storage/sync.h"

namespace kompas::caserecord {
namespace {

namespace st = ::kompas::caserecord::storage;

constexpr int64_t kStateClosed = static_cast<int64_t>(st::ParticipantState::kClosed);
constexpr char kEraseMethod[] = "/kompas.caserecord.v1.CaseRecordService/EraseParticipant";

struct Due {
  std::string tenant;
  std::string id;
  std::string etag;  // The version found: an erasure after a change is refused (ABORTED).
};

// The next page of due participants after (tenant, id), in (tenant, id) order.
absl::StatusOr<std::vector<Due>> FindDue(st::CaseStore& store, int64_t cutoff_key,
                                         const std::string& after_tenant,
                                         const std::string& after_id, int32_t limit) {
  auto found = std::make_shared<std::vector<Due>>();
  absl::Status status = st::AwaitStatus([&](st::DoneStatus done) {
    store.RunOnReader(
        [found, cutoff_key, after_tenant, after_id, limit](st::SqlConnection& c) -> absl::Status {
          absl::StatusOr<std::vector<st::SqlRow>> rows = c.Query(
              "SELECT tenant, id, version FROM participants "
              "WHERE state = $1 AND close_date > 0 AND close_date < $2 AND (tenant, id) > ($3, $4) "
              "ORDER BY tenant, id LIMIT $5",
              {kStateClosed, cutoff_key, after_tenant, after_id, int64_t{limit}});
          if (!rows.ok()) return rows.status();
          for (const st::SqlRow& row : *rows) {
            found->push_back(Due{row.Text(0), row.Text(1), row.Text(2)});
          }
          return absl::OkStatus();
        },
        std::move(done));
  });
  if (!status.ok()) return status;
  return std::move(*found);
}

}  // namespace

RetentionReport RunRetention(st::CaseStore& store, int32_t closed_days, absl::Time now,
                             int32_t page_size, const std::function<bool()>& stop) {
  RetentionReport report;
  const st::Date today = st::Date::FromTime(now);
  const absl::CivilDay cutoff =
      absl::CivilDay(today.year, today.month, today.day) - std::max(0, closed_days);
  report.cutoff = st::Date{static_cast<int32_t>(cutoff.year()), cutoff.month(), cutoff.day()};
  if (closed_days <= 0) return report;
  const auto fail = [&report](absl::Status s) {
    ++report.failed;
    if (report.first_error.ok()) report.first_error = std::move(s);
  };
  std::string after_tenant;
  std::string after_id;
  for (;;) {
    absl::StatusOr<std::vector<Due>> page =
        FindDue(store, report.cutoff.ToKey(), after_tenant, after_id, std::max(1, page_size));
    if (!page.ok()) {
      fail(page.status());
      return report;
    }
    if (stop && stop()) return report;
    // The page's erasures are queued together, so the writer commits them in one transaction
    // and purges the database files once for all of them (store.h, EraseParticipant).
    std::vector<std::future<absl::StatusOr<st::EraseResult>>> results;
    results.reserve(page->size());
    for (const Due& due : *page) {
      ++report.due;
      const st::CallContext ctx{due.tenant, "", kRetentionActor, kEraseMethod};
      auto promise = std::make_shared<std::promise<absl::StatusOr<st::EraseResult>>>();
      results.push_back(promise->get_future());
      store.EraseParticipant(
          ctx, due.id, due.etag, st::ErasureReason::kRetentionExpired,
          [promise](absl::StatusOr<st::EraseResult> r) { promise->set_value(std::move(r)); });
    }
    for (std::future<absl::StatusOr<st::EraseResult>>& result : results) {
      absl::StatusOr<st::EraseResult> erased = result.get();
      if (erased.ok()) {
        ++report.erased;
      } else if (absl::IsAborted(erased.status()) || absl::IsNotFound(erased.status())) {
        ++report.skipped;
      } else {
        fail(erased.status());
      }
    }
    if (page->size() < static_cast<size_t>(std::max(1, page_size))) return report;
    after_tenant = page->back().tenant;
    after_id = page->back().id;
  }
}

RetentionJob::RetentionJob(st::CaseStore& store, RetentionOptions options,
                           std::function<void(const RetentionReport&)> on_run)
    : store_(store), options_(std::move(options)), on_run_(std::move(on_run)) {
  if (options_.closed_days > 0) thread_ = std::thread([this] { Loop(); });
}

RetentionJob::~RetentionJob() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void RetentionJob::Loop() {
  const auto stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  for (;;) {
    RetentionReport report =
        RunRetention(store_, options_.closed_days, options_.now(), options_.page_size, stopping);
    if (stopping()) return;
    if (on_run_) on_run_(report);
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval);
    if (stopping_) return;
  }
}

}  // namespace kompas::caserecord
