#include "services/matching/matching_service.h"

#include <google/protobuf/arena.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/validation.h"
#include "services/matching/matching_logic.h"

namespace kompas::matching {
namespace {

namespace cv1 = ::kompas::catalog::v1;
namespace bv1 = ::kompas::budget::v1;

constexpr MethodSpec kMatch{"kompas.matching.v1.MatchingService/Match", Scope::kCompass};
constexpr MethodSpec kMatchBatch{"kompas.matching.v1.MatchingService/MatchBatch", Scope::kCompass};
const CallOptions kRead{.idempotent = true};  // std::string members: not constexpr in clang 14

// "budget: household.adults[0].age: must be …" → "household.adults[0].age".
std::string FieldOf(absl::string_view message) {
  const std::size_t service = message.find(": ");
  if (service == absl::string_view::npos) return "";
  absl::string_view rest = message.substr(service + 2);
  const std::size_t end = rest.find(": ");
  return end == absl::string_view::npos ? "" : std::string(rest.substr(0, end));
}

google::protobuf::ArenaOptions ArenaOptionsFor64K() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 64 * 1024;
  options.max_block_size = 256 * 1024;
  return options;
}

// One Match: the requests and responses of its calls live here until `done`.
class MatchJob : public std::enable_shared_from_this<MatchJob> {
 public:
  MatchJob(const MatchDeps& deps, const v1::MatchProfile& profile, const CallInfo* incoming,
           v1::MatchResult* result, MatchDone done)
      : deps_(deps),
        profile_(profile),
        incoming_(incoming),
        result_(result),
        done_(std::move(done)) {}

  void Start() {
    std::string field;
    if (absl::Status s = ValidateProfile(profile_, &field); !s.ok()) return Fail(s, field);
    region_ = deps_.memo->FindRegion(profile_.household().gemeente_code());
    if (region_ != nullptr) return Money();
    auto fresh = std::make_shared<CatalogMemo::Region>();
    resolve_.set_query(profile_.household().gemeente_code());
    deps_.catalog->Call(
        &cv1::CatalogService::Stub::async_interface::ResolveMunicipality, &resolve_, &fresh->where,
        kRead, incoming_, [self = shared_from_this(), fresh](absl::Status s) {
          if (s.code() == absl::StatusCode::kNotFound) {
            return self->Fail(InvalidField("profile.household.gemeente_code",
                                           "is not a gemeente known to job-catalog"),
                              "household.gemeente_code");
          }
          if (!s.ok()) return self->Fail(s, "");
          self->Search(fresh);
        });
  }

 private:
  void Search(std::shared_ptr<CatalogMemo::Region> fresh) {
    search_.set_region(fresh->where.region().name());
    search_.set_minimum_demand(cv1::DEMAND_LEVEL_GEMIDDELD);
    search_.set_page_size(1000);
    deps_.catalog->Call(
        &cv1::CatalogService::Stub::async_interface::SearchOccupations, &search_, &fresh->found,
        kRead, incoming_, [self = shared_from_this(), fresh](absl::Status s) {
          if (!s.ok()) return self->Fail(s, "");
          self->deps_.memo->PutRegion(self->profile_.household().gemeente_code(), fresh);
          self->region_ = fresh;
          self->Money();
        });
  }

