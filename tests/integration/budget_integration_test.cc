// kompas-budget as a real process with a real redis-server: answers over gRPC, the batch is
// served from Redis on the second identical call, and with Redis killed the answer is the
// same and health stays SERVING. A broken rule-set file stops the process at start-up.
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "kompas/budget/v1/budget.grpc.pb.h"
#include "tests/integration/metrics_scrape.h"
#include "tests/integration/service_process.h"
#include "tests/support/redis_server.h"

namespace kompas::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
namespace bv1 = ::kompas::budget::v1;
namespace tv1 = ::kompas::type::v1;

const std::string kData = std::string(KOMPAS_SOURCE_DIR) + "/data";

std::vector<std::string> DataArgs(const std::string& rules_dir = "") {
  return BudgetDataArgs(rules_dir);
}

bv1::CalculateIncomeBatchRequest SingleParentBatch() {
  bv1::CalculateIncomeBatchRequest req;
  tv1::Household* h = req.mutable_household();
  h->set_gemeente_code("GM0014");
  tv1::Adult* a = h->add_adults();
  a->mutable_birth_date()->set_year(1993);
  a->mutable_birth_date()->set_month(5);
  a->mutable_birth_date()->set_day(1);
  for (int year : {2021, 2016}) {
    tv1::Date* d = h->add_children()->mutable_birth_date();
    d->set_year(year);
    d->set_month(6);
    d->set_day(1);
  }
  h->mutable_housing()->set_tenure(tv1::HOUSING_TENURE_RENTED);
  h->mutable_housing()->set_self_contained(true);
  h->mutable_housing()->mutable_bare_rent()->set_cents(70'000);
  req.mutable_rule_date()->set_year(2026);
  req.mutable_rule_date()->set_month(3);
  req.mutable_rule_date()->set_day(1);
  for (int hours : {0, 24}) {
    bv1::WorkScenario* s = req.add_scenarios();
    bv1::AdultWork* w = s->add_work();
    w->set_adult_number(1);
    w->mutable_gross_hourly_wage()->set_cents(1471);
    w->set_minutes_per_week(hours * 60);
  }
  return req;
}

class BudgetIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTempDir("budget-it");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    absl::StatusOr<std::unique_ptr<RedisServer>> redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    tokens_ = std::make_unique<TokensFile>(dir_ + "/tokens.jsonl");
    token_ = tokens_->Add("gm0014", {Scope::kCompass});
    ServiceOptions options;
    options.binary = std::string(KOMPAS_BIN_DIR) + "/services/budget/kompas-budget";
    options.tokens_file = tokens_->path();
    options.output_path = dir_ + "/budget.log";
    options.args = DataArgs();
    options.args.push_back("--redis=" + redis_->url());
    options.args.push_back("--metrics_listen=127.0.0.1:0");
    absl::StatusOr<std::unique_ptr<ServiceProcess>> budget = ServiceProcess::Start(options);
    ASSERT_TRUE(budget.ok()) << budget.status();
    budget_ = *std::move(budget);
    absl::StatusOr<std::string> line =
        budget_->process().WaitForOutput("\"event\":\"listening\"", absl::Seconds(5));
    ASSERT_TRUE(line.ok());
    const std::size_t at = line->find("\"metrics_port\":");
    ASSERT_NE(at, std::string::npos);
    metrics_port_ = std::stoi(line->substr(at + 15));
    stub_ = bv1::BudgetService::NewStub(budget_->channel());
  }
  void TearDown() override {
    budget_.reset();
    redis_.reset();
    RemoveTree(dir_).IgnoreError();
  }

  grpc::Status Batch(const bv1::CalculateIncomeBatchRequest& req,
                     bv1::CalculateIncomeBatchResponse* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    AddBearer(ctx, token_);
    return stub_->CalculateIncomeBatch(&ctx, req, resp);
  }
  double CacheCount(const std::string& result) {
    absl::StatusOr<std::string> text = HttpGetMetrics(metrics_port_);
    EXPECT_TRUE(text.ok()) << text.status();
    return SampleValue(
        text.value_or(""), "kompas_cache_requests_total",
        {{"service", "budget"}, {"method", "CalculateIncomeBatch"}, {"result", result}});
  }

  std::string dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<TokensFile> tokens_;
  std::string token_;
  std::unique_ptr<ServiceProcess> budget_;
  int metrics_port_ = 0;
  std::unique_ptr<bv1::BudgetService::Stub> stub_;
};

