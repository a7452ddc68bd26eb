// kompas.matching.v1.MatchingService on the shared runtime. Match never blocks a gRPC thread:
// it is a chain of callback calls to job-catalog and budget (the shared client helper: the
// incoming deadline and the caller's token are passed on, idempotent calls retried on
// UNAVAILABLE), finished from the last callback.
//
//   ResolveMunicipality + SearchOccupations (in-process memo, see CatalogMemo)
//     → CalculateIncomeBatch: the current situation and every candidate, with next cliffs
//     → ListCareerSteps for the candidates that need a route (memo, keyed by data version)
//     → CalculateIncomeBatch: every route step (skipped when no route is needed)
//     → RankCandidates (matching_logic.h)
//
// A downstream that is down gives UNAVAILABLE naming it (budget or catalog), within the
// deadline; matching itself stays SERVING (another service is never a critical dependency).
#ifndef KOMPAS_SERVICES_MATCHING_MATCHING_SERVICE_H_
#define KOMPAS_SERVICES_MATCHING_MATCHING_SERVICE_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kompas/budget/v1/budget.grpc.pb.h"
#include "kompas/catalog/v1/catalog.grpc.pb.h"
#include "kompas/matching/v1/matching.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/rpc.h"

namespace kompas::matching {

inline constexpr char kMatchingServiceName[] = "kompas.matching.v1.MatchingService";

using CatalogClient = Downstream<kompas::catalog::v1::CatalogService>;
using BudgetClient = Downstream<kompas::budget::v1::BudgetService>;

// Catalogue answers kept in process. A gemeente's region and its searched occupations are kept
// for `ttl` (a catalogue import shows within that time; every answer names the data version it
// used); career steps are kept per data version, so they are never stale.
class CatalogMemo {
 public:
  struct Region {
    kompas::catalog::v1::ResolveMunicipalityResponse where;
    kompas::catalog::v1::SearchOccupationsResponse found;
  };
  explicit CatalogMemo(absl::Duration ttl = absl::Seconds(10)) : ttl_(ttl) {}

  std::shared_ptr<const Region> FindRegion(const std::string& gemeente_code) const;
  void PutRegion(const std::string& gemeente_code, std::shared_ptr<const Region> region);
  std::shared_ptr<const kompas::catalog::v1::ListCareerStepsResponse> FindSteps(
      const std::string& version, const std::string& occupation) const;
  void PutSteps(const std::string& version, const std::string& occupation,
                std::shared_ptr<const kompas::catalog::v1::ListCareerStepsResponse> steps);

 private:
  struct TimedRegion {
    std::shared_ptr<const Region> region;
    absl::Time fetched;
  };
  const absl::Duration ttl_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, TimedRegion> regions_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string,
                      std::shared_ptr<const kompas::catalog::v1::ListCareerStepsResponse>>
      steps_ ABSL_GUARDED_BY(mu_);  // "version|occupation"
};

struct MatchDeps {
  const CatalogClient* catalog = nullptr;
  const BudgetClient* budget = nullptr;
  CatalogMemo* memo = nullptr;
};

// Runs the whole chain for one profile and calls `done` exactly once, on some thread, with the
// status and, for INVALID_ARGUMENT, the path of the offending field within the profile. `result`
// and `incoming` (may be null) must stay alive until then.
using MatchDone = absl::AnyInvocable<void(absl::Status status, std::string field_path)>;
void RunMatch(const MatchDeps& deps, const v1::MatchProfile& profile, const CallInfo* incoming,
              v1::MatchResult* result, MatchDone done);

inline constexpr int kMaxBatchProfiles = 10'000;

class MatchingServiceImpl final : public v1::MatchingService::CallbackService {
 public:
  // `batch_concurrency`: how many profiles of one MatchBatch are matched at the same time (each
  // costs two budget calls and at most a few catalog calls).
  MatchingServiceImpl(const RpcEnv& env, MatchDeps deps, int batch_concurrency = 16)
      : env_(env), deps_(deps), batch_concurrency_(batch_concurrency) {}

  grpc::ServerUnaryReactor* Match(grpc::CallbackServerContext* ctx, const v1::MatchRequest* request,
                                  v1::MatchResponse* response) override;
  // Streams one MatchBatchResponse per profile as each is ready, at most `batch_concurrency`
  // profiles in flight, one write at a time; a profile's failure is its own ProfileError.
  grpc::ServerWriteReactor<v1::MatchBatchResponse>* MatchBatch(
      grpc::CallbackServerContext* ctx, const v1::MatchBatchRequest* request) override;

 private:
  const RpcEnv& env_;
  MatchDeps deps_;
  int batch_concurrency_;
};

}  // namespace kompas::matching

#endif  // KOMPAS_SERVICES_MATCHING_MATCHING_SERVICE_H_
