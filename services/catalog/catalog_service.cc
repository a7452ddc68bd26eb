#include "services/catalog/catalog_service.h"

#include "absl/strings/str_cat.h"

namespace kompas::catalog {
namespace {

#define KOMPAS_CATALOG_METHOD(name, scope) \
  constexpr MethodSpec k##name { "kompas.catalog.v1.CatalogService/" #name, scope }

KOMPAS_CATALOG_METHOD(ResolveMunicipality, Scope::kCompass);
KOMPAS_CATALOG_METHOD(GetRegion, Scope::kCompass);
KOMPAS_CATALOG_METHOD(ListRegions, Scope::kCompass);
KOMPAS_CATALOG_METHOD(GetOccupation, Scope::kCompass);
KOMPAS_CATALOG_METHOD(SearchOccupations, Scope::kCompass);
KOMPAS_CATALOG_METHOD(ListCareerSteps, Scope::kCompass);
KOMPAS_CATALOG_METHOD(GetDataVersion, Scope::kCompass);
KOMPAS_CATALOG_METHOD(ImportData, Scope::kCatalogAdmin);
KOMPAS_CATALOG_METHOD(ReloadData, Scope::kCatalogAdmin);

#undef KOMPAS_CATALOG_METHOD

// Part of every cache key with the data version: change it whenever the same data gives
// different answers (a new field, another default view), so that old and new replicas never
// share cached answers.
constexpr char kAnswerFormat[] = "answers-2";

}  // namespace

grpc::ServerUnaryReactor* CatalogServiceImpl::ResolveMunicipality(
    grpc::CallbackServerContext* ctx, const v1::ResolveMunicipalityRequest* request,
    v1::ResolveMunicipalityResponse* response) {
  return ServeUnary(env_, ctx, kResolveMunicipality, [&](const CallInfo&) {
    return logic_->ResolveMunicipality(*logic_->store().Current(), *request, *response);
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetRegion(grpc::CallbackServerContext* ctx,
                                                        const v1::GetRegionRequest* request,
                                                        v1::Region* response) {
  return ServeUnary(env_, ctx, kGetRegion, [&](const CallInfo&) {
    return logic_->GetRegion(*logic_->store().Current(), *request, *response);
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListRegions(grpc::CallbackServerContext* ctx,
                                                          const v1::ListRegionsRequest* request,
                                                          v1::ListRegionsResponse* response) {
  return ServeUnary(env_, ctx, kListRegions, [&](const CallInfo&) {
    return logic_->ListRegions(*logic_->store().Current(), *request, *response);
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetOccupation(grpc::CallbackServerContext* ctx,
                                                            const v1::GetOccupationRequest* request,
                                                            v1::Occupation* response) {
  return ServeUnary(env_, ctx, kGetOccupation, [&](const CallInfo&) {
    return logic_->GetOccupation(*logic_->store().Current(), *request, *response);
  });
}

// The catalogue is the same for every organisation: no tenant part in the cache key.
grpc::ServerUnaryReactor* CatalogServiceImpl::SearchOccupations(
    grpc::CallbackServerContext* ctx, const v1::SearchOccupationsRequest* request,
    v1::SearchOccupationsResponse* response) {
  return ServeUnary(env_, ctx, kSearchOccupations, [&](const CallInfo&) -> absl::Status {
    const std::shared_ptr<const CatalogData> data = logic_->store().Current();
    const auto compute = [&] { return logic_->SearchOccupations(*data, *request, *response); };
    if (cache_ == nullptr || !cache_->enabled()) return compute();
    return cache_
        ->Fill(CacheKey::Of("catalog", "SearchOccupations",
                            absl::StrCat(kAnswerFormat, "|", data->version()), "", *request),
               *response, compute)
        .status();
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListCareerSteps(
    grpc::CallbackServerContext* ctx, const v1::ListCareerStepsRequest* request,
    v1::ListCareerStepsResponse* response) {
  return ServeUnary(env_, ctx, kListCareerSteps, [&](const CallInfo&) -> absl::Status {
    const std::shared_ptr<const CatalogData> data = logic_->store().Current();
    const auto compute = [&] { return logic_->ListCareerSteps(*data, *request, *response); };
    if (cache_ == nullptr || !cache_->enabled()) return compute();
    return cache_
        ->Fill(CacheKey::Of("catalog", "ListCareerSteps",
                            absl::StrCat(kAnswerFormat, "|", data->version()), "", *request),
               *response, compute)
        .status();
  });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetDataVersion(grpc::CallbackServerContext* ctx,
                                                             const v1::GetDataVersionRequest*,
                                                             v1::DataVersion* response) {
  return ServeUnary(env_, ctx, kGetDataVersion, [&](const CallInfo&) {
    return logic_->GetDataVersion(*logic_->store().Current(), *response);
  });
}

// Import and reload validate and build a whole catalogue (tens of milliseconds) on the callback
// thread; they are rare admin calls, serialised by the store.
grpc::ServerUnaryReactor* CatalogServiceImpl::ImportData(grpc::CallbackServerContext* ctx,
                                                         const v1::ImportDataRequest* request,
                                                         v1::ImportDataResponse* response) {
  return ServeUnary(env_, ctx, kImportData,
                    [&](const CallInfo&) { return logic_->ImportData(*request, *response); });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ReloadData(grpc::CallbackServerContext* ctx,
                                                         const v1::ReloadDataRequest*,
                                                         v1::ReloadDataResponse* response) {
  return ServeUnary(env_, ctx, kReloadData,
                    [&](const CallInfo&) { return logic_->ReloadData(*response); });
}

}  // namespace kompas::catalog
