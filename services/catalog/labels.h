// Dutch words for catalogue levels, for answers and terminals (matching's reasons, the CLI).
#ifndef KOMPAS_SERVICES_CATALOG_LABELS_H_
#define KOMPAS_SERVICES_CATALOG_LABELS_H_

#include <string>

#include "kompas/catalog/v1/catalog.pb.h"

namespace kompas::catalog {

// "zeer ruim" … "zeer krap"; "onbekend" for an unset or unknown level.
inline std::string DemandText(v1::DemandLevel level) {
  switch (level) {
    case v1::DEMAND_LEVEL_ZEER_RUIM:
      return "zeer ruim";
    case v1::DEMAND_LEVEL_RUIM:
      return "ruim";
    case v1::DEMAND_LEVEL_GEMIDDELD:
      return "gemiddeld";
    case v1::DEMAND_LEVEL_KRAP:
      return "krap";
    case v1::DEMAND_LEVEL_ZEER_KRAP:
      return "zeer krap";
    default:
      return "onbekend";
  }
}

}  // namespace kompas::catalog

#endif  // KOMPAS_SERVICES_CATALOG_LABELS_H_
