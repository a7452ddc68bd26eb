// Fills the kompas.catalog.v1 API messages from a CatalogData snapshot, for the RPC handlers.
// Resource names: "regions/{am_code}", "municipalities/{gm_code}", "occupations/{brc_code}".
#ifndef KOMPAS_SERVICES_CATALOG_DATA_TO_PROTO_H_
#define KOMPAS_SERVICES_CATALOG_DATA_TO_PROTO_H_

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "kompas/catalog/v1/catalog.pb.h"
#include "kompas/type/v1/provenance.pb.h"
#include "services/catalog/data/catalog_data.h"

namespace kompas::catalog {

// "regions/AM01" -> "AM01", "occupations/0111" -> "0111", ...; "" when `name` does not start
// with `collection` + "/" or has nothing after it. The code itself is not checked.
absl::string_view CodeFromResourceName(absl::string_view name, absl::string_view collection);

std::string ResourceName(const Region& region);              // "regions/AM01"
std::string ResourceName(const Municipality& municipality);  // "municipalities/GM0014"
std::string ResourceName(const Occupation& occupation);      // "occupations/0111"

// A region; its municipality list only when `with_municipalities` (GetRegion).
void RegionToProto(const CatalogData& data, const Region& region, bool with_municipalities,
                   v1::Region* out);
void MunicipalityToProto(const CatalogData& data, const Municipality& municipality,
                         v1::Municipality* out);
// An occupation with wages, education, routes and cao wages. `demand_region` set: `demand` holds
// only that region's entry (level unspecified when unknown); null: every region with a known
// level. Sets `data_version`. OCCUPATION_VIEW_BASIC leaves out what v1::OccupationView says.
void OccupationToProto(const CatalogData& data, const Occupation& occupation,
                       const Region* demand_region, v1::Occupation* out,
                       v1::OccupationView view = v1::OCCUPATION_VIEW_FULL);
// One career step; `to_demand` only when `region` is set.
void CareerStepToProto(const CatalogData& data, const CareerStepResult& step, const Region* region,
                       v1::CareerStep* out);
void DataVersionToProto(const CatalogData& data, v1::DataVersion* out);
void DataErrorToProto(const DataError& error, v1::DataError* out);
// The data version, and for each data set in `used` that is SAMPLE: sample_data = true and its
// note (SearchOccupations: {kDemand, kTrainingRoutes}; ListCareerSteps: all three).
void ProvenanceToProto(const CatalogData& data, std::initializer_list<DataSet> used,
                       type::v1::DataProvenance* out);

}  // namespace kompas::catalog

#endif  // KOMPAS_SERVICES_CATALOG_DATA_TO_PROTO_H_
