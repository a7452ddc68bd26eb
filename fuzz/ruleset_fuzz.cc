// The rule-set loader on bytes. The first byte picks:
//   0  one rule-set file (ParseRuleSet), and a book of it (RuleBook::Create, Select);
//   1  one kinderopvangtoeslag table file (ParseKotTable);
//   2  a whole rules directory (RuleBook::FromFiles): the next byte gives the number of
//      rule-set files (0..3) and of table files (0..2), each file a chunk.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "fuzz/fuzz_input.h"
#include "services/budget/rules/ruleset.h"

namespace {

namespace budget = kompas::budget;
using kompas::fuzz::RequireNoInternalError;

void UseBook(const budget::RuleBook& book) {
  for (const budget::RuleSet& rs : book.rule_sets()) {
    (void)rs.EstimatedKeys();
    // A book's periods are contiguous: every rule-set's first day selects it.
    auto sel = book.Select(rs.valid_from);
    if (!sel.ok() || sel->rules != &rs || sel->outdated) std::abort();
  }
  (void)book.Select(absl::CivilDay(1900, 1, 1));
  (void)book.Select(absl::CivilDay(2100, 1, 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kompas::fuzz::FuzzInput in(data, size);
  switch (in.Byte() % 3) {
    case 0: {
      auto rs = budget::ParseRuleSet(in.Rest(), "nl/fuzz.yaml");
      RequireNoInternalError(rs.status());
      if (!rs.ok()) break;
      std::vector<budget::RuleSet> sets;
      sets.push_back(*std::move(rs));
      auto book = budget::RuleBook::Create(std::move(sets));
      RequireNoInternalError(book.status());
      if (book.ok()) UseBook(*book);
      break;
    }
    case 1:
      RequireNoInternalError(budget::ParseKotTable(in.Rest(), "tables/fuzz.yaml").status());
      break;
    default: {
      const std::uint8_t counts = in.Byte();
      std::vector<budget::TextFile> sets, tables;
      for (int i = 0; i < counts % 4; ++i) {
        sets.push_back({"nl/" + std::to_string(i) + ".yaml", std::string(in.Chunk())});
      }
      for (int i = 0; i < (counts / 4) % 3; ++i) {
        tables.push_back({"nl/tables/" + std::to_string(i) + ".yaml", std::string(in.Chunk())});
      }
      auto book = budget::RuleBook::FromFiles(sets, tables);
      RequireNoInternalError(book.status());
      if (book.ok()) UseBook(*book);
      break;
    }
  }
  return 0;
}