  // The current situation and every candidate at its entry wage, with the next cliff.
  void Money() {
    candidates_ = SelectCandidates(region_->found);
    const v1::MatchProfile& p = profile_;
    money_req_.set_include_next_cliff(true);
    money_req_.set_omit_notices(true);
    *money_req_.mutable_household() = p.household();
    if (p.has_rule_date()) *money_req_.mutable_rule_date() = p.rule_date();
    *money_req_.mutable_parameter_overrides() = p.parameter_overrides();
    const kompas::type::v1::Adult& seeker = p.household().adults(p.job_seeker() - 1);
    bv1::WorkScenario* now = money_req_.add_scenarios();
    now->set_scenario_id("nu");
    bv1::AdultWork* w = now->add_work();
    w->set_adult_number(p.job_seeker());
    *w->mutable_gross_hourly_wage() = seeker.gross_hourly_wage();
    w->set_minutes_per_week(seeker.minutes_per_week());
    wages_.reserve(candidates_.size());
    for (const cv1::Occupation* o : candidates_) {
      wages_.push_back(EntryWage(*o));
      bv1::WorkScenario* s = money_req_.add_scenarios();
      s->set_scenario_id(o->brc_code());
      bv1::AdultWork* work = s->add_work();
      work->set_adult_number(p.job_seeker());
      *work->mutable_gross_hourly_wage() = wages_.back().gross_hourly_wage();
      work->set_minutes_per_week(p.available_minutes_per_week());
    }
    deps_.budget->Call(
        &bv1::BudgetService::Stub::async_interface::CalculateIncomeBatch, &money_req_, &money_,
        kRead, incoming_, [self = shared_from_this()](absl::Status s) {
          if (s.code() == absl::StatusCode::kInvalidArgument) {
            // The household, rule date and overrides are the caller's; a scenario is
            // matching's own (a bug, not bad input).
            const std::string field = FieldOf(s.message());
            if (!absl::StartsWith(field, "household") && !absl::StartsWith(field, "rule_date") &&
                !absl::StartsWith(field, "parameter_overrides")) {
              return self->Fail(absl::InternalError(s.message()), "");
            }
            // Said as a path in the caller's own request, as the profile's other rules are
            // ("profile.household.adults[0].birth_date: …", not "budget: household…"), so
            // that callers (the gateway, case-record) can name the field.
            absl::string_view rule = s.message();
            rule.remove_prefix(std::min(rule.size(), rule.find(": ") + 2 + field.size()));
            return self->Fail(absl::InvalidArgumentError(absl::StrCat("profile.", field, rule)),
                              field);
          }
          if (!s.ok()) return self->Fail(s, "");
          if (self->money_.results_size() != static_cast<int>(self->candidates_.size()) + 1) {
            return self->Fail(absl::InternalError("budget: wrong number of results"), "");
          }
          self->Steps();
        });
  }

  // Career steps for the candidates that need a route (memo first, the rest in parallel).
  void Steps() {
    const std::int64_t required = money_.required_budget().total().cents();
    const std::string& version = region_->found.provenance().data_version();
    steps_.resize(candidates_.size());
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
      const cv1::Occupation& o = *candidates_[i];
      const bool lonend =
          money_.results(static_cast<int>(i) + 1).calculation().disposable_income().cents() >=
          required;
      const bool reachable = o.education().level() == cv1::EDUCATION_LEVEL_UNSPECIFIED ||
                             profile_.education_level() >= o.education().level();
      if (lonend && reachable) continue;
      const std::string name = absl::StrCat("occupations/", o.brc_code());
      steps_[i] = deps_.memo->FindSteps(version, name);
      if (steps_[i] == nullptr) missing.push_back(i);
    }
    if (missing.empty()) return Routes();
    pending_steps_.store(static_cast<int>(missing.size()));
    step_reqs_.resize(candidates_.size());
    step_resps_.resize(candidates_.size());
    for (std::size_t i : missing) {
      step_reqs_[i].set_parent(absl::StrCat("occupations/", candidates_[i]->brc_code()));
      step_reqs_[i].set_max_depth(1);
      step_resps_[i] = std::make_shared<cv1::ListCareerStepsResponse>();
      deps_.catalog->Call(&cv1::CatalogService::Stub::async_interface::ListCareerSteps,
                          &step_reqs_[i], step_resps_[i].get(), kRead, incoming_,
                          [self = shared_from_this(), i, version](absl::Status s) {
                            if (s.ok()) {
                              self->deps_.memo->PutSteps(version, self->step_reqs_[i].parent(),
                                                         self->step_resps_[i]);
                              self->steps_[i] = self->step_resps_[i];
                            } else {
                              absl::MutexLock lock(&self->mu_);
                              if (self->steps_error_.ok()) self->steps_error_ = s;
                            }
                            if (self->pending_steps_.fetch_sub(1) != 1) return;
                            absl::Status first;
                            {
                              absl::MutexLock lock(&self->mu_);
                              first = self->steps_error_;
                            }
                            if (!first.ok()) return self->Fail(first, "");
                            self->Routes();
                          });
    }
  }

