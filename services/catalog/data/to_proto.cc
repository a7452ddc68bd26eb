#include "services/catalog/data/to_proto.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace kompas::catalog {
namespace {

void TrainingToProto(const Training& t, v1::Training* out) {
  out->set_pathway(static_cast<v1::TrainingPathway>(static_cast<int>(t.pathway)));
  out->set_level(static_cast<v1::EducationLevel>(static_cast<int>(t.level)));
  out->set_typical_months(t.typical_months);
  out->set_paid(t.paid);
  out->set_description(t.description);
  out->set_sample(t.sample);
}

void DemandToProto(const CatalogData& data, const Region& region, const RegionalDemand& d,
                   v1::RegionalDemand* out) {
  out->set_region(ResourceName(region));
  out->set_level(static_cast<v1::DemandLevel>(static_cast<int>(d.level)));
  out->set_quarter(d.quarter);
  out->set_sample(d.level != DemandLevel::kUnknown && data.IsSample(DataSet::kDemand));
}

}  // namespace

absl::string_view CodeFromResourceName(absl::string_view name, absl::string_view collection) {
  if (name.size() <= collection.size() + 1 || !absl::StartsWith(name, collection) ||
      name[collection.size()] != '/') {
    return "";
  }
  return name.substr(collection.size() + 1);
}

std::string ResourceName(const Region& region) { return absl::StrCat("regions/", region.code); }
std::string ResourceName(const Municipality& municipality) {
  return absl::StrCat("municipalities/", municipality.code);
}
std::string ResourceName(const Occupation& occupation) {
  return absl::StrCat("occupations/", occupation.code);
}

void RegionToProto(const CatalogData& data, const Region& region, bool with_municipalities,
                   v1::Region* out) {
  out->set_name(ResourceName(region));
  out->set_code(region.code);
  out->set_display_name(region.name);
  for (const std::string& alias : region.aliases) out->add_aliases(alias);
  if (with_municipalities) {
    for (const int m : region.municipalities) {
      MunicipalityToProto(data, data.municipalities()[static_cast<std::size_t>(m)],
                          out->add_municipalities());
    }
  }
}

void MunicipalityToProto(const CatalogData& data, const Municipality& municipality,
                         v1::Municipality* out) {
  out->set_name(ResourceName(municipality));
  out->set_code(municipality.code);
  out->set_display_name(municipality.name);
  out->set_region(ResourceName(data.regions()[static_cast<std::size_t>(municipality.region)]));
}

