// kompas-catalog as a real process with a real redis-server: answers over gRPC, searches served
// from Redis, an import of a bad set changes nothing and lists every error, a good import is
// visible to the next call (never a stale cached answer) and survives a restart, SIGHUP reloads
// the files, and bad input gets the right codes naming the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "kompas/catalog/v1/catalog.grpc.pb.h"
#include "tests/integration/metrics_scrape.h"
#include "tests/integration/service_process.h"
#include "tests/support/redis_server.h"

namespace kompas::testing {
namespace {

namespace fs = std::filesystem;
namespace cv1 = ::kompas::catalog::v1;
using ::testing::HasSubstr;

const std::string kData = std::string(KOMPAS_SOURCE_DIR) + "/data";

std::string Slurp(const fs::path& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path.string());
  EXPECT_TRUE(text.ok()) << path;
  return text.value_or("");
}

class CatalogIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTempDir("catalog-it");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    // The service reads a copy, so that the test can change files under it.
    fs::copy(kData + "/jobs", dir_ + "/jobs", fs::copy_options::recursive);
    fs::copy(kData + "/regions", dir_ + "/regions", fs::copy_options::recursive);
    absl::StatusOr<std::unique_ptr<RedisServer>> redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    tokens_ = std::make_unique<TokensFile>(dir_ + "/tokens.jsonl");
    token_ = tokens_->Add("gm0935", {Scope::kCompass});
    admin_ = tokens_->Add("beheer", {Scope::kCompass, Scope::kCatalogAdmin});
    StartCatalog();
  }
  void TearDown() override {
    catalog_.reset();
    redis_.reset();
    RemoveTree(dir_).IgnoreError();
  }
  void StartCatalog() {
    catalog_.reset();
    ServiceOptions options;
    options.binary = std::string(KOMPAS_BIN_DIR) + "/services/catalog/kompas-catalog";
    options.tokens_file = tokens_->path();
    options.output_path = absl::StrCat(dir_, "/catalog-", ++starts_, ".log");  // one per start
    options.args = {"--catalog_dirs=" + dir_ + "/jobs," + dir_ + "/regions",
                    "--catalog_import_dir=" + dir_ + "/imports", "--redis=" + redis_->url(),
                    "--metrics_listen=127.0.0.1:0"};
    absl::StatusOr<std::unique_ptr<ServiceProcess>> p = ServiceProcess::Start(options);
    ASSERT_TRUE(p.ok()) << p.status() << "\n" << Slurp(options.output_path);
    catalog_ = *std::move(p);
    absl::StatusOr<std::string> line =
        catalog_->process().WaitForOutput("\"event\":\"listening\"", absl::Seconds(5));
    ASSERT_TRUE(line.ok());
    const std::size_t at = line->find("\"metrics_port\":");
    ASSERT_NE(at, std::string::npos);
    metrics_port_ = std::stoi(line->substr(at + 15));
    stub_ = cv1::CatalogService::NewStub(catalog_->channel());
  }

  template <typename Request, typename Response, typename Method>
  grpc::Status Call(Method method, const Request& req, Response* resp,
                    const std::string& token = "") {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    AddBearer(ctx, token.empty() ? token_ : token);
    return (stub_.get()->*method)(&ctx, req, resp);
  }
  grpc::Status Search(const cv1::SearchOccupationsRequest& req,
                      cv1::SearchOccupationsResponse* resp) {
    return Call(&cv1::CatalogService::Stub::SearchOccupations, req, resp);
  }
  std::string Version() {
    cv1::DataVersion v;
    EXPECT_TRUE(
        Call(&cv1::CatalogService::Stub::GetDataVersion, cv1::GetDataVersionRequest(), &v).ok());
    return v.data_version();
  }
  double SearchCacheCount(const std::string& result) {
    absl::StatusOr<std::string> text = HttpGetMetrics(metrics_port_);
    EXPECT_TRUE(text.ok()) << text.status();
    return SampleValue(
        text.value_or(""), "kompas_cache_requests_total",
        {{"service", "catalog"}, {"method", "SearchOccupations"}, {"result", result}});
  }
  // Every file of the set in `dir` (the jobs files and the gemeente file) as an import request.
  cv1::ImportDataRequest ImportFrom(const fs::path& jobs, const fs::path& regions) {
    cv1::ImportDataRequest req;
    for (const fs::path& d : {jobs, regions}) {
      for (const auto& entry : fs::directory_iterator(d)) {
        if (entry.path().extension() != ".csv") continue;
        cv1::DataFileContent* f = req.add_files();
        f->set_file_name(entry.path().filename().string());
        f->set_content(Slurp(entry.path()));
      }
    }
    return req;
  }
  // Zuid-Limburg (Maastricht), only the tightest demand.
  static cv1::SearchOccupationsRequest TightInZuidLimburg() {
    cv1::SearchOccupationsRequest req;
    req.set_region("regions/AM30");
    req.set_minimum_demand(cv1::DEMAND_LEVEL_ZEER_KRAP);
    req.set_page_size(1000);
    return req;
  }
  static bool Lists(const cv1::SearchOccupationsResponse& resp, const std::string& name) {
    for (const cv1::Occupation& o : resp.occupations()) {
      if (o.name() == name) return true;
    }
    return false;
  }

  std::string dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<TokensFile> tokens_;
  std::string token_;
  std::string admin_;
  std::unique_ptr<ServiceProcess> catalog_;
  int metrics_port_ = 0;
  int starts_ = 0;
  std::unique_ptr<cv1::CatalogService::Stub> stub_;
};

