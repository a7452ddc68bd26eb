// occupations, wages, regions and demand: the gRPC face of the catalog service. The logic lives in
// this library so that it is testable without a network; main.cc only wires it into the shared
// runtime.
#ifndef KOMPAS_SERVICES_CATALOG_CATALOG_SERVICE_H_
#define KOMPAS_SERVICES_CATALOG_CATALOG_SERVICE_H_

#include "kompas/catalog/v1/catalog.grpc.pb.h"
#include "services/common/rpc.h"

namespace kompas::catalog {

inline constexpr char kCatalogServiceName[] = "kompas.catalog.v1.CatalogService";

// Occupations, wages, education, regional demand and career steps (issue 7).
// Methods not yet built answer UNIMPLEMENTED (gRPC's default); see the README's status table.
class CatalogServiceImpl final : public kompas::catalog::v1::CatalogService::CallbackService {
 public:
  explicit CatalogServiceImpl(const RpcEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] const RpcEnv& env_;
};

}  // namespace kompas::catalog

#endif  // KOMPAS_SERVICES_CATALOG_CATALOG_SERVICE_H_