void OccupationToProto(const CatalogData& data, const Occupation& o, const Region* demand_region,
                       v1::Occupation* out, v1::OccupationView view) {
  const bool full = view == v1::OCCUPATION_VIEW_FULL;
  out->set_name(ResourceName(o));
  out->set_brc_code(o.code);
  out->set_title(o.title);
  const BrcCategory& segment = data.segments()[static_cast<std::size_t>(o.segment)];
  const BrcCategory& klasse = data.classes()[static_cast<std::size_t>(o.klasse)];
  out->mutable_segment()->set_code(segment.code);
  out->mutable_segment()->set_title(segment.title);
  out->mutable_brc_class()->set_code(klasse.code);
  out->mutable_brc_class()->set_title(klasse.title);
  for (std::size_t i = 0; full && i < o.isco_units.size(); ++i) {
    v1::IscoUnit* unit = out->add_isco_units();
    unit->set_code(o.isco_units[i].code);
    unit->set_title(o.isco_units[i].title);
  }
  const WageIndex& wi = data.wage_index();
  v1::Wages* w = out->mutable_wages();
  w->mutable_p25()->set_cents(o.wages.p25_cents);
  w->mutable_p50()->set_cents(o.wages.p50_cents);
  w->mutable_p75()->set_cents(o.wages.p75_cents);
  w->set_source_year(wi.source_year);
  w->set_indexed_to_year(wi.target_year);
  w->mutable_index_factor()->set_ppm(static_cast<int32_t>(wi.factor_ppm));
  if (full) w->set_index_source(wi.source);
  w->set_index_estimated(wi.estimated);
  w->mutable_statutory_minimum()->set_cents(wi.minimum_wage_cents);
  w->set_p25_raised_to_minimum(o.wages.p25_raised_to_minimum);
  w->set_p50_raised_to_minimum(o.wages.p50_raised_to_minimum);
  w->set_employees_thousands(o.wages.employees_thousands < 0 ? 0 : o.wages.employees_thousands);
  w->set_published_for_brc_code(o.wages.published_for);
  v1::Education* e = out->mutable_education();
  e->set_level(static_cast<v1::EducationLevel>(static_cast<int>(o.education)));
  e->set_derived(true);
  if (full) e->set_derivation(o.education_derivation);
  for (const Training& t : o.training_routes) TrainingToProto(t, out->add_training_routes());
  if (demand_region != nullptr) {
    DemandToProto(data, *demand_region, o.demand[static_cast<std::size_t>(demand_region->index)],
                  out->add_demand());
  } else {
    for (const Region& r : data.regions()) {
      const RegionalDemand& d = o.demand[static_cast<std::size_t>(r.index)];
      if (d.level != DemandLevel::kUnknown) DemandToProto(data, r, d, out->add_demand());
    }
  }
  for (const CaoWage& c : o.cao_wages) {
    v1::CaoWage* cw = out->add_cao_wages();
    cw->set_cao(c.cao);
    cw->set_scale(c.scale);
    cw->mutable_hourly_wage()->set_cents(c.hourly_cents);
    cw->mutable_valid_from()->set_year(c.valid_year);
    cw->mutable_valid_from()->set_month(c.valid_month);
    cw->mutable_valid_from()->set_day(c.valid_day);
    cw->set_source_url(c.source_url);
  }
  if (full) out->set_data_version(data.version());
}

void CareerStepToProto(const CatalogData& data, const CareerStepResult& step, const Region* region,
                       v1::CareerStep* out) {
  const Occupation& from = data.occupations()[static_cast<std::size_t>(step.edge->from)];
  const Occupation& to = data.occupations()[static_cast<std::size_t>(step.edge->to)];
  out->set_from_occupation(ResourceName(from));
  out->set_to_occupation(ResourceName(to));
  out->set_to_title(to.title);
  TrainingToProto(step.edge->training, out->mutable_training());
  out->mutable_median_wage_gain()->set_cents(step.wage_gain_cents);
  out->mutable_to_median_hourly_wage()->set_cents(to.wages.p50_cents);
  out->set_to_education_level(static_cast<v1::EducationLevel>(static_cast<int>(to.education)));
  if (region != nullptr) {
    DemandToProto(data, *region, to.demand[static_cast<std::size_t>(region->index)],
                  out->mutable_to_demand());
  }
  out->set_depth(step.depth);
  out->set_derivation(static_cast<v1::StepDerivation>(static_cast<int>(step.edge->derivation)));
  out->set_derivation_note(step.edge->note);
  out->set_sample(step.edge->sample);
}

void DataVersionToProto(const CatalogData& data, v1::DataVersion* out) {
  out->set_data_version(data.version());
  const absl::Time t = data.load_time();
  const int64_t seconds = absl::ToUnixSeconds(t);
  out->mutable_load_time()->set_seconds(seconds);
  out->mutable_load_time()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  for (const FileInfo& f : data.files()) {
    v1::DataFileInfo* info = out->add_files();
    info->set_file_name(f.name);
    info->set_description(f.description);
    info->set_source(f.source);
    info->set_year(f.year);
    info->set_licence(f.licence);
    info->set_sample(f.sample);
    info->set_sha256(f.sha256_hex);
  }
}

void DataErrorToProto(const DataError& error, v1::DataError* out) {
  out->set_file_name(error.file);
  out->set_line(error.line);
  out->set_column(error.column);
  out->set_message(error.message);
}

void ProvenanceToProto(const CatalogData& data, std::initializer_list<DataSet> used,
                       type::v1::DataProvenance* out) {
  out->set_data_version(data.version());
  for (const DataSet set : used) {
    if (!data.IsSample(set)) continue;
    out->set_sample_data(true);
    out->add_sample_notes(data.SampleNote(set));
  }
}

}  // namespace kompas::catalog
