#include "tools/load/catalog_scenarios.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kompas/catalog/v1/catalog.grpc.pb.h"

namespace kompas::load {
namespace {

namespace v1 = ::kompas::catalog::v1;
using v1::CatalogService;

// What the catalogue holds, read once before the clock starts: every region and every
// occupation (so the run touches the whole catalogue, not one hot entry).
struct CatalogIndex {
  std::vector<std::string> regions;
  std::vector<std::string> occupations;
};

absl::StatusOr<CatalogIndex> ReadIndex(const ScenarioParams& params) {
  auto stub = CatalogService::NewStub(params.channels.front());
  auto context = [&params](grpc::ClientContext& c) {
    PrepareContext(c, params);
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  };
  CatalogIndex index;
  v1::ListRegionsRequest regions;
  regions.set_page_size(1000);
  v1::ListRegionsResponse listed;
  grpc::ClientContext c1;
  context(c1);
  if (grpc::Status s = stub->ListRegions(&c1, regions, &listed); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("catalog: ListRegions failed: ", s.error_message()));
  }
  for (const v1::Region& r : listed.regions()) index.regions.push_back(r.name());
  if (index.regions.empty()) return absl::FailedPreconditionError("catalog: no regions");
  v1::SearchOccupationsRequest search;
  search.set_region(index.regions.front());
  search.set_page_size(1000);
  for (;;) {
    v1::SearchOccupationsResponse page;
    grpc::ClientContext c2;
    context(c2);
    if (grpc::Status s = stub->SearchOccupations(&c2, search, &page); !s.ok()) {
      return absl::UnavailableError(
          absl::StrCat("catalog: SearchOccupations failed: ", s.error_message()));
    }
    for (const v1::Occupation& o : page.occupations()) index.occupations.push_back(o.name());
    if (page.next_page_token().empty()) break;
    search.set_page_token(page.next_page_token());
  }
  if (index.occupations.empty()) {
    return absl::FailedPreconditionError("catalog: the catalogue has no occupations");
  }
  return index;
}

}  // namespace

absl::Status AddCatalogScenarios(ScenarioRegistry& registry) {
  return registry.Add({
      .name = "catalog",
      .description =
          "kompas.catalog.v1.CatalogService, what matching and the mentor's screen ask: in turn "
          "SearchOccupations (a region, at most NLQF 3, page of 10, BASIC view) and "
          "GetOccupation (with a region), over every region and occupation (needs --target and "
          "--token with scope compass)",
      .create = [](const ScenarioParams& params) -> ScenarioOrStatus {
        absl::StatusOr<CatalogIndex> index = ReadIndex(params);
        if (!index.ok()) return index.status();
        std::vector<v1::SearchOccupationsRequest> searches;
        for (const std::string& region : index->regions) {
          v1::SearchOccupationsRequest& r = searches.emplace_back();
          r.set_region(region);
          r.set_maximum_education_level(v1::EDUCATION_LEVEL_NLQF_3);
          r.set_page_size(10);
        }
        std::vector<v1::GetOccupationRequest> gets;
        for (size_t i = 0; i < index->occupations.size(); ++i) {
          v1::GetOccupationRequest& r = gets.emplace_back();
          r.set_name(index->occupations[i]);
          r.set_region(index->regions[i % index->regions.size()]);
        }
        std::vector<MixedScenario::Part> parts;
        parts.push_back(
            {std::make_unique<UnaryScenario<CatalogService, v1::SearchOccupationsRequest,
                                            v1::SearchOccupationsResponse>>(
                 params, std::move(searches),
                 [](CatalogService::Stub& stub, grpc::ClientContext* context,
                    const v1::SearchOccupationsRequest* req, v1::SearchOccupationsResponse* resp,
                    std::function<void(grpc::Status)> done) {
                   stub.async()->SearchOccupations(context, req, resp, std::move(done));
                 }),
             1});
        parts.push_back(
            {std::make_unique<
                 UnaryScenario<CatalogService, v1::GetOccupationRequest, v1::Occupation>>(
                 params, std::move(gets),
                 [](CatalogService::Stub& stub, grpc::ClientContext* context,
                    const v1::GetOccupationRequest* req, v1::Occupation* resp,
                    std::function<void(grpc::Status)> done) {
                   stub.async()->GetOccupation(context, req, resp, std::move(done));
                 }),
             1});
        return std::make_unique<MixedScenario>(std::move(parts));
      },
  });
}

}  // namespace kompas::load
