#include "tools/cli/income.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "kompas/budget/v1/budget.grpc.pb.h"
#include "services/budget/income/engine.h"
#include "tools/cli/budget_client.h"
#include "tools/cli/table.h"

namespace kompas::cli {
namespace {

namespace bv1 = ::kompas::budget::v1;
using ::kompas::budget::FormatEuro;

// Exact "1.3" → 1300000 ppm, "19.12" → 1912 cents.
absl::StatusOr<std::int64_t> Scaled(absl::string_view text, int scale) {
  std::int64_t whole = 0;
  std::int64_t frac = 0;
  int digits = 0;
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.empty() || parts.size() > 2 || !absl::SimpleAtoi(parts[0], &whole) || whole < 0) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a number"));
  }
  if (parts.size() == 2) {
    if (parts[1].empty() || static_cast<int>(parts[1].size()) > scale ||
        !absl::SimpleAtoi(parts[1], &frac)) {
      return absl::InvalidArgumentError(absl::StrCat("'", text, "' has too many decimals"));
    }
    digits = static_cast<int>(parts[1].size());
  }
  std::int64_t mult = 1;
  for (int i = 0; i < scale; ++i) mult *= 10;
  std::int64_t frac_mult = 1;
  for (int i = digits; i < scale; ++i) frac_mult *= 10;
  return whole * mult + frac * frac_mult;
}

// Pads to `width` characters (not bytes: "€" is three bytes in UTF-8).
std::string Label(const Situation& s) {
  if (s.hours == 0) return "Geen werk (bijstand)";
  if (s.wage_factor_ppm == 1'000'000) return absl::StrCat(s.hours, " uur, minimumloon");
  if (s.wage_factor_ppm > 0) {
    std::string factor = absl::StrFormat("%.2f", static_cast<double>(s.wage_factor_ppm) / 1e6);
    while (factor.back() == '0') factor.pop_back();
    if (factor.back() == '.') factor.pop_back();
    for (char& ch : factor) ch = ch == '.' ? ',' : ch;
    return absl::StrCat(s.hours, " uur, ", factor, " × minimumloon");
  }
  return absl::StrCat(s.hours, " uur à ", FormatEuro(s.hourly_cents), " per uur");
}

}  // namespace

absl::StatusOr<std::vector<Situation>> ParseSituations(absl::string_view text) {
  std::vector<Situation> out;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    Situation s;
    std::vector<absl::string_view> hw = absl::StrSplit(item, '@');
    if (!absl::SimpleAtoi(hw[0], &s.hours) || s.hours < 0 || s.hours > 80) {
      return absl::InvalidArgumentError(
          absl::StrCat("--situations: '", item, "': hours must be 0..80"));
    }
    if (hw.size() == 1) {
      if (s.hours != 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--situations: '", item, "': give a wage, e.g. ", s.hours, "@wml"));
      }
    } else if (hw.size() == 2) {
      absl::string_view wage = hw[1];
      if (absl::ConsumeSuffix(&wage, "wml")) {
        absl::StatusOr<std::int64_t> f = wage.empty() ? 1'000'000 : Scaled(wage, 6);
        if (!f.ok() || *f <= 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("--situations: '", item, "': bad multiple"));
        }
        s.wage_factor_ppm = *f;
      } else {
        absl::StatusOr<std::int64_t> c = Scaled(wage, 2);
        if (!c.ok() || *c <= 0) {
          return absl::InvalidArgumentError(absl::StrCat("--situations: '", item, "': bad wage"));
        }
        s.hourly_cents = *c;
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--situations: '", item, "': use hours@wage"));
    }
    out.push_back(s);
  }
  if (out.empty()) return absl::InvalidArgumentError("--situations: give at least one situation");
  return out;
}

