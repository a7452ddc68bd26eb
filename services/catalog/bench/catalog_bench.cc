// In-process speed of the catalogue queries (Google Benchmark):
//   build/release/services/catalog/bench/catalog_bench
// BM_GetOccupation*: the lookup alone and with the answer message filled (as the RPC does);
// BM_SearchOccupations*: one region, no filter / all filters, and with the first page of 50
// answer messages filled; BM_ListCareerSteps: depth 3; BM_ResolveMunicipality by name.
// BM_*Rpc: the whole answer of CatalogLogic as the gRPC handler runs it (validation, page token,
// answer messages), without the network.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "services/catalog/catalog_logic.h"
#include "services/catalog/data/to_proto.h"

namespace kompas::catalog {
namespace {

const CatalogData& Data() {
  static const std::shared_ptr<const CatalogData> data = [] {
    absl::StatusOr<std::shared_ptr<const CatalogData>> d = LoadCatalog(
        {absl::StrCat(KOMPAS_DATA_DIR, "/jobs"), absl::StrCat(KOMPAS_DATA_DIR, "/regions")});
    if (!d.ok()) std::abort();
    return *d;
  }();
  return *data;
}

void BM_GetOccupationLookup(benchmark::State& state) {
  const CatalogData& d = Data();
  for (auto _ : state) benchmark::DoNotOptimize(d.FindOccupation("1214"));
}
BENCHMARK(BM_GetOccupationLookup);

void BM_GetOccupationProto(benchmark::State& state) {
  const CatalogData& d = Data();
  const Region* region = d.FindRegion("AM30");
  for (auto _ : state) {
    v1::Occupation o;
    OccupationToProto(d, *d.FindOccupation(CodeFromResourceName("occupations/1214", "occupations")),
                      region, &o);
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_GetOccupationProto);

void BM_LoadCatalog(benchmark::State& state) {
  for (auto _ : state) {
    absl::StatusOr<std::shared_ptr<const CatalogData>> d = LoadCatalog(
        {absl::StrCat(KOMPAS_DATA_DIR, "/jobs"), absl::StrCat(KOMPAS_DATA_DIR, "/regions")});
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_LoadCatalog)->Unit(benchmark::kMillisecond);

void BM_SearchOccupationsNoFilter(benchmark::State& state) {
  const CatalogData& d = Data();
  const Region& region = *d.FindRegion("AM30");
  for (auto _ : state) benchmark::DoNotOptimize(d.SearchOccupations(region, {}));
}
BENCHMARK(BM_SearchOccupationsNoFilter);

void BM_SearchOccupationsAllFilters(benchmark::State& state) {
  const CatalogData& d = Data();
  const Region& region = *d.FindRegion("AM30");
  SearchFilter f;
  f.minimum_demand = DemandLevel::kGemiddeld;
  f.maximum_education = EducationLevel::kNlqf4;
  f.minimum_median_cents = 1800;
  f.query = "medewerkers";
  for (auto _ : state) benchmark::DoNotOptimize(d.SearchOccupations(region, f));
}
BENCHMARK(BM_SearchOccupationsAllFilters);

void BM_SearchOccupationsPageOf50Proto(benchmark::State& state) {
  const CatalogData& d = Data();
  const Region& region = *d.FindRegion("AM30");
  for (auto _ : state) {
    const std::vector<const Occupation*> found = d.SearchOccupations(region, {});
    v1::SearchOccupationsResponse resp;
    for (std::size_t i = 0; i < found.size() && i < 50; ++i) {
      OccupationToProto(d, *found[i], &region, resp.add_occupations());
    }
    resp.set_total_size(static_cast<int>(found.size()));
    ProvenanceToProto(d, {DataSet::kDemand, DataSet::kTrainingRoutes}, resp.mutable_provenance());
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_SearchOccupationsPageOf50Proto);

// The same on a protobuf arena (as a handler can do for the message it builds).
void BM_SearchOccupationsPageOf50ProtoArena(benchmark::State& state) {
  const CatalogData& d = Data();
  const Region& region = *d.FindRegion("AM30");
  for (auto _ : state) {
    google::protobuf::Arena arena;
    const std::vector<const Occupation*> found = d.SearchOccupations(region, {});
    auto* resp = google::protobuf::Arena::CreateMessage<v1::SearchOccupationsResponse>(&arena);
    for (std::size_t i = 0; i < found.size() && i < 50; ++i) {
      OccupationToProto(d, *found[i], &region, resp->add_occupations());
    }
    resp->set_total_size(static_cast<int>(found.size()));
    ProvenanceToProto(d, {DataSet::kDemand, DataSet::kTrainingRoutes}, resp->mutable_provenance());
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_SearchOccupationsPageOf50ProtoArena);

void BM_ListCareerSteps(benchmark::State& state) {
  const CatalogData& d = Data();
  const Occupation& from = *d.FindOccupation("1221");
  for (auto _ : state) benchmark::DoNotOptimize(d.ListCareerSteps(from, 3));
}
BENCHMARK(BM_ListCareerSteps);

void BM_ResolveMunicipalityByName(benchmark::State& state) {
  const CatalogData& d = Data();
  for (auto _ : state) benchmark::DoNotOptimize(d.ResolveMunicipality("Súdwest-Fryslân"));
}
BENCHMARK(BM_ResolveMunicipalityByName);

const CatalogLogic& Logic() {
  static CatalogStore* store = [] {
    absl::StatusOr<std::unique_ptr<CatalogStore>> s = CatalogStore::Open(
        {absl::StrCat(KOMPAS_DATA_DIR, "/jobs"), absl::StrCat(KOMPAS_DATA_DIR, "/regions")});
    if (!s.ok()) std::abort();
    return s->release();
  }();
  static const CatalogLogic logic(store);
  return logic;
}

void BM_SearchOccupationsRpc(benchmark::State& state) {
  const CatalogLogic& logic = Logic();
  const std::shared_ptr<const CatalogData> data = logic.store().Current();
  v1::SearchOccupationsRequest req;
  req.set_region("regions/AM30");
  req.set_maximum_education_level(v1::EDUCATION_LEVEL_NLQF_3);
  req.set_page_size(static_cast<std::int32_t>(state.range(0)));
  for (auto _ : state) {
    v1::SearchOccupationsResponse resp;
    if (!logic.SearchOccupations(*data, req, resp).ok()) std::abort();
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_SearchOccupationsRpc)->Arg(10)->Arg(50);

void BM_GetOccupationRpc(benchmark::State& state) {
  const CatalogLogic& logic = Logic();
  const std::shared_ptr<const CatalogData> data = logic.store().Current();
  v1::GetOccupationRequest req;
  req.set_name("occupations/1214");
  req.set_region("regions/AM30");
  for (auto _ : state) {
    v1::Occupation resp;
    if (!logic.GetOccupation(*data, req, resp).ok()) std::abort();
    benchmark::DoNotOptimize(resp);
  }
}
BENCHMARK(BM_GetOccupationRpc);

}  // namespace
}  // namespace kompas::catalog

BENCHMARK_MAIN();