  // Plans the routes and prices their steps.
  void Routes() {
    const std::int64_t required = money_.required_budget().total().cents();
    static const cv1::ListCareerStepsResponse kNoSteps;
    evaluated_.resize(candidates_.size());
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
      Evaluated& e = evaluated_[i];
      e.occupation = candidates_[i];
      e.wage = wages_[i];
      e.money = &money_.results(static_cast<int>(i) + 1);
      const bool lonend = e.money->calculation().disposable_income().cents() >= required;
      e.plan = BuildRoutePlan(profile_, *candidates_[i], lonend,
                              steps_[i] != nullptr ? *steps_[i] : kNoSteps, all_occupations());
      for (const PlannedStep& step : e.plan.steps) {
        bv1::WorkScenario* s = route_req_.add_scenarios();
        s->set_scenario_id(absl::StrCat(i, "/", step.occupation));
        bv1::AdultWork* work = s->add_work();
        work->set_adult_number(profile_.job_seeker());
        *work->mutable_gross_hourly_wage() = step.wage.gross_hourly_wage();
        work->set_minutes_per_week(profile_.available_minutes_per_week());
      }
    }
    if (route_req_.scenarios_size() == 0) return Assemble();
    *route_req_.mutable_household() = profile_.household();
    route_req_.set_omit_notices(true);
    if (profile_.has_rule_date()) *route_req_.mutable_rule_date() = profile_.rule_date();
    *route_req_.mutable_parameter_overrides() = profile_.parameter_overrides();
    deps_.budget->Call(
        &bv1::BudgetService::Stub::async_interface::CalculateIncomeBatch, &route_req_,
        &route_money_, kRead, incoming_, [self = shared_from_this()](absl::Status s) {
          if (!s.ok()) return self->Fail(s, "");
          if (self->route_money_.results_size() != self->route_req_.scenarios_size()) {
            return self->Fail(absl::InternalError("budget: wrong number of results"), "");
          }
          self->Assemble();
        });
  }

  const std::vector<const cv1::Occupation*>& all_occupations() {
    if (all_.empty()) {
      for (const cv1::Occupation& o : region_->found.occupations()) all_.push_back(&o);
    }
    return all_;
  }

  void Assemble() {
    int next = 0;
    for (Evaluated& e : evaluated_) {
      for (std::size_t k = 0; k < e.plan.steps.size(); ++k)
        e.route_money.push_back(&route_money_.results(next++));
    }
    const std::int64_t required = money_.required_budget().total().cents();
    v1::MatchResult& r = *result_;
    r.set_profile_id(profile_.profile_id());
    r.mutable_required_budget()->set_cents(required);
    const std::int64_t now = money_.results(0).calculation().disposable_income().cents();
    r.mutable_current_disposable_income()->set_cents(now);
    r.mutable_current_margin()->set_cents(now - required);
    r.set_region(region_->where.region().name());
    *r.mutable_basis() = money_.basis();
    *r.mutable_data() = region_->found.provenance();
    RankCandidates(profile_, evaluated_, required, region_->where.region().display_name(), r);
    Finish(absl::OkStatus(), "");
  }

  // A downstream's UNAVAILABLE names the service but not its internal address, which the
  // shared client puts in ("budget (10.0.0.5:5001) is unavailable after 3 attempts: …"):
  // member organisations' systems see only "budget is unavailable".
  void Fail(const absl::Status& status, std::string field) {
    if (status.code() == absl::StatusCode::kUnavailable) {
      const absl::string_view message = status.message();
      const std::size_t paren = message.find(" (");
      if (paren != absl::string_view::npos && paren < 40) {
        return Finish(absl::UnavailableError(absl::StrCat(message.substr(0, paren),
                                                          " is unavailable; try again shortly")),
                      std::move(field));
      }
    }
    Finish(status, std::move(field));
  }

  void Finish(const absl::Status& status, std::string field) {
    if (finished_.exchange(true)) return;
    MatchDone done = std::move(done_);
    done(status, std::move(field));
  }

  const MatchDeps deps_;
  const v1::MatchProfile& profile_;
  const CallInfo* incoming_;
  v1::MatchResult* result_;
  MatchDone done_;
  std::atomic<bool> finished_{false};

  std::shared_ptr<const CatalogMemo::Region> region_;
  cv1::ResolveMunicipalityRequest resolve_;
  cv1::SearchOccupationsRequest search_;
  std::vector<const cv1::Occupation*> candidates_;
  std::vector<const cv1::Occupation*> all_;
  std::vector<v1::WageUsed> wages_;
  // The budget requests and answers (~60 scenario results each, parsed and freed once per
  // Match) live on an arena: one block allocation instead of thousands of small ones.
  google::protobuf::Arena arena_{ArenaOptionsFor64K()};
  bv1::CalculateIncomeBatchRequest& money_req_ =
      *google::protobuf::Arena::CreateMessage<bv1::CalculateIncomeBatchRequest>(&arena_);
  bv1::CalculateIncomeBatchResponse& money_ =
      *google::protobuf::Arena::CreateMessage<bv1::CalculateIncomeBatchResponse>(&arena_);
  std::vector<std::shared_ptr<const cv1::ListCareerStepsResponse>> steps_;
  std::vector<cv1::ListCareerStepsRequest> step_reqs_;
  std::vector<std::shared_ptr<cv1::ListCareerStepsResponse>> step_resps_;
  std::atomic<int> pending_steps_{0};
  absl::Mutex mu_;
  absl::Status steps_error_ ABSL_GUARDED_BY(mu_);
  std::vector<Evaluated> evaluated_;
  bv1::CalculateIncomeBatchRequest& route_req_ =
      *google::protobuf::Arena::CreateMessage<bv1::CalculateIncomeBatchRequest>(&arena_);
  bv1::CalculateIncomeBatchResponse& route_money_ =
      *google::protobuf::Arena::CreateMessage<bv1::CalculateIncomeBatchResponse>(&arena_);
};