TEST_F(BudgetIntegrationTest, SecondIdenticalBatchIsACacheHitAndRedisDownGivesTheSameAnswer) {
  bv1::CalculateIncomeBatchResponse first;
  grpc::Status s = Batch(SingleParentBatch(), &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(first.results_size(), 2);
  // The engine's worked case 3 (no work): € 2.890,29 a month from national rules (see
  // engine_test.cc), plus Groningen's schemes for a single parent on bijstand
  // (data/municipal/GM0014.yaml): individuele inkomenstoeslag € 701 / 12 = € 58,42 and full
  // kwijtschelding of € 546,06 / 12 = € 45,51 (45,505 rounded half away from zero).
  EXPECT_EQ(first.results(0).calculation().disposable_income().cents(), 289'029 + 5'842 + 4'551);
  EXPECT_TRUE(first.basis().local_schemes().included());
  EXPECT_EQ(CacheCount("hit"), 0);

  bv1::CalculateIncomeBatchResponse second;
  ASSERT_TRUE(Batch(SingleParentBatch(), &second).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, second));
  EXPECT_EQ(CacheCount("hit"), 1);

  ASSERT_TRUE(redis_->Kill().ok());
  bv1::CalculateIncomeBatchResponse third;
  const absl::Time start = absl::Now();
  ASSERT_TRUE(Batch(SingleParentBatch(), &third).ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, third));
  EXPECT_EQ(*budget_->Health("kompas.budget.v1.BudgetService"), HealthCheckResponse::SERVING);
}

TEST_F(BudgetIntegrationTest, BadInputNamesTheFieldOverTheWire) {
  bv1::CalculateIncomeBatchRequest req = SingleParentBatch();
  req.mutable_household()->mutable_adults(0)->set_minutes_per_week(-5);
  bv1::CalculateIncomeBatchResponse resp;
  grpc::Status s = Batch(req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("household.adults[0].minutes_per_week"));
  // Errors are never cached.
  EXPECT_EQ(CacheCount("hit"), 0);
}

TEST(BudgetStartupTest, BrokenRuleSetFileStopsTheProcessNamingFileAndKey) {
  absl::StatusOr<std::string> dir = MakeTempDir("budget-bad-rules");
  ASSERT_TRUE(dir.ok());
  std::ifstream in(kData + "/rules/nl/2026-01.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string needle = "unit: EUR/hour";
  yaml.replace(yaml.find(needle), needle.size(), "unit: EUR/month");
  std::ofstream(*dir + "/2026-01.yaml") << yaml;
  TokensFile tokens(*dir + "/tokens.jsonl");
  tokens.Add("gm0014", {Scope::kCompass});
  SubprocessOptions sp;
  sp.argv = {std::string(KOMPAS_BIN_DIR) + "/services/budget/kompas-budget",
             "--tokens_file=" + tokens.path()};
  for (const std::string& a : DataArgs(*dir)) sp.argv.push_back(a);
  sp.output_path = *dir + "/out.log";
  absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Start(sp);
  ASSERT_TRUE(p.ok());
  absl::StatusOr<int> code = (*p)->Wait(absl::Seconds(10));
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 2);
  EXPECT_THAT((*p)->ReadOutput(), HasSubstr("2026-01.yaml:"));
  EXPECT_THAT((*p)->ReadOutput(), HasSubstr("wml.hourly_21plus.unit: expected EUR/hour"));
  RemoveTree(*dir).IgnoreError();
}

}  // namespace
}  // namespace kompas::testing