TEST_F(CatalogIntegrationTest, ResolvesMaastrichtAndSearchesItsRegionFromRedisTheSecondTime) {
  cv1::ResolveMunicipalityRequest resolve;
  resolve.set_query("maastricht");
  cv1::ResolveMunicipalityResponse where;
  ASSERT_TRUE(Call(&cv1::CatalogService::Stub::ResolveMunicipality, resolve, &where).ok());
  EXPECT_EQ(where.municipality().code(), "GM0935");
  EXPECT_EQ(where.region().name(), "regions/AM30");

  cv1::SearchOccupationsRequest req;
  req.set_region(where.region().name());
  req.set_maximum_education_level(cv1::EDUCATION_LEVEL_NLQF_3);
  req.set_page_size(10);
  cv1::SearchOccupationsResponse first;
  ASSERT_TRUE(Search(req, &first).ok());
  ASSERT_GT(first.occupations_size(), 0);
  EXPECT_GT(first.total_size(), first.occupations_size());
  EXPECT_FALSE(first.next_page_token().empty());
  EXPECT_TRUE(first.provenance().sample_data()) << "the demand file is SAMPLE data";
  for (const cv1::Occupation& o : first.occupations()) {
    EXPECT_LE(o.education().level(), cv1::EDUCATION_LEVEL_NLQF_3) << o.name();
    ASSERT_EQ(o.demand_size(), 1) << o.name();
    EXPECT_EQ(o.demand(0).region(), "regions/AM30");
  }
  EXPECT_EQ(SearchCacheCount("hit"), 0);
  cv1::SearchOccupationsResponse second;
  ASSERT_TRUE(Search(req, &second).ok());
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(SearchCacheCount("hit"), 1);

  // The next page continues where the first ended, without repeats.
  req.set_page_token(first.next_page_token());
  cv1::SearchOccupationsResponse page2;
  ASSERT_TRUE(Search(req, &page2).ok());
  ASSERT_GT(page2.occupations_size(), 0);
  for (const cv1::Occupation& o : page2.occupations()) EXPECT_FALSE(Lists(first, o.name()));
}

