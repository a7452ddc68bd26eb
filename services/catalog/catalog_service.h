// kompas.catalog.v1.CatalogService on the shared runtime: each handler authenticates (scope
// compass; catalog.admin for ImportData and ReloadData) and answers from one snapshot of the
// catalogue, inline (in-memory lookups, microseconds). SearchOccupations and ListCareerSteps
// go through the Redis cache, keyed by the data version, so a reload or an import is never
// answered from a stale entry.
#ifndef KOMPAS_SERVICES_CATALOG_CATALOG_SERVICE_H_
#define KOMPAS_SERVICES_CATALOG_CATALOG_SERVICE_H_

#include <memory>

#include "kompas/catalog/v1/catalog.grpc.pb.h"
#include "services/catalog/catalog_logic.h"
#include "services/common/redis_cache.h"
#include "services/common/rpc.h"

namespace kompas::catalog {

inline constexpr char kCatalogServiceName[] = "kompas.catalog.v1.CatalogService";

class CatalogServiceImpl final : public v1::CatalogService::CallbackService {
 public:
  // `cache` may be null or disabled: then every call computes.
  CatalogServiceImpl(const RpcEnv& env, std::shared_ptr<const CatalogLogic> logic,
                     RedisCache* cache = nullptr)
      : env_(env), logic_(std::move(logic)), cache_(cache) {}

  grpc::ServerUnaryReactor* ResolveMunicipality(grpc::CallbackServerContext* ctx,
                                                const v1::ResolveMunicipalityRequest* request,
                                                v1::ResolveMunicipalityResponse* response) override;
  grpc::ServerUnaryReactor* GetRegion(grpc::CallbackServerContext* ctx,
                                      const v1::GetRegionRequest* request,
                                      v1::Region* response) override;
  grpc::ServerUnaryReactor* ListRegions(grpc::CallbackServerContext* ctx,
                                        const v1::ListRegionsRequest* request,
                                        v1::ListRegionsResponse* response) override;
  grpc::ServerUnaryReactor* GetOccupation(grpc::CallbackServerContext* ctx,
                                          const v1::GetOccupationRequest* request,
                                          v1::Occupation* response) override;
  grpc::ServerUnaryReactor* SearchOccupations(grpc::CallbackServerContext* ctx,
                                              const v1::SearchOccupationsRequest* request,
                                              v1::SearchOccupationsResponse* response) override;
  grpc::ServerUnaryReactor* ListCareerSteps(grpc::CallbackServerContext* ctx,
                                            const v1::ListCareerStepsRequest* request,
                                            v1::ListCareerStepsResponse* response) override;
  grpc::ServerUnaryReactor* GetDataVersion(grpc::CallbackServerContext* ctx,
                                           const v1::GetDataVersionRequest* request,
                                           v1::DataVersion* response) override;
  grpc::ServerUnaryReactor* ImportData(grpc::CallbackServerContext* ctx,
                                       const v1::ImportDataRequest* request,
                                       v1::ImportDataResponse* response) override;
  grpc::ServerUnaryReactor* ReloadData(grpc::CallbackServerContext* ctx,
                                       const v1::ReloadDataRequest* request,
                                       v1::ReloadDataResponse* response) override;

 private:
  const RpcEnv& env_;
  std::shared_ptr<const CatalogLogic> logic_;
  RedisCache* cache_;
};

}  // namespace kompas::catalog

#endif  // KOMPAS_SERVICES_CATALOG_CATALOG_SERVICE_H_