// One MatchBatch stream. Deleted in OnDone, which gRPC calls after Finish.
//
// Lifetime: `in_flight_` counts tokens — one per profile being matched, one for the pump that
// launches profiles. Whoever holds a token may touch the reactor; the stream is finished only
// when no token is held, no write is pending and nothing is queued, by the thread that releases
// the last token (or ends the last write). Profiles are launched by one pump at a time (a
// profile that fails synchronously does not start a nested pump, so no recursion), at most
// `concurrency_` at once and only while fewer than `concurrency_` answers wait to be written
// (backpressure toward a slow reader).
class MatchBatchReactor final : public grpc::ServerWriteReactor<v1::MatchBatchResponse> {
 public:
  MatchBatchReactor(const RpcEnv& env, const MatchDeps& deps, int concurrency,
                    grpc::CallbackServerContext* ctx, const v1::MatchBatchRequest* request)
      : env_(env), deps_(deps), concurrency_(concurrency), request_(request), start_(absl::Now()) {
    absl::StatusOr<CallInfo> info = AuthenticateCall(env_, ctx, kMatchBatch, start_);
    if (!info.ok()) {
      Finish(ToGrpcStatus(info.status()));
      return;
    }
    info_ = *std::move(info);
    if (absl::Status s = CheckRequest(); !s.ok()) {
      FinishNow(s);
      return;
    }
    slots_.resize(static_cast<std::size_t>(request_->profiles_size()));
    bool pump = false;
    {
      absl::MutexLock lock(&mu_);
      pump = TakePumpLocked();
    }
    if (pump) Pump();
  }