TEST_F(CatalogIntegrationTest, BadInputGetsTheRightCodeNamingTheField) {
  struct Case {
    cv1::SearchOccupationsRequest req;
    grpc::StatusCode code;
    std::string text;
  };
  std::vector<Case> cases;
  cv1::SearchOccupationsRequest ok;
  ok.set_region("regions/AM30");
  cases.push_back({ok, grpc::StatusCode::OK, ""});
  cv1::SearchOccupationsRequest r = ok;
  r.set_region("regions/AM99");
  cases.push_back({r, grpc::StatusCode::NOT_FOUND, "region: no region regions/AM99"});
  r = ok;
  r.set_region("AM30");
  cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "region: must be a region name"});
  r = ok;
  r.set_page_token("bm90LWEtdG9rZW4");
  cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "page_token"});
  r = ok;
  r.set_page_size(1001);
  cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "page_size: must be between 0 and 1000"});
  r = ok;
  r.set_query(std::string(201, 'a'));
  cases.push_back({r, grpc::StatusCode::INVALID_ARGUMENT, "query: must be at most 200 characters"});
  r = ok;
  r.set_query(std::string(200, 'a'));
  cases.push_back({r, grpc::StatusCode::OK, ""});
  for (const Case& c : cases) {
    cv1::SearchOccupationsResponse resp;
    grpc::Status s = Search(c.req, &resp);
    EXPECT_EQ(s.error_code(), c.code) << c.text << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(c.text));
  }
  // A token from one search is refused for another.
  cv1::SearchOccupationsRequest a = ok;
  a.set_page_size(5);
  cv1::SearchOccupationsResponse resp_a;
  ASSERT_TRUE(Search(a, &resp_a).ok());
  cv1::SearchOccupationsRequest b = a;
  b.set_region("regions/AM01");
  b.set_page_token(resp_a.next_page_token());
  cv1::SearchOccupationsResponse resp_b;
  EXPECT_EQ(Search(b, &resp_b).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  cv1::GetOccupationRequest get;
  get.set_name("occupations/9999");
  cv1::Occupation occupation;
  grpc::Status s = Call(&cv1::CatalogService::Stub::GetOccupation, get, &occupation);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("occupations/9999"));
  cv1::ResolveMunicipalityRequest nowhere;
  nowhere.set_query("Atlantis");
  cv1::ResolveMunicipalityResponse none;
  s = Call(&cv1::CatalogService::Stub::ResolveMunicipality, nowhere, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("Atlantis"));
  // A file saved as Windows-1252 (é as one byte) is refused naming the file's place and line.
  cv1::ImportDataRequest latin1 = ImportFrom(dir_ + "/jobs", dir_ + "/regions");
  latin1.mutable_files(0)->set_content(latin1.files(0).content() + "caf\xe9\n");
  cv1::ImportDataResponse refused;
  s = Call(&cv1::CatalogService::Stub::ImportData, latin1, &refused, admin_);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("files[0].content: line"));
  EXPECT_THAT(s.error_message(), HasSubstr("is not valid UTF-8"));
  // Import needs catalog.admin.
  cv1::ImportDataResponse denied;
  s = Call(&cv1::CatalogService::Stub::ImportData, ImportFrom(dir_ + "/jobs", dir_ + "/regions"),
           &denied);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CatalogIntegrationTest, BadImportChangesNothingGoodImportIsServedAtOnceAndKept) {
  const std::string before = Version();
  cv1::SearchOccupationsResponse tight_before;
  ASSERT_TRUE(Search(TightInZuidLimburg(), &tight_before).ok());  // now cached in Redis
  ASSERT_FALSE(Lists(tight_before, "occupations/0111"));
  const std::string demand_file = dir_ + "/jobs/vraag_per_regio.csv";
  const std::string demand = Slurp(demand_file);
  ASSERT_THAT(demand, HasSubstr("0111,AM30,krap,2026-Q1"));

  // A set with three errors in two files: nothing changes, every error is listed.
  cv1::ImportDataRequest bad = ImportFrom(dir_ + "/jobs", dir_ + "/regions");
  for (cv1::DataFileContent& f : *bad.mutable_files()) {
    if (f.file_name() == "vraag_per_regio.csv") {
      f.set_content(absl::StrCat(f.content(), "0111,AM99,krap,2026-Q1\n9999,AM30,krap,2026-Q1\n"));
    }
    if (f.file_name() == "cbs85517_brc2014_uurloon_kwartielen_2022.csv") {
      f.set_content(
          absl::StrReplaceAll(f.content(), {{"01,01 Pedagogische beroepen,638,20.1,25.3,33.1",
                                             "01,01 Pedagogische beroepen,638,20.1,veel,33.1"}}));
    }
  }
  cv1::ImportDataResponse rejected;
  ASSERT_TRUE(Call(&cv1::CatalogService::Stub::ImportData, bad, &rejected, admin_).ok());
  EXPECT_FALSE(rejected.applied());
  ASSERT_GE(rejected.errors_size(), 3);
  std::string all;
  for (const cv1::DataError& e : rejected.errors()) {
    EXPECT_GT(e.line(), 0) << e.message();
    absl::StrAppend(&all, e.file_name(), ":", e.line(), ": ", e.column(), ": ", e.message(), "\n");
  }
  EXPECT_THAT(all, HasSubstr("vraag_per_regio.csv"));
  EXPECT_THAT(all, HasSubstr("AM99"));
  EXPECT_THAT(all, HasSubstr("9999"));
  EXPECT_THAT(all, HasSubstr("cbs85517_brc2014_uurloon_kwartielen_2022.csv"));
  EXPECT_EQ(rejected.data_version().data_version(), before);
  EXPECT_EQ(Version(), before);

  // validate_only with a good set: valid, not applied.
  const std::string raised =
      absl::StrReplaceAll(demand, {{"0111,AM30,krap,2026-Q1", "0111,AM30,zeer_krap,2026-Q1"}});
  cv1::ImportDataRequest good = ImportFrom(dir_ + "/jobs", dir_ + "/regions");
  for (cv1::DataFileContent& f : *good.mutable_files()) {
    if (f.file_name() == "vraag_per_regio.csv") f.set_content(raised);
  }
  good.set_validate_only(true);
  cv1::ImportDataResponse checked;
  ASSERT_TRUE(Call(&cv1::CatalogService::Stub::ImportData, good, &checked, admin_).ok());
  EXPECT_FALSE(checked.applied());
  EXPECT_EQ(checked.errors_size(), 0);
  EXPECT_EQ(Version(), before);

  // Applied: a new version, and the next search sees it although the old answer is cached.
  good.set_validate_only(false);
  cv1::ImportDataResponse applied;
  ASSERT_TRUE(Call(&cv1::CatalogService::Stub::ImportData, good, &applied, admin_).ok());
  ASSERT_TRUE(applied.applied());
  const std::string after = applied.data_version().data_version();
  EXPECT_NE(after, before);
  EXPECT_EQ(Version(), after);
  cv1::SearchOccupationsResponse tight_after;
  ASSERT_TRUE(Search(TightInZuidLimburg(), &tight_after).ok());
  EXPECT_TRUE(Lists(tight_after, "occupations/0111"));
  EXPECT_EQ(tight_after.provenance().data_version(), after);

  // A restart serves the imported set.
  StartCatalog();
  EXPECT_EQ(Version(), after);
  cv1::SearchOccupationsResponse tight_restarted;
  ASSERT_TRUE(Search(TightInZuidLimburg(), &tight_restarted).ok());
  EXPECT_TRUE(Lists(tight_restarted, "occupations/0111"));
}

