// The catalog service's requests, without a network: the first byte picks the RPC, the rest is
// that request's wire format, answered by CatalogLogic from the shipped catalogue (data/jobs,
// data/regions), as the gRPC handlers do. ImportData runs with validate_only forced on, so the
// served set never changes between inputs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "fuzz/fuzz_input.h"
#include "services/catalog/catalog_logic.h"

namespace {

namespace catalog = kompas::catalog;
namespace v1 = kompas::catalog::v1;

catalog::CatalogLogic& Logic() {
  static catalog::CatalogLogic* logic = [] {
    const char* env = std::getenv("KOMPAS_DATA_DIR");
    const std::string dir = env != nullptr ? env : KOMPAS_DATA_DIR;
    auto store = catalog::CatalogStore::Open({dir + "/jobs", dir + "/regions"});
    if (!store.ok()) std::abort();  // the shipped data must load
    return new catalog::CatalogLogic(store->release());
  }();
  return *logic;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kompas::fuzz::QuietProtobufLogs();
  Logic();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kompas::fuzz::FuzzInput in(data, size);
  catalog::CatalogLogic& logic = Logic();
  const std::shared_ptr<const catalog::CatalogData> snapshot = logic.store().Current();
  const catalog::CatalogData& d = *snapshot;
  switch (in.Byte() % 8) {
    case 0: {
      const auto req = in.ParseRest<v1::ResolveMunicipalityRequest>();
      v1::ResolveMunicipalityResponse resp;
      kompas::fuzz::CheckAnswer(logic.ResolveMunicipality(d, req, resp), resp);
      break;
    }
    case 1: {
      const auto req = in.ParseRest<v1::GetRegionRequest>();
      v1::Region resp;
      kompas::fuzz::CheckAnswer(logic.GetRegion(d, req, resp), resp);
      break;
    }
    case 2: {
      const auto req = in.ParseRest<v1::ListRegionsRequest>();
      v1::ListRegionsResponse resp;
      kompas::fuzz::CheckAnswer(logic.ListRegions(d, req, resp), resp);
      break;
    }
    case 3: {
      const auto req = in.ParseRest<v1::GetOccupationRequest>();
      v1::Occupation resp;
      kompas::fuzz::CheckAnswer(logic.GetOccupation(d, req, resp), resp);
      break;
    }
    case 4: {
      const auto req = in.ParseRest<v1::SearchOccupationsRequest>();
      v1::SearchOccupationsResponse resp;
      kompas::fuzz::CheckAnswer(logic.SearchOccupations(d, req, resp), resp);
      break;
    }
    case 5: {
      const auto req = in.ParseRest<v1::ListCareerStepsRequest>();
      v1::ListCareerStepsResponse resp;
      kompas::fuzz::CheckAnswer(logic.ListCareerSteps(d, req, resp), resp);
      break;
    }
    case 6: {
      v1::DataVersion resp;
      kompas::fuzz::CheckAnswer(logic.GetDataVersion(d, resp), resp);
      break;
    }
    default: {
      auto req = in.ParseRest<v1::ImportDataRequest>();
      req.set_validate_only(true);
      v1::ImportDataResponse resp;
      kompas::fuzz::CheckAnswer(logic.ImportData(req, resp), resp);
      if (logic.store().Current() != snapshot) std::abort();  // validate_only changed the set
      break;
    }
  }
  return 0;
}
