// Cell suppression for the network report: k-anonymity with complementary suppression on a
// two-way table with margins (docs/metrics.md, "Suppression").
//
// A figure of the report is one table: rows 0..R-1 are the regions and row R their total,
// columns 0..C-1 the intake cohorts and column C their total; entry (r, c) is the figure of
// the participants of region r and cohort c, (r, C) of region r, (R, c) of cohort c and (R, C)
// of everyone. Every report of a period — by region, by cohort, by both, or neither — is read
// from the same protected tables, so that reports with different groupings publish entries of
// one table and together can never tell more than the whole protected table.
//
// The additive structure: the counts (participants, each outcome) and, for the means and
// shares, their hidden numerators and denominators, add up along every row and column. Writing
// the margins negated, every line of the (R+1) x (C+1) table sums to zero, so the hidden
// entries are the unknowns of a two-way table with known margins. In such a table an unknown
// is determined by the published entries exactly when its edge is a bridge of the bipartite
// graph (rows, columns; an edge per hidden entry) — it lies on no cycle (Gusfield 1988). The
// protection therefore iterates to a fixed point:
//   1. primary suppression (the caller's rule, e.g. 0 < n < k);
//   2. every entry hidden in `forced` (e.g. all figures of a group whose participant count is
//      hidden) is hidden;
//   3. for count tables (`interval_rule`): in every line whose margin is published, each hidden
//      entry must keep at least two values consistent with the line's sum and with what the
//      marks say (a primary entry is 1..k-1, a complementary one at least k); otherwise the
//      smallest published non-empty entry of the line is hidden too, or the margin;
//   4. while a hidden entry is a bridge, the cheapest rectangle (i, j), (i, j'), (i', j),
//      (i', j') through it is hidden, which puts it on a 4-cycle.
// Empty entries (no participants: known to be zero in every figure) are never hidden.
#ifndef KOMPAS_SERVICES_CASERECORD_REPORT_K_ANONYMITY_H_
#define KOMPAS_SERVICES_CASERECORD_REPORT_K_ANONYMITY_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kompas::caserecord::report {

inline constexpr int kReportK = 10;

enum class Mark : uint8_t { kPublished = 0, kPrimary = 1, kComplementary = 2 };

// The shape of the tables: `regions` x `cohorts` groups plus margins; entries are indexed
// row-major, (r, c) at r * (cohorts + 1) + c, with r == regions / c == cohorts the margins.
struct TableShape {
  int regions = 0;
  int cohorts = 0;
  int rows() const { return regions + 1; }
  int cols() const { return cohorts + 1; }
  size_t size() const { return static_cast<size_t>(rows()) * static_cast<size_t>(cols()); }
  size_t Index(int r, int c) const {
    return static_cast<size_t>(r) * static_cast<size_t>(cols()) + static_cast<size_t>(c);
  }
  bool IsMargin(int r, int c) const { return r == regions || c == cohorts; }
};

struct ProtectInput {
  TableShape shape;
  int k = kReportK;
  // Per entry: no participants (never hidden); primary suppression; hidden because another
  // figure of the same group is hidden; the cost of hiding it as a complement (smaller is
  // preferred; margins cost more on top).
  std::vector<bool> empty;
  std::vector<bool> primary;
  std::vector<bool> forced;
  std::vector<int64_t> cost;
  // Count tables: the entry values, and whether to apply the line rule (3) with the marks'
  // domains (primary 1..k-1, complementary >= k). Only valid where every non-primary hidden
  // non-empty entry is at least k, i.e. the participant count itself.
  bool interval_rule = false;
  std::vector<int64_t> value;
};

// The marks of every entry: primary, complementary or published. Never hides an empty entry.
std::vector<Mark> Protect(const ProtectInput& input);

// The hidden entries that are determined by the published ones through the table's line
// equations (bridges of the bipartite graph of hidden entries). Empty after Protect.
std::vector<size_t> DeterminedEntries(const TableShape& shape, const std::vector<Mark>& marks);

// Rule 3 for one line: `hidden` are the marks of the hidden entries of a line whose margin is
// published and `hidden_sum` their total (margin minus the published entries). True when each
// keeps at least two feasible values.
bool LineKeepsTwoValues(const std::vector<Mark>& hidden, int64_t hidden_sum, int k);

}  // namespace kompas::caserecord::report

#endif  // KOMPAS_SERVICES_CASERECORD_REPORT_K_ANONYMITY_H_