  void OnWriteDone(bool ok) override {
    bool write = false;
    bool pump = false;
    bool finish = false;
    {
      absl::MutexLock lock(&mu_);
      if (!ok) {  // the stream is broken: nothing more can be written
        cancelled_ = true;
        queue_.clear();
      }
      if (!cancelled_ && !queue_.empty()) {
        current_ = std::move(queue_.front());
        queue_.pop_front();
        write = true;
      } else {
        writing_ = false;
      }
      pump = TakePumpLocked();  // room in the queue again
      finish = !write && !pump && ReadyToFinishLocked();
    }
    if (write) StartWrite(&current_);
    if (pump) {
      Pump();
    } else if (finish) {
      FinishStream();
    }
  }

  void OnCancel() override {
    bool finish = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      queue_.clear();
      finish = ReadyToFinishLocked();
    }
    if (finish) FinishStream();
  }

  void OnDone() override { delete this; }

 private:
  absl::Status CheckRequest() {
    const int n = request_->profiles_size();
    if (n < 1 || n > kMaxBatchProfiles) {
      return InvalidField("profiles",
                          absl::StrCat("must hold 1 to ", kMaxBatchProfiles, " profiles"));
    }
    absl::flat_hash_map<std::string, int> seen;
    for (int i = 0; i < n; ++i) {
      const std::string& id = request_->profiles(i).profile_id();
      const std::string field = absl::StrCat("profiles[", i, "].profile_id");
      if (id.empty()) return InvalidField(field, "is required in MatchBatch");
      if (!seen.emplace(id, i).second) {
        return InvalidField(field, absl::StrCat("is also used by profiles[", seen[id], "]"));
      }
    }
    return absl::OkStatus();
  }

  bool CanLaunchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !cancelled_ && next_ < request_->profiles_size() && running_ < concurrency_ &&
           static_cast<int>(queue_.size()) < concurrency_;
  }

  // The pump token, if no pump runs and there is something to launch.
  bool TakePumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (pumping_ || !CanLaunchLocked()) return false;
    pumping_ = true;
    ++in_flight_;
    return true;
  }

  // Runs with the pump token: launches profiles while it may, then releases the token.
  void Pump() {
    for (;;) {
      int index = 0;
      {
        absl::MutexLock lock(&mu_);
        if (!CanLaunchLocked()) {
          pumping_ = false;
          break;
        }
        index = next_++;
        ++running_;
        ++in_flight_;  // the profile's token
      }
      auto& slot = slots_[static_cast<std::size_t>(index)];
      slot = std::make_unique<v1::MatchBatchResponse>();
      slot->set_profile_index(index);
      slot->set_profile_id(request_->profiles(index).profile_id());
      RunMatch(deps_, request_->profiles(index), &info_, slot->mutable_result(),
               [this, index](absl::Status status, std::string field) {
                 ProfileDone(index, status, std::move(field));
               });
    }
    Release();
  }

  // Runs with the profile's token.
  void ProfileDone(int index, const absl::Status& status, std::string field) {
    std::unique_ptr<v1::MatchBatchResponse> out =
        std::move(slots_[static_cast<std::size_t>(index)]);
    if (!status.ok()) {
      out->clear_result();
      v1::ProfileError* e = out->mutable_error();
      e->set_code(static_cast<std::int32_t>(status.code()));
      e->set_message(std::string(status.message()));
      e->set_field_path(std::move(field));
    }
    bool write = false;
    bool pump = false;
    {
      absl::MutexLock lock(&mu_);
      --running_;
      if (!cancelled_) {
        if (!writing_) {
          writing_ = true;
          current_ = std::move(*out);
          write = true;
        } else {
          queue_.push_back(std::move(*out));
        }
      }
      pump = TakePumpLocked();
    }
    // This profile's token keeps the reactor alive through all three.
    if (write) StartWrite(&current_);
    if (pump) Pump();
    Release();
  }

  // Gives a token back; the last one out finishes the stream when all is written.
  void Release() {
    bool finish = false;
    {
      absl::MutexLock lock(&mu_);
      --in_flight_;
      finish = ReadyToFinishLocked();
    }
    if (finish) FinishStream();
  }

  bool ReadyToFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || in_flight_ > 0 || writing_ || !queue_.empty()) return false;
    if (!cancelled_ && next_ < request_->profiles_size()) return false;
    finished_ = true;
    return true;
  }

  void FinishStream() {
    bool cancelled = false;
    {
      absl::MutexLock lock(&mu_);
      cancelled = cancelled_;
    }
    FinishNow(cancelled ? absl::CancelledError("the caller cancelled the stream")
                        : absl::OkStatus());
  }

  // The last thing done with the reactor: gRPC may delete it right after Finish.
  void FinishNow(const absl::Status& status) {
    LogCallEnd(env_, kMatchBatch, info_, status.code(), start_);
    Finish(ToGrpcStatus(status));
  }

  const RpcEnv& env_;
  const MatchDeps deps_;
  const int concurrency_;
  const v1::MatchBatchRequest* request_;
  const absl::Time start_;
  CallInfo info_;
  std::vector<std::unique_ptr<v1::MatchBatchResponse>> slots_;
  absl::Mutex mu_;
  int next_ ABSL_GUARDED_BY(mu_) = 0;
  int running_ ABSL_GUARDED_BY(mu_) = 0;    // profiles being matched
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;  // tokens: running profiles and the pump
  bool pumping_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<v1::MatchBatchResponse> queue_ ABSL_GUARDED_BY(mu_);
  v1::MatchBatchResponse current_;  // the response being written
};

}  // namespace