absl::StatusOr<IncomeReport> RunIncome(const StackFile& stack,
                                       const kompas::type::v1::Household& household,
                                       const std::vector<Situation>& situations,
                                       absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<bv1::BudgetService::Stub>> budget = BudgetStub(stack);
  if (!budget.ok()) return budget.status();
  bv1::BudgetService::Stub* stub = budget->get();
  auto context = [&](grpc::ClientContext& ctx) { PrepareContext(ctx, stack, timeout); };

  // The minimum wage in force comes from the service's own rule-sets, not from this tool.
  std::int64_t wml = 0;
  const bool needs_wml = std::any_of(situations.begin(), situations.end(),
                                     [](const Situation& s) { return s.wage_factor_ppm > 0; });
  if (needs_wml) {
    bv1::ListRuleSetsRequest req;
    req.set_view(bv1::RULE_SET_VIEW_FULL);
    req.set_page_size(1000);
    bv1::ListRuleSetsResponse resp;
    grpc::ClientContext ctx;
    context(ctx);
    if (absl::Status s = FromGrpc(stub->ListRuleSets(&ctx, req, &resp)); !s.ok()) return s;
    if (resp.rule_sets_size() == 0) return absl::FailedPreconditionError("budget has no rule-sets");
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    const bv1::RuleSet* in_force = &resp.rule_sets(resp.rule_sets_size() - 1);
    for (const bv1::RuleSet& rs : resp.rule_sets()) {
      const absl::CivilDay from(rs.valid_from().year(), rs.valid_from().month(),
                                rs.valid_from().day());
      const absl::CivilDay until(rs.valid_until().year(), rs.valid_until().month(),
                                 rs.valid_until().day());
      if (from <= today && today <= until) in_force = &rs;
    }
    for (const auto& p : in_force->parameters()) {
      if (p.key() == "wml.hourly_21plus") wml = p.value().money().cents();
    }
    if (wml == 0) return absl::FailedPreconditionError("budget reported no minimum wage");
  }

  bv1::CalculateIncomeBatchRequest req;
  *req.mutable_household() = household;
  IncomeReport report;
  report.minimum_wage = wml;
  for (const Situation& s : situations) {
    bv1::WorkScenario* sc = req.add_scenarios();
    report.labels.push_back(Label(s));
    sc->set_scenario_id(report.labels.back());
    bv1::AdultWork* w = sc->add_work();
    w->set_adult_number(1);
    std::int64_t cents = s.hourly_cents;
    if (s.wage_factor_ppm > 0) cents = (wml * s.wage_factor_ppm + 500'000) / 1'000'000;
    w->mutable_gross_hourly_wage()->set_cents(s.hours > 0 ? cents : 0);
    w->set_minutes_per_week(s.hours * 60);
  }
  grpc::ClientContext ctx;
  context(ctx);
  if (absl::Status s = FromGrpc(stub->CalculateIncomeBatch(&ctx, req, &report.response)); !s.ok()) {
    return s;
  }
  return report;
}

std::string FormatIncomeTable(const IncomeReport& report) {
  const bv1::CalculateIncomeBatchResponse& r = report.response;
  const auto& rules = r.basis().rules();
  std::string out;
  absl::StrAppend(&out, "Regels: ", rules.rule_set_id().value());
  if (rules.rules_outdated()) {
    absl::StrAppend(
        &out, absl::StrFormat(" (bedragen na %04d-%02d-%02d nog niet bekend: mogelijk verouderd)",
                              rules.rules_valid_until().year(), rules.rules_valid_until().month(),
                              rules.rules_valid_until().day()));
  }
  if (rules.estimated()) absl::StrAppend(&out, "; bevat geschatte waarden");
  const auto& local = r.basis().local_schemes();
  if (local.included()) {
    absl::StrAppend(
        &out, "\nRegelingen van de gemeente (", local.gemeente_code(), ") meegerekend",
        local.sample() ? " (met voorbeeldbedragen: controleer ze bij de gemeente)" : "");
  } else {
    absl::StrAppend(&out, "\nRegelingen van de gemeente (", local.gemeente_code(),
                    ") niet meegerekend: alleen landelijke regels");
  }
  absl::StrAppend(&out, "\n\nWat dit huishouden per maand nodig heeft (",
                  r.required_budget().standard().title(), "):\n");
  for (const auto& line : r.required_budget().lines()) {
    absl::StrAppend(&out, "  ", Pad(line.description(), 78, true), " ",
                    Pad(FormatEuro(line.monthly_amount().cents()), 12, false), "\n");
  }
  absl::StrAppend(&out, "  ", Pad("Totaal nodig", 78, true), " ",
                  Pad(FormatEuro(r.required_budget().total().cents()), 12, false), "\n\n");
  absl::StrAppend(&out, Pad("Situatie", 30, true), Pad("Te besteden", 14, false),
                  Pad("Nodig", 14, false), Pad("Verschil", 14, false), "  Lonend?\n");
  for (int i = 0; i < r.results_size(); ++i) {
    const auto& c = r.results(i).calculation();
    absl::StrAppend(&out, Pad(r.results(i).scenario_id(), 30, true),
                    Pad(FormatEuro(c.disposable_income().cents()), 14, false),
                    Pad(FormatEuro(c.required_budget().cents()), 14, false),
                    Pad(FormatEuro(c.margin().cents()), 14, false), "  ", c.lonend() ? "ja" : "nee",
                    "\n");
  }
  return out;
}

std::string FormatIncomeJson(const IncomeReport& report) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(report.response, &json, options);
  return json;
}

}  // namespace kompas::cli
