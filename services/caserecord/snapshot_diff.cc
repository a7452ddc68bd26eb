#include "services/caserecord/snapshot_diff.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/budget/income/engine.h"

namespace kompas::caserecord {
namespace {

namespace bv1 = ::kompas::budget::v1;
namespace mv1 = ::kompas::matching::v1;
using kompas::budget::FormatEuro;

// A line's key: component (+ scheme) (+ adult), the key's path segment and Dutch name.
struct LineKey {
  int component = 0;
  std::string scheme_id;
  int adult = 0;
  bool operator<(const LineKey& o) const {
    return std::tie(component, scheme_id, adult) < std::tie(o.component, o.scheme_id, o.adult);
  }
};

// The Dutch name of a component, with its article, and whether its lines are costs (negative
// amounts: tax and costs of working).
struct ComponentName {
  const char* name;
  bool cost;
};

ComponentName NameOf(int component) {
  switch (component) {
    case bv1::INCOME_COMPONENT_GROSS_WAGE:
      return {"je brutoloon", false};
    case bv1::INCOME_COMPONENT_HOLIDAY_ALLOWANCE:
      return {"je vakantiegeld", false};
    case bv1::INCOME_COMPONENT_INCOME_TAX:
      return {"de loonheffing", true};
    case bv1::INCOME_COMPONENT_ALGEMENE_HEFFINGSKORTING:
      return {"je algemene heffingskorting", false};
    case bv1::INCOME_COMPONENT_ARBEIDSKORTING:
      return {"je arbeidskorting", false};
    case bv1::INCOME_COMPONENT_IACK:
      return {"je inkomensafhankelijke combinatiekorting", false};
    case bv1::INCOME_COMPONENT_OTHER_INCOME:
      return {"je overige inkomen", false};
    case bv1::INCOME_COMPONENT_ZORGTOESLAG:
      return {"je zorgtoeslag", false};
    case bv1::INCOME_COMPONENT_HUURTOESLAG:
      return {"je huurtoeslag", false};
    case bv1::INCOME_COMPONENT_KINDGEBONDEN_BUDGET:
      return {"je kindgebonden budget", false};
    case bv1::INCOME_COMPONENT_KINDERBIJSLAG:
      return {"je kinderbijslag", false};
    case bv1::INCOME_COMPONENT_KINDEROPVANGTOESLAG:
      return {"je kinderopvangtoeslag", false};
    case bv1::INCOME_COMPONENT_BIJSTAND:
      return {"je bijstand", false};
    case bv1::INCOME_COMPONENT_MUNICIPAL_SCHEME:
      return {"de regeling van de gemeente", false};
    case bv1::INCOME_COMPONENT_CHILDCARE_COST:
      return {"de kosten van kinderopvang", true};
    case bv1::INCOME_COMPONENT_COMMUTE_COST:
      return {"de reiskosten", true};
    default:
      return {"dit onderdeel", false};
  }
}

std::string Capitalised(std::string s) {
  if (!s.empty()) s[0] = absl::ascii_toupper(static_cast<unsigned char>(s[0]));
  return s;
}

std::string LinePath(const LineKey& key) {
  std::string segment;
  if (!key.scheme_id.empty()) {
    segment = key.scheme_id;
  } else {
    const std::string& full = bv1::IncomeComponent_Name(key.component);
    constexpr absl::string_view kPrefix = "INCOME_COMPONENT_";
    segment = absl::AsciiStrToLower(
        absl::string_view(full).substr(full.size() > kPrefix.size() ? kPrefix.size() : 0));
  }
  if (key.adult > 0) absl::StrAppend(&segment, ",adult=", key.adult);
  return absl::StrCat("calculation.lines[", segment, "]");
}

// " door de nieuwe regels (nl-2026-01)" when the rule-set changed, else "".
std::string RulesReason(const std::string& before, const std::string& after) {
  if (before == after || after.empty()) return "";
  return absl::StrCat(" door de nieuwe regels (", after, ")");
}

class Collector {
 public:
  // An amount: `subject` with its article ("je huurtoeslag"), `per` "maand" or "jaar".
  // For a cost, "hoger" means a larger cost: the line's amount is negative.
  void Money(std::string path, int64_t before, int64_t after, absl::string_view subject,
             absl::string_view per, absl::string_view reason, bool cost = false) {
    if (before == after) return;
    const int64_t change = after - before;
    const bool higher = cost ? std::llabs(after) > std::llabs(before) : change > 0;
    v1::SnapshotDifference d;
    d.set_field_path(std::move(path));
    d.set_before(FormatEuro(before));
    d.set_after(FormatEuro(after));
    d.mutable_change()->set_cents(change);
    d.set_explanation(absl::StrCat(Capitalised(std::string(subject)), " is nu ",
                                   FormatEuro(std::llabs(change)), " per ", per, " ",
                                   higher ? "hoger" : "lager", " dan toen", reason, "."));
    money_.push_back(std::move(d));
  }