TEST_F(CatalogIntegrationTest, SighupReloadsGoodFilesAndKeepsServingOnBadOnes) {
  const std::string before = Version();
  const std::string demand_file = dir_ + "/jobs/vraag_per_regio.csv";
  const std::string demand = Slurp(demand_file);
  // A broken file: the reload fails, the old data stays.
  std::ofstream(demand_file) << demand << "0111,AM99,krap,2026-Q1\n";
  ASSERT_TRUE(catalog_->process().Signal(SIGHUP).ok());
  ASSERT_TRUE(
      catalog_->process().WaitForOutput("\"event\":\"reload_failed\"", absl::Seconds(10)).ok());
  EXPECT_THAT(catalog_->process().ReadOutput(), HasSubstr("AM99"));
  EXPECT_EQ(Version(), before);
  // Fixed and changed: the reload serves it.
  std::ofstream(demand_file) << absl::StrReplaceAll(
      demand, {{"0111,AM30,krap,2026-Q1", "0111,AM30,zeer_krap,2026-Q1"}});
  ASSERT_TRUE(catalog_->process().Signal(SIGHUP).ok());
  ASSERT_TRUE(catalog_->process().WaitForOutput("\"event\":\"reloaded\"", absl::Seconds(10)).ok());
  EXPECT_NE(Version(), before);
  cv1::SearchOccupationsResponse tight;
  ASSERT_TRUE(Search(TightInZuidLimburg(), &tight).ok());
  EXPECT_TRUE(Lists(tight, "occupations/0111"));
  // The admin RPC does the same (nothing changed now: same version, applied).
  cv1::ReloadDataResponse reload;
  ASSERT_TRUE(
      Call(&cv1::CatalogService::Stub::ReloadData, cv1::ReloadDataRequest(), &reload, admin_).ok());
  EXPECT_TRUE(reload.applied());
  EXPECT_EQ(reload.data_version().data_version(), Version());
}

}  // namespace
}  // namespace kompas::testing
