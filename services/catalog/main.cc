// kompas-catalog: occupations, wages, regions, demand and career steps.
#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "services/catalog/catalog_service.h"
#include "services/common/server_main.h"

ABSL_FLAG(std::string, catalog_dirs, "data/jobs,data/regions",
          "comma-separated directories of the catalogue files: the first holds manifest.csv; "
          "each file is read from the first directory that has it");
ABSL_FLAG(std::string, catalog_import_dir, "",
          "where applied imports are kept (<dir>/<version>/, <dir>/current); empty: an import "
          "lasts until the process ends");

int main(int argc, char** argv) {
  return kompas::RunServerMain(
      argc, argv, "catalog",
      "kompas-catalog: occupations, wages, regions and demand (gRPC; see README.md)",
      [](kompas::ServerRuntime& rt, std::vector<std::shared_ptr<void>>& keep) -> absl::Status {
        std::vector<std::string> dirs =
            absl::StrSplit(absl::GetFlag(FLAGS_catalog_dirs), ',', absl::SkipEmpty());
        absl::StatusOr<std::unique_ptr<kompas::catalog::CatalogStore>> store =
            kompas::catalog::CatalogStore::Open(dirs, absl::GetFlag(FLAGS_catalog_import_dir));
        if (!store.ok()) return store.status();
        std::shared_ptr<kompas::catalog::CatalogStore> shared = *std::move(store);
        auto logic = std::make_shared<const kompas::catalog::CatalogLogic>(shared.get());
        auto service =
            std::make_shared<kompas::catalog::CatalogServiceImpl>(rt.env(), logic, &rt.cache());
        rt.AddService(service.get(), kompas::catalog::kCatalogServiceName);
        rt.AddReloadHook("catalog", [store = shared.get(), &rt]() -> absl::Status {
          kompas::catalog::CatalogBuild build = store->Reload();
          if (!build.errors.empty()) return kompas::catalog::ErrorsToStatus(build.errors, 20);
          rt.logger().Info("catalog_loaded",
                           {{"version", build.data->version()}, {"source", store->Source()}});
          return absl::OkStatus();
        });
        rt.logger().Info("catalog_loaded",
                         {{"version", shared->Current()->version()}, {"source", shared->Source()}});
        keep.push_back(shared);
        keep.push_back(service);
        return absl::OkStatus();
      });
}