  void Other(std::string path, std::string before, std::string after, std::string explanation) {
    v1::SnapshotDifference d;
    d.set_field_path(std::move(path));
    d.set_before(std::move(before));
    d.set_after(std::move(after));
    d.set_explanation(std::move(explanation));
    other_.push_back(std::move(d));
  }

  // Largest change in money first (stable), then the rest in the order found.
  std::vector<v1::SnapshotDifference> Take() {
    std::stable_sort(money_.begin(), money_.end(),
                     [](const v1::SnapshotDifference& a, const v1::SnapshotDifference& b) {
                       return std::llabs(a.change().cents()) > std::llabs(b.change().cents());
                     });
    std::vector<v1::SnapshotDifference> out = std::move(money_);
    for (v1::SnapshotDifference& d : other_) out.push_back(std::move(d));
    return out;
  }

 private:
  std::vector<v1::SnapshotDifference> money_;
  std::vector<v1::SnapshotDifference> other_;
};

std::string YesNo(bool b) { return b ? "ja" : "nee"; }

void RuleSet(Collector& c, const std::string& before, const std::string& after) {
  if (before == after) return;
  c.Other(
      "basis.rules.rule_set_id", before, after,
      absl::StrCat("De berekening gebruikt nu de regels ", after, " in plaats van ", before, "."));
}

}  // namespace

std::vector<v1::SnapshotDifference> DiffIncome(const bv1::CalculateIncomeResponse& before,
                                               const bv1::CalculateIncomeResponse& after) {
  Collector c;
  const bv1::IncomeCalculation& b = before.calculation();
  const bv1::IncomeCalculation& a = after.calculation();
  const std::string rules_before = before.basis().rules().rule_set_id().value();
  const std::string rules_after = after.basis().rules().rule_set_id().value();
  const std::string reason = RulesReason(rules_before, rules_after);

  struct Total {
    const char* path;
    const char* subject;
    const char* per;
    int64_t then;
    int64_t now;
  };
  const Total totals[] = {
      {"calculation.disposable_income", "je besteedbaar inkomen", "maand",
       b.disposable_income().cents(), a.disposable_income().cents()},
      {"calculation.margin", "wat je overhoudt (je marge)", "maand", b.margin().cents(),
       a.margin().cents()},
      {"calculation.required_budget", "het budget dat je nodig hebt", "maand",
       b.required_budget().cents(), a.required_budget().cents()},
      {"calculation.gross_monthly_wage", "je brutoloon", "maand", b.gross_monthly_wage().cents(),
       a.gross_monthly_wage().cents()},
      {"calculation.net_wage", "je nettoloon", "maand", b.net_wage().cents(), a.net_wage().cents()},
      {"calculation.costs_of_working", "wat werken je kost", "maand", b.costs_of_working().cents(),
       a.costs_of_working().cents()},
      {"calculation.bijstand_vrijlating", "het deel van je loon dat de bijstand niet meetelt",
       "maand", b.bijstand_vrijlating().cents(), a.bijstand_vrijlating().cents()},
      {"calculation.yearly_toetsingsinkomen", "het inkomen waarmee de toeslagen rekenen", "jaar",
       b.yearly_toetsingsinkomen().cents(), a.yearly_toetsingsinkomen().cents()},
  };
  for (const Total& t : totals) c.Money(t.path, t.then, t.now, t.subject, t.per, reason);

  // Lines, matched by component, scheme and adult; a missing line counts as € 0,00.
  std::map<LineKey, std::pair<int64_t, int64_t>> lines;
  for (const bv1::IncomeLine& l : b.lines()) {
    lines[{l.component(), l.scheme_id(), l.adult_number()}].first += l.monthly_amount().cents();
  }
  for (const bv1::IncomeLine& l : a.lines()) {
    lines[{l.component(), l.scheme_id(), l.adult_number()}].second += l.monthly_amount().cents();
  }
  for (const auto& [key, amounts] : lines) {
    const ComponentName name = NameOf(key.component);
    std::string subject = name.name;
    if (!key.scheme_id.empty()) subject = absl::StrCat(name.name, " ", key.scheme_id);
    c.Money(LinePath(key), amounts.first, amounts.second, subject, "maand", reason, name.cost);
  }

  if (b.lonend() != a.lonend()) {
    c.Other("calculation.lonend", YesNo(b.lonend()), YesNo(a.lonend()),
            a.lonend() ? absl::StrCat("Je hebt nu genoeg om van te leven", reason, ".")
                       : absl::StrCat("Je hebt nu niet meer genoeg om van te leven", reason, "."));
  }
  RuleSet(c, rules_before, rules_after);
  return c.Take();
}

std::vector<v1::SnapshotDifference> DiffMatch(const mv1::MatchResult& before,
                                              const mv1::MatchResult& after) {
  Collector c;
  const std::string rules_before = before.basis().rules().rule_set_id().value();
  const std::string rules_after = after.basis().rules().rule_set_id().value();
  const std::string reason = RulesReason(rules_before, rules_after);

  c.Money("current_margin", before.current_margin().cents(), after.current_margin().cents(),
          "wat je nu overhoudt (je marge)", "maand", reason);
  c.Money("current_disposable_income", before.current_disposable_income().cents(),
          after.current_disposable_income().cents(), "je besteedbaar inkomen", "maand", reason);
  c.Money("required_budget", before.required_budget().cents(), after.required_budget().cents(),
          "het budget dat je nodig hebt", "maand", reason);
  const bool lonend_before = before.current_margin().cents() >= 0;
  const bool lonend_after = after.current_margin().cents() >= 0;

  std::map<std::string, const mv1::Candidate*> then;
  std::map<std::string, const mv1::Candidate*> now;
  for (const mv1::Candidate& k : before.candidates()) then.emplace(k.occupation(), &k);
  for (const mv1::Candidate& k : after.candidates()) now.emplace(k.occupation(), &k);

  for (const auto& [occupation, b] : then) {
    auto it = now.find(occupation);
    if (it == now.end()) continue;
    const mv1::Candidate& a = *it->second;
    const std::string path = absl::StrCat("candidates[", occupation, "]");
    const std::string title = a.title().empty() ? occupation : a.title();
    c.Money(absl::StrCat(path, ".margin"), b->margin().cents(), a.margin().cents(),
            absl::StrCat("wat je als ", title, " overhoudt"), "maand", reason);
  }
  if (lonend_before != lonend_after) {
    c.Other("current_lonend", YesNo(lonend_before), YesNo(lonend_after),
            lonend_after
                ? absl::StrCat("Zonder ander werk heb je nu genoeg om van te leven", reason, ".")
                : absl::StrCat("Zonder ander werk heb je nu niet meer genoeg om van te leven",
                               reason, "."));
  }
  for (const auto& [occupation, b] : then) {
    auto it = now.find(occupation);
    if (it == now.end()) continue;
    const mv1::Candidate& a = *it->second;
    const std::string path = absl::StrCat("candidates[", occupation, "]");
    const std::string title = a.title().empty() ? occupation : a.title();
    if (b->lonend() != a.lonend()) {
      c.Other(absl::StrCat(path, ".lonend"), YesNo(b->lonend()), YesNo(a.lonend()),
              a.lonend()
                  ? absl::StrCat("Als ", title, " heb je nu genoeg om van te leven", reason, ".")
                  : absl::StrCat("Als ", title, " heb je nu niet meer genoeg om van te leven",
                                 reason, "."));
    }
    if (b->rank() != a.rank()) {
      c.Other(
          absl::StrCat(path, ".rank"), absl::StrCat(b->rank()), absl::StrCat(a.rank()),
          absl::StrCat(title, " staat nu op plaats ", a.rank(), " in plaats van ", b->rank(), "."));
    }
  }
  for (const auto& [occupation, a] : now) {
    if (then.count(occupation) > 0) continue;
    const std::string title = a->title().empty() ? occupation : a->title();
    c.Other(absl::StrCat("candidates[", occupation, "]"), "", absl::StrCat("plaats ", a->rank()),
            absl::StrCat(title, " staat nu in de lijst, op plaats ", a->rank(), "."));
  }
  for (const auto& [occupation, b] : then) {
    if (now.count(occupation) > 0) continue;
    const std::string title = b->title().empty() ? occupation : b->title();
    c.Other(absl::StrCat("candidates[", occupation, "]"), absl::StrCat("plaats ", b->rank()), "",
            absl::StrCat(title, " staat niet meer in de lijst."));
  }
  RuleSet(c, rules_before, rules_after);
  if (before.data().data_version() != after.data().data_version()) {
    c.Other("data.data_version", before.data().data_version(), after.data().data_version(),
            absl::StrCat("De gegevens over beroepen zijn bijgewerkt (versie ",
                         after.data().data_version(), ")."));
  }
  return c.Take();
}

absl::StatusOr<std::vector<v1::LevelSuggestion>> SuggestLevels(
    const v1::CompassSnapshot& snapshot) {
  int64_t required = 0;
  int64_t margin = 0;
  bool works = false;
  bool match = false;
  if (snapshot.has_income_response() && snapshot.has_income_request()) {
    required = snapshot.income_response().calculation().required_budget().cents();
    margin = snapshot.income_response().calculation().margin().cents();
    for (const auto& adult : snapshot.income_request().household().adults()) {
      works = works || adult.minutes_per_week() > 0;
    }
  } else if (snapshot.has_match_result() && snapshot.has_match_profile()) {
    match = true;
    required = snapshot.match_result().required_budget().cents();
    margin = snapshot.match_result().current_margin().cents();
    const auto& profile = snapshot.match_profile();
    const int seeker = profile.job_seeker();
    if (seeker >= 1 && seeker <= profile.household().adults_size()) {
      works = profile.household().adults(seeker - 1).minutes_per_week() > 0;
    }
  } else {
    return absl::FailedPreconditionError("compass_snapshot: holds no answer to derive levels from");
  }
  if (required <= 0) {
    return absl::FailedPreconditionError(
        "compass_snapshot: the answer has no required budget to measure the income against");
  }
  const int64_t disposable = required + margin;
  // Whole per cent, rounded down: 69,9 % is below 70 %.
  const int64_t percent = disposable <= 0 ? 0 : disposable * 100 / required;
  int financial = 5;
  if (percent < 70) {
    financial = 1;
  } else if (percent < 85) {
    financial = 2;
  } else if (percent < 100) {
    financial = 3;
  } else if (percent < 110) {
    financial = 4;
  }
  const bool situation_lonend = margin >= 0;
  const bool best_lonend = match && snapshot.lonend();
  int employment = 1;
  std::string employment_reason;
  if (works && situation_lonend) {
    employment = 5;
    employment_reason = "Je werkt en je verdient genoeg om van te leven.";
  } else if (works && best_lonend) {
    employment = 4;
    employment_reason =
        "Je werkt, maar je verdient nog niet genoeg om van te leven; met een van de beroepen "
        "in het kompas wel.";
  } else if (works) {
    employment = 3;
    employment_reason =
        "Je werkt, maar je verdient nog niet genoeg om van te leven, ook niet met de beroepen "
        "in het kompas.";
  } else if (best_lonend) {
    employment = 2;
    employment_reason =
        "Je werkt nu niet; met een van de beroepen in het kompas zou je genoeg verdienen om van "
        "te leven.";
  } else {
    employment_reason = match ? "Je werkt nu niet, en geen van de beroepen in het kompas levert "
                                "genoeg op om van te leven."
                              : "Je werkt nu niet.";
  }

  std::vector<v1::LevelSuggestion> out(2);
  out[0].set_pillar(v1::PILLAR_FINANCIAL_MANAGEMENT);
  out[0].set_suggested_level(financial);
  out[0].set_reason(
      margin < 0 ? absl::StrCat("Het besteedbaar inkomen ligt ", FormatEuro(-margin),
                                " per maand onder het benodigde budget (", percent, " % ervan).")
                 : absl::StrCat("Het besteedbaar inkomen ligt ", FormatEuro(margin),
                                " per maand boven het benodigde budget (", percent, " % ervan)."));
  out[0].set_compass_snapshot(snapshot.name());
  out[1].set_pillar(v1::PILLAR_EMPLOYMENT_CAREER);
  out[1].set_suggested_level(employment);
  out[1].set_reason(employment_reason);
  out[1].set_compass_snapshot(snapshot.name());
  return out;
}

}  // namespace kompas::caserecord