std::shared_ptr<const CatalogMemo::Region> CatalogMemo::FindRegion(
    const std::string& gemeente_code) const {
  absl::MutexLock lock(&mu_);
  auto it = regions_.find(gemeente_code);
  if (it == regions_.end() || absl::Now() - it->second.fetched > ttl_) return nullptr;
  return it->second.region;
}

void CatalogMemo::PutRegion(const std::string& gemeente_code,
                            std::shared_ptr<const Region> region) {
  absl::MutexLock lock(&mu_);
  regions_[gemeente_code] = {std::move(region), absl::Now()};
}

std::shared_ptr<const cv1::ListCareerStepsResponse> CatalogMemo::FindSteps(
    const std::string& version, const std::string& occupation) const {
  absl::MutexLock lock(&mu_);
  auto it = steps_.find(absl::StrCat(version, "|", occupation));
  return it == steps_.end() ? nullptr : it->second;
}

void CatalogMemo::PutSteps(const std::string& version, const std::string& occupation,
                           std::shared_ptr<const cv1::ListCareerStepsResponse> steps) {
  absl::MutexLock lock(&mu_);
  steps_[absl::StrCat(version, "|", occupation)] = std::move(steps);
}

void RunMatch(const MatchDeps& deps, const v1::MatchProfile& profile, const CallInfo* incoming,
              v1::MatchResult* result, MatchDone done) {
  std::make_shared<MatchJob>(deps, profile, incoming, result, std::move(done))->Start();
}

grpc::ServerUnaryReactor* MatchingServiceImpl::Match(grpc::CallbackServerContext* ctx,
                                                     const v1::MatchRequest* request,
                                                     v1::MatchResponse* response) {
  return ServeUnaryAsync(
      env_, ctx, kMatch, [this, request, response](std::unique_ptr<PendingCall> call) {
        if (!request->has_profile()) return call->Finish(InvalidField("profile", "is required"));
        PendingCall* raw = call.release();
        RunMatch(deps_, request->profile(), &raw->info(), response->mutable_result(),
                 [raw](absl::Status status, std::string) {
                   std::unique_ptr<PendingCall> owned(raw);
                   owned->Finish(status);
                 });
      });
}

grpc::ServerWriteReactor<v1::MatchBatchResponse>* MatchingServiceImpl::MatchBatch(
    grpc::CallbackServerContext* ctx, const v1::MatchBatchRequest* request) {
  return new MatchBatchReactor(env_, deps_, batch_concurrency_, ctx, request);
}

}  // namespace kompas::matching
