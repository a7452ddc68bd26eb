// The attacker of the report tests, written apart from the suppression code: which hidden
// entries of a two-way table with margins can be solved from the published ones.
#ifndef KOMPAS_SERVICES_CASERECORD_REPORT_TESTS_ATTACK_H_
#define KOMPAS_SERVICES_CASERECORD_REPORT_TESTS_ATTACK_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace kompas::caserecord::report::testing {

// Entries (r, c) with r in 0..regions (regions = the margin row), c in 0..cohorts, row-major.
// Every line equation: sum of a row's cells = its margin, sum of a column's cells = its margin.
// Returns, per entry, whether it is hidden and yet determined: its unit vector lies in the row
// space of the equations restricted to the hidden unknowns. Exact arithmetic modulo a prime
// (the equations are a network matrix, totally unimodular, so ranks agree with the rationals).
inline std::vector<bool> SolvableHiddenEntries(int regions, int cohorts,
                                               const std::vector<bool>& hidden) {
  constexpr int64_t kP = 1000000007;
  const int cols = cohorts + 1;
  std::vector<int> unknown(hidden.size(), -1);
  int n = 0;
  for (size_t i = 0; i < hidden.size(); ++i) {
    if (hidden[i]) unknown[i] = n++;
  }
  std::vector<std::vector<int64_t>> rows;
  auto add_equation = [&](const std::vector<std::pair<size_t, int64_t>>& terms) {
    std::vector<int64_t> row(static_cast<size_t>(n), 0);
    bool any = false;
    for (const auto& [entry, coefficient] : terms) {
      if (unknown[entry] < 0) continue;  // published: moves to the right-hand side
      row[static_cast<size_t>(unknown[entry])] = (coefficient + kP) % kP;
      any = true;
    }
    if (any) rows.push_back(std::move(row));
  };
  auto at = [cols](int r, int c) { return static_cast<size_t>(r * cols + c); };
  for (int r = 0; r <= regions; ++r) {
    std::vector<std::pair<size_t, int64_t>> terms;
    for (int c = 0; c < cohorts; ++c) terms.emplace_back(at(r, c), 1);
    terms.emplace_back(at(r, cohorts), -1);
    add_equation(terms);
  }
  for (int c = 0; c <= cohorts; ++c) {
    std::vector<std::pair<size_t, int64_t>> terms;
    for (int r = 0; r < regions; ++r) terms.emplace_back(at(r, c), 1);
    terms.emplace_back(at(regions, c), -1);
    add_equation(terms);
  }
  auto power = [](int64_t b, int64_t e) {
    int64_t result = 1;
    b %= kP;
    while (e > 0) {
      if (e & 1) result = result * b % kP;
      b = b * b % kP;
      e >>= 1;
    }
    return result;
  };
  // Reduced row echelon form.
  size_t rank = 0;
  for (int col = 0; col < n && rank < rows.size(); ++col) {
    const auto c = static_cast<size_t>(col);
    size_t pivot = rank;
    while (pivot < rows.size() && rows[pivot][c] == 0) ++pivot;
    if (pivot == rows.size()) continue;
    std::swap(rows[pivot], rows[rank]);
    const int64_t inverse = power(rows[rank][c], kP - 2);
    for (int64_t& v : rows[rank]) v = v * inverse % kP;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i == rank || rows[i][c] == 0) continue;
      const int64_t f = rows[i][c];
      for (size_t j = 0; j < rows[i].size(); ++j) {
        rows[i][j] = ((rows[i][j] - f * rows[rank][j]) % kP + kP) % kP;
      }
    }
    ++rank;
  }
  // An unknown is determined exactly when some reduced row is its unit vector.
  std::vector<bool> solvable(hidden.size(), false);
  for (size_t r = 0; r < rank; ++r) {
    int nonzero = 0;
    size_t last = 0;
    for (size_t j = 0; j < rows[r].size(); ++j) {
      if (rows[r][j] != 0) {
        ++nonzero;
        last = j;
      }
    }
    if (nonzero != 1) continue;
    for (size_t i = 0; i < hidden.size(); ++i) {
      if (unknown[i] == static_cast<int>(last)) solvable[i] = true;
    }
  }
  return solvable;
}

}  // namespace kompas::caserecord::report::testing

#endif  // KOMPAS_SERVICES_CASERECORD_REPORT_TESTS_ATTACK_H_
