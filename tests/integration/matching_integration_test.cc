// kompas-matching with a real kompas-budget, kompas-catalog and redis-server: the Career Compass
// for a single parent in Maastricht agrees with budget called directly, never ranks a job that
// pays more gross but leaves less net above the other, finds a route that becomes lonend, refuses
// bad profiles naming the field, and survives budget going away and coming back.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "kompas/budget/v1/budget.grpc.pb.h"
#include "kompas/matching/v1/matching.grpc.pb.h"
#include "tests/integration/service_process.h"
#include "tests/support/redis_server.h"

namespace kompas::testing {
namespace {

namespace bv1 = ::kompas::budget::v1;
namespace cv1 = ::kompas::catalog::v1;
namespace mv1 = ::kompas::matching::v1;
namespace tv1 = ::kompas::type::v1;
using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

const std::string kBin = std::string(KOMPAS_BIN_DIR) + "/services/";

// A port that was free a moment ago, for a service that must come back on the same address.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Single parent, 34, children of 4 and 9, Maastricht, kale huur € 750, a debt arrangement of
// € 1.100 a month: on bijstand she falls short, so some jobs pay and some need a route.
tv1::Household SingleParentInMaastricht() {
  tv1::Household h;
  h.set_gemeente_code("GM0935");
  tv1::Adult* a = h.add_adults();
  a->mutable_birth_date()->set_year(1992);
  a->mutable_birth_date()->set_month(4);
  a->mutable_birth_date()->set_day(12);
  a->mutable_health_premium()->set_cents(15'900);
  for (int year : {2021, 2016}) {
    tv1::Date* d = h.add_children()->mutable_birth_date();
    d->set_year(year);
    d->set_month(6);
    d->set_day(1);
  }
  h.mutable_housing()->set_tenure(tv1::HOUSING_TENURE_RENTED);
  h.mutable_housing()->set_self_contained(true);
  h.mutable_housing()->mutable_bare_rent()->set_cents(75'000);
  h.mutable_housing()->mutable_energy()->set_cents(16'000);
  tv1::FixedCost* debt = h.add_fixed_costs();
  debt->set_description("schuldregeling");
  debt->mutable_monthly_amount()->set_cents(110'000);
  return h;
}

mv1::MatchProfile Profile(int hours) {
  mv1::MatchProfile p;
  p.set_profile_id("p-1");
  *p.mutable_household() = SingleParentInMaastricht();
  p.set_job_seeker(1);
  p.set_education_level(cv1::EDUCATION_LEVEL_NLQF_1);
  p.set_available_minutes_per_week(hours * 60);
  p.set_max_training_months(24);
  p.set_max_candidates(100);
  p.mutable_rule_date()->set_year(2026);
  p.mutable_rule_date()->set_month(3);
  p.mutable_rule_date()->set_day(1);
  return p;
}

class MatchingIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTempDir("matching-it");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    absl::StatusOr<std::unique_ptr<RedisServer>> redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    tokens_ = std::make_unique<TokensFile>(dir_ + "/tokens.jsonl");
    token_ = tokens_->Add("gm0935", {Scope::kCompass});
    budget_port_ = FreePort();
    ASSERT_GT(budget_port_, 0);
    StartBudget();
    catalog_ = Start("catalog", CatalogDataArgs());
    ASSERT_NE(catalog_, nullptr);
    matching_ =
        Start("matching", {absl::StrCat("--budget_address=127.0.0.1:", budget_port_),
                           "--catalog_address=" + catalog_->address(), "--downstream_timeout=1s"});
    ASSERT_NE(matching_, nullptr);
    stub_ = mv1::MatchingService::NewStub(matching_->channel());
  }
  void TearDown() override {
    matching_.reset();
    catalog_.reset();
    budget_.reset();
    redis_.reset();
    RemoveTree(dir_).IgnoreError();
  }
  std::unique_ptr<ServiceProcess> Start(const std::string& name, std::vector<std::string> args) {
    ServiceOptions options;
    options.binary = kBin + name + "/kompas-" + name;
    options.tokens_file = tokens_->path();
    options.output_path = absl::StrCat(dir_, "/", name, "-", ++starts_, ".log");
    options.args = std::move(args);
    options.args.push_back("--redis=" + redis_->url());
    absl::StatusOr<std::unique_ptr<ServiceProcess>> p = ServiceProcess::Start(options);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : nullptr;
  }
  void StartBudget() {
    std::vector<std::string> args = BudgetDataArgs();
    args.push_back(absl::StrCat("--listen=127.0.0.1:", budget_port_));
    budget_ = Start("budget", std::move(args));
    ASSERT_NE(budget_, nullptr);
    ASSERT_EQ(budget_->port(), budget_port_);
  }
  grpc::Status Match(const mv1::MatchProfile& profile, mv1::MatchResponse* resp,
                     absl::Duration deadline = absl::Seconds(5)) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    AddBearer(ctx, token_);
    mv1::MatchRequest req;
    *req.mutable_profile() = profile;
    return stub_->Match(&ctx, req, resp);
  }

  // Budget called directly: the household's income with adult `adult` (1-based) at `wage` and
  // `minutes` (or as the household says, when `adult` is 0).
  bv1::IncomeCalculation DirectIncome(const mv1::MatchProfile& p, int adult = 0,
                                      const tv1::Money& wage = {}, std::int32_t minutes = 0) {
    bv1::CalculateIncomeRequest direct;
    *direct.mutable_household() = p.household();
    *direct.mutable_rule_date() = p.rule_date();
    if (adult > 0) {
      tv1::Adult* a = direct.mutable_household()->mutable_adults(adult - 1);
      *a->mutable_gross_hourly_wage() = wage;
      a->set_minutes_per_week(minutes);
    }
    bv1::CalculateIncomeResponse money;
    grpc::ClientContext ctx;
    AddBearer(ctx, token_);
    grpc::Status s =
        bv1::BudgetService::NewStub(budget_->channel())->CalculateIncome(&ctx, direct, &money);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return money.calculation();
  }

  std::string dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<TokensFile> tokens_;
  std::string token_;
  int budget_port_ = 0;
  int starts_ = 0;
  std::unique_ptr<ServiceProcess> budget_;
  std::unique_ptr<ServiceProcess> catalog_;
  std::unique_ptr<ServiceProcess> matching_;
  std::unique_ptr<mv1::MatchingService::Stub> stub_;
};

TEST_F(MatchingIntegrationTest, EveryLonendFlagAgreesWithBudgetCalledDirectly) {
  mv1::MatchResponse resp;
  grpc::Status s = Match(Profile(20), &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const mv1::MatchResult& r = resp.result();
  EXPECT_EQ(r.profile_id(), "p-1");
  EXPECT_EQ(r.region(), "regions/AM30");
  ASSERT_GE(r.candidates_size(), 10);
  EXPECT_TRUE(r.data().sample_data()) << "demand is sample data and the answer says so";
  EXPECT_TRUE(r.basis().local_schemes().included()) << "Maastricht has a schemes file";
  EXPECT_LT(r.current_margin().cents(), 0) << "on bijstand she falls short";
  for (const mv1::Candidate& c : r.candidates()) {
    const bv1::IncomeCalculation money =
        DirectIncome(Profile(20), 1, c.wage().gross_hourly_wage(), c.minutes_per_week());
    EXPECT_EQ(c.disposable_income().cents(), money.disposable_income().cents()) << c.title();
    EXPECT_EQ(c.lonend(), money.lonend()) << c.title();
  }
}

// At 24 hours some jobs just below the end of bijstand leave more than better-paid ones just above
// it (the Maastricht individuele inkomenstoeslag and kwijtschelding stop there): the better-paid
// one never ranks above, and its reasons say why.
TEST_F(MatchingIntegrationTest, MoreGrossButLessNetRanksBelowAndSaysSo) {
  mv1::MatchResponse resp;
  ASSERT_TRUE(Match(Profile(24), &resp).ok());
  const auto& cs = resp.result().candidates();
  int demoted = 0;
  for (int i = 0; i < cs.size(); ++i) {
    EXPECT_EQ(cs[i].rank(), i + 1);
    for (int j = i + 1; j < cs.size(); ++j) {
      const bool reachable_i = cs[i].reachable_now() || cs[i].score().reachability() > 0;
      const bool reachable_j = cs[j].reachable_now() || cs[j].score().reachability() > 0;
      if (reachable_i != reachable_j) continue;  // reachable ones first, whatever they pay
      EXPECT_FALSE(cs[i].wage().gross_hourly_wage().cents() >
                       cs[j].wage().gross_hourly_wage().cents() &&
                   cs[i].disposable_income().cents() < cs[j].disposable_income().cents())
          << cs[i].title() << " (#" << i + 1 << ") pays more but leaves less than "
          << cs[j].title();
    }
    for (const std::string& reason : cs[i].reasons()) {
      if (absl::StrContains(reason, "betaalt bruto meer per uur")) ++demoted;
    }
  }
  EXPECT_GT(demoted, 0) << "the data has such a pair at 24 hours";
}

// With an MBO-1 level and up to 24 months of training, a job that needs MBO 2 is reached by a
// paid BBL route; the route says from which month the household is lonend.
TEST_F(MatchingIntegrationTest, ARouteBecomesLonendWithinItsProjection) {
  mv1::MatchResponse resp;
  ASSERT_TRUE(Match(Profile(20), &resp).ok());
  int routes = 0;
  int trained = 0;
  for (const mv1::Candidate& c : resp.result().candidates()) {
    if (!c.has_route() || !c.route().lonend_within_projection()) continue;
    ++routes;
    const mv1::Route& route = c.route();
    EXPECT_EQ(route.projection_months(), 60);
    ASSERT_GT(route.steps_size(), 0);
    // The first lonend step is the one the route names, and every step before it is not.
    for (const mv1::RouteStep& step : route.steps()) {
      EXPECT_EQ(step.lonend(),
                step.disposable_income().cents() >= resp.result().required_budget().cents());
      if (step.lonend()) {
        EXPECT_EQ(step.qualified_month(), route.lonend_month()) << c.title();
        break;
      }
    }
    if (!c.reachable_now()) {
      // Longer trainings are shown too, but rank below what she can reach (reachability 0).
      ASSERT_TRUE(route.steps(0).has_training()) << c.title();
      EXPECT_EQ(c.score().reachability() > 0, route.steps(0).training().typical_months() <= 24)
          << c.title();
      if (c.score().reachability() == 0) continue;
      ++trained;
      EXPECT_EQ(route.steps(0).qualified_month(), route.steps(0).training().typical_months());
    }
  }
  EXPECT_GT(routes, 0);
  EXPECT_GT(trained, 0) << "a route through a training within her 24 months";
}

TEST_F(MatchingIntegrationTest, BadProfilesAreInvalidArgumentNamingTheField) {
  struct Case {
    mv1::MatchProfile profile;
    std::string field;
  };
  std::vector<Case> cases;
  mv1::MatchProfile p = Profile(20);
  p.mutable_household()->set_gemeente_code("GM9999");
  cases.push_back({p, "profile.household.gemeente_code"});
  p = Profile(20);
  p.set_available_minutes_per_week(0);
  cases.push_back({p, "profile.available_minutes_per_week"});
  p = Profile(20);
  p.set_available_minutes_per_week(81 * 60);
  cases.push_back({p, "profile.available_minutes_per_week"});
  p = Profile(20);
  p.set_max_training_months(-1);
  cases.push_back({p, "profile.max_training_months"});
  p = Profile(20);
  p.set_job_seeker(2);
  cases.push_back({p, "profile.job_seeker"});
  p = Profile(20);
  p.mutable_household()->mutable_adults(0)->mutable_birth_date()->set_month(13);
  // Budget's rule about the household, said as a path in the caller's own request.
  cases.push_back({p, "profile.household.adults[0].birth_date"});
  for (const Case& c : cases) {
    mv1::MatchResponse resp;
    grpc::Status s = Match(c.profile, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field << ": " << s.error_message();
    // The field comes first (the gateway and case-record read it from there).
    EXPECT_THAT(s.error_message(), ::testing::StartsWith(c.field + ": ")) << s.error_message();
  }
}

// Budget killed: UNAVAILABLE naming budget within the deadline, matching stays SERVING; budget
// back on its address: matching answers again by itself.
TEST_F(MatchingIntegrationTest, BudgetDownIsUnavailableNamingItAndRecovers) {
  mv1::MatchResponse before;
  ASSERT_TRUE(Match(Profile(20), &before).ok());
  budget_.reset();  // SIGTERM and wait
  mv1::MatchResponse resp;
  const absl::Time start = absl::Now();
  grpc::Status s = Match(Profile(20), &resp, absl::Seconds(5));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("budget is unavailable"));
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr("127.0.0.1"))) << "no internal address";
  EXPECT_EQ(*matching_->Health("kompas.matching.v1.MatchingService"), HealthCheckResponse::SERVING);
  StartBudget();
  grpc::Status again;
  mv1::MatchResponse after;
  for (int i = 0; i < 50; ++i) {
    after.Clear();
    again = Match(Profile(20), &after);
    if (again.ok()) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(after.result().candidates_size(), before.result().candidates_size());
}

// A caseload of 1,000 profiles: every result streams back once, the malformed one as its own
// error naming the field, the other 999 with their answer.
TEST_F(MatchingIntegrationTest, MatchBatchStreamsEveryProfileAndIsolatesTheBadOne) {
  mv1::MatchBatchRequest req;
  for (int i = 0; i < 1000; ++i) {
    mv1::MatchProfile* p = req.add_profiles();
    *p = Profile(8 + i % 33);
    p->set_profile_id(absl::StrCat("p-", i));
    p->set_max_candidates(5);
    p->mutable_household()->mutable_housing()->mutable_bare_rent()->set_cents(60'000 + 100 * i);
  }
  req.mutable_profiles(500)->set_available_minutes_per_week(0);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  AddBearer(ctx, token_);
  std::unique_ptr<grpc::ClientReader<mv1::MatchBatchResponse>> reader =
      stub_->MatchBatch(&ctx, req);
  std::vector<int> seen(1000, 0);
  int errors = 0;
  mv1::MatchBatchResponse resp;
  while (reader->Read(&resp)) {
    ASSERT_GE(resp.profile_index(), 0);
    ASSERT_LT(resp.profile_index(), 1000);
    EXPECT_EQ(resp.profile_id(), absl::StrCat("p-", resp.profile_index()));
    ++seen[static_cast<std::size_t>(resp.profile_index())];
    if (resp.has_error()) {
      ++errors;
      EXPECT_EQ(resp.profile_index(), 500);
      EXPECT_EQ(resp.error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      EXPECT_EQ(resp.error().field_path(), "available_minutes_per_week");
    } else {
      EXPECT_EQ(resp.result().profile_id(), resp.profile_id());
      EXPECT_GT(resp.result().candidates_size(), 0);
    }
  }
  grpc::Status s = reader->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(errors, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], 1) << i;
}

TEST_F(MatchingIntegrationTest, MatchBatchRefusesARequestWithDuplicateIds) {
  mv1::MatchBatchRequest req;
  *req.add_profiles() = Profile(20);
  *req.add_profiles() = Profile(24);  // the same profile_id
  grpc::ClientContext ctx;
  AddBearer(ctx, token_);
  auto reader = stub_->MatchBatch(&ctx, req);
  mv1::MatchBatchResponse resp;
  EXPECT_FALSE(reader->Read(&resp));
  grpc::Status s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("profiles[1].profile_id"));
}

// Redis killed and restarted while Matches run from four threads: no call fails, and every
// answer equals the one computed before (Redis is only a cache).
TEST_F(MatchingIntegrationTest, RedisKilledAndRestartedDuringLoadChangesNothing) {
  std::vector<mv1::MatchProfile> profiles;
  std::vector<std::string> expected;
  for (int hours : {12, 20, 28, 36}) {
    profiles.push_back(Profile(hours));
    mv1::MatchResponse resp;
    ASSERT_TRUE(Match(profiles.back(), &resp).ok());
    expected.push_back(resp.result().SerializeAsString());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failed{0};
  std::atomic<int> different{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < profiles.size(); ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load()) {
        mv1::MatchResponse resp;
        grpc::Status s = Match(profiles[t], &resp);
        ++calls;
        if (!s.ok()) {
          ++failed;
        } else if (resp.result().SerializeAsString() != expected[t]) {
          ++different;
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_TRUE(redis_->Kill().ok());
  absl::SleepFor(absl::Milliseconds(700));
  ASSERT_TRUE(redis_->Restart().ok());
  absl::SleepFor(absl::Milliseconds(700));
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_GT(calls.load(), 20);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(different.load(), 0);
}

// Budget killed while Matches run: every call ends within its deadline, those after the kill as
// UNAVAILABLE naming budget (never a hang); once budget is back, calls succeed by themselves.
TEST_F(MatchingIntegrationTest, BudgetKilledDuringLoadNeverHangsAndRecovers) {
  std::atomic<bool> stop{false};
  std::atomic<int> unavailable{0};
  std::atomic<int> other{0};
  std::atomic<int> slow{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load()) {
        mv1::MatchResponse resp;
        const absl::Time start = absl::Now();
        grpc::Status s = Match(Profile(16 + 4 * t), &resp, absl::Seconds(3));
        if (absl::Now() - start > absl::Seconds(3) + absl::Milliseconds(500)) ++slow;
        if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
          if (absl::StrContains(s.error_message(), "budget")) ++unavailable;
        } else if (!s.ok()) {
          ++other;
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(300));
  ASSERT_TRUE(budget_->process().Signal(SIGKILL).ok());
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(*matching_->Health("kompas.matching.v1.MatchingService"), HealthCheckResponse::SERVING);
  budget_.reset();
  StartBudget();
  absl::SleepFor(absl::Seconds(2));
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_GT(unavailable.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(slow.load(), 0);
  mv1::MatchResponse after;
  EXPECT_TRUE(Match(Profile(20), &after).ok());
}

// 3,000 profiles that all fail at once (validation): every one streams back its own error, none
// is lost and the server does not recurse itself to death.
TEST_F(MatchingIntegrationTest, MatchBatchOfProfilesThatAllFailAtOnce) {
  mv1::MatchBatchRequest req;
  for (int i = 0; i < 3000; ++i) {
    mv1::MatchProfile* p = req.add_profiles();
    *p = Profile(20);
    p->set_profile_id(absl::StrCat("bad-", i));
    p->set_available_minutes_per_week(0);
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  AddBearer(ctx, token_);
  auto reader = stub_->MatchBatch(&ctx, req);
  mv1::MatchBatchResponse resp;
  int errors = 0;
  while (reader->Read(&resp)) errors += resp.has_error() ? 1 : 0;
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(errors, 3000);
}

// The caller cancels a caseload half-way: the stream ends as cancelled, and the service goes on
// serving (no profile outlives the stream).
TEST_F(MatchingIntegrationTest, MatchBatchCancelledHalfWay) {
  mv1::MatchBatchRequest req;
  for (int i = 0; i < 2000; ++i) {
    mv1::MatchProfile* p = req.add_profiles();
    *p = Profile(8 + i % 30);
    p->set_profile_id(absl::StrCat("c-", i));
  }
  grpc::ClientContext ctx;
  AddBearer(ctx, token_);
  auto reader = stub_->MatchBatch(&ctx, req);
  mv1::MatchBatchResponse resp;
  for (int i = 0; i < 20 && reader->Read(&resp); ++i) {
  }
  ctx.TryCancel();
  while (reader->Read(&resp)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  mv1::MatchResponse after;
  EXPECT_TRUE(Match(Profile(20), &after).ok());
  EXPECT_EQ(*matching_->Health("kompas.matching.v1.MatchingService"), HealthCheckResponse::SERVING);
}

// A couple in Maastricht where the second adult looks for work while the first works 24 hours
// at € 16: every candidate prices adult 2 at its wage, adult 1 keeps their job, and budget
// called directly agrees.
TEST_F(MatchingIntegrationTest, TheJobSeekerCanBeTheSecondAdult) {
  mv1::MatchProfile p = Profile(24);
  tv1::Adult* first = p.mutable_household()->mutable_adults(0);
  first->mutable_gross_hourly_wage()->set_cents(1'600);
  first->set_minutes_per_week(24 * 60);
  tv1::Adult* second = p.mutable_household()->add_adults();
  second->mutable_birth_date()->set_year(1990);
  second->mutable_birth_date()->set_month(2);
  second->mutable_birth_date()->set_day(1);
  p.set_job_seeker(2);
  p.set_max_candidates(5);
  mv1::MatchResponse resp;
  grpc::Status s = Match(p, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GT(resp.result().candidates_size(), 0);
  for (const mv1::Candidate& c : resp.result().candidates()) {
    EXPECT_EQ(c.disposable_income().cents(),
              DirectIncome(p, 2, c.wage().gross_hourly_wage(), c.minutes_per_week())
                  .disposable_income()
                  .cents())
        << c.title();
  }
  // The current situation: adult 1 at work, adult 2 not.
  EXPECT_EQ(resp.result().current_disposable_income().cents(),
            DirectIncome(p).disposable_income().cents());
}

}  // namespace
}  // namespace kompas::testing
