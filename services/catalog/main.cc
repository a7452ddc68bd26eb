// kompas-catalog: occupations, wages, regions and demand.
#include "services/catalog/catalog_service.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "catalog",
      "kompas-catalog: occupations, wages, regions and demand (gRPC; see README.md)",
      [](kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) {
        auto service = std::make_shared<kompas::catalog::CatalogServiceImpl>(rt.env());
        rt.AddService(service.get(), kompas::catalog::kCatalogServiceName);
        keep.push_back(service);
        return absl::OkStatus();
      });
}
