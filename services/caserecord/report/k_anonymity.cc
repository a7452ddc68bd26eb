#include "services/caserecord/report/k_anonymity.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

namespace kompas::caserecord::report {
namespace {

constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max() / 4;
// Extra cost of hiding a margin (a whole region's or cohort's figure) and the grand total,
// so that interior groups are hidden first.
constexpr int64_t kMarginPenalty = int64_t{1} << 40;
constexpr int64_t kTotalPenalty = int64_t{1} << 50;

bool Hidden(Mark m) { return m != Mark::kPublished; }

// Bridges of the bipartite graph whose nodes are the rows and columns of the table and whose
// edges are the hidden entries (Tarjan's lowlink). Returns the entries that are bridges.
class BridgeFinder {
 public:
  BridgeFinder(const TableShape& shape, const std::vector<Mark>& marks) {
    const int nodes = shape.rows() + shape.cols();
    adjacency_.resize(static_cast<size_t>(nodes));
    for (int r = 0; r < shape.rows(); ++r) {
      for (int c = 0; c < shape.cols(); ++c) {
        const size_t e = shape.Index(r, c);
        if (!Hidden(marks[e])) continue;
        const int col_node = shape.rows() + c;
        adjacency_[static_cast<size_t>(r)].push_back({col_node, e});
        adjacency_[static_cast<size_t>(col_node)].push_back({r, e});
      }
    }
    order_.assign(static_cast<size_t>(nodes), -1);
    low_.assign(static_cast<size_t>(nodes), 0);
  }

  std::vector<size_t> Bridges() {
    for (size_t v = 0; v < adjacency_.size(); ++v) {
      if (order_[v] < 0) Visit(static_cast<int>(v), std::numeric_limits<size_t>::max());
    }
    std::sort(bridges_.begin(), bridges_.end());
    return bridges_;
  }

 private:
  struct Edge {
    int to;
    size_t entry;
  };

  void Visit(int v, size_t via_entry) {
    const auto vi = static_cast<size_t>(v);
    order_[vi] = low_[vi] = counter_++;
    for (const Edge& e : adjacency_[vi]) {
      if (e.entry == via_entry) continue;
      const auto to = static_cast<size_t>(e.to);
      if (order_[to] < 0) {
        Visit(e.to, e.entry);
        low_[vi] = std::min(low_[vi], low_[to]);
        if (low_[to] > order_[vi]) bridges_.push_back(e.entry);
      } else {
        low_[vi] = std::min(low_[vi], order_[to]);
      }
    }
  }

  std::vector<std::vector<Edge>> adjacency_;
  std::vector<int> order_;
  std::vector<int> low_;
  int counter_ = 0;
  std::vector<size_t> bridges_;
};

class Protector {
 public:
  explicit Protector(const ProtectInput& in) : in_(in), shape_(in.shape) {
    marks_.assign(shape_.size(), Mark::kPublished);
    for (size_t i = 0; i < shape_.size(); ++i) {
      if (in_.empty[i]) continue;
      if (in_.primary[i]) {
        marks_[i] = Mark::kPrimary;
      } else if (in_.forced[i]) {
        marks_[i] = Mark::kComplementary;
      }
    }
  }

  std::vector<Mark> Run() {
    for (;;) {
      if (in_.interval_rule && ApplyLineRule()) continue;
      const std::vector<size_t> bridges = DeterminedEntries(shape_, marks_);
      if (bridges.empty()) break;
      CloseCycle(bridges.front());
    }
    return marks_;
  }

 private:
  int64_t Cost(int r, int c) const {
    int64_t cost = in_.cost[shape_.Index(r, c)];
    if (r == shape_.regions && c == shape_.cohorts) {
      cost += kTotalPenalty;
    } else if (shape_.IsMargin(r, c)) {
      cost += kMarginPenalty;
    }
    return cost;
  }

  void Hide(size_t i) {
    if (marks_[i] == Mark::kPublished) marks_[i] = Mark::kComplementary;
  }

  // Rule 3 on every line with a published margin; true when it hid something.
  bool ApplyLineRule() {
    bool changed = false;
    // Rows (r, 0..C-1) with margin (r, C), then columns (0..R-1, c) with margin (R, c).
    for (int r = 0; r < shape_.rows(); ++r) {
      std::vector<size_t> line;
      for (int c = 0; c < shape_.cohorts; ++c) line.push_back(shape_.Index(r, c));
      changed |= FixLine(line, shape_.Index(r, shape_.cohorts));
    }
    for (int c = 0; c < shape_.cols(); ++c) {
      std::vector<size_t> line;
      for (int r = 0; r < shape_.regions; ++r) line.push_back(shape_.Index(r, c));
      changed |= FixLine(line, shape_.Index(shape_.regions, c));
    }
    return changed;
  }

  bool FixLine(const std::vector<size_t>& line, size_t margin) {
    if (Hidden(marks_[margin])) return false;
    bool changed = false;
    for (;;) {
      std::vector<Mark> hidden;
      int64_t hidden_sum = in_.value[margin];
      size_t cheapest = margin;
      for (size_t e : line) {
        if (Hidden(marks_[e])) {
          hidden.push_back(marks_[e]);
        } else {
          hidden_sum -= in_.value[e];
          if (!in_.empty[e] && (cheapest == margin || in_.value[e] < in_.value[cheapest])) {
            cheapest = e;
          }
        }
      }
      if (hidden.empty() || LineKeepsTwoValues(hidden, hidden_sum, in_.k)) return changed;
      Hide(cheapest);  // the margin when no published non-empty entry is left
      changed = true;
      if (cheapest == margin) return changed;
    }
  }

  // Hides the cheapest rectangle through the hidden entry `entry`.
  void CloseCycle(size_t entry) {
    const int r0 = static_cast<int>(entry / static_cast<size_t>(shape_.cols()));
    const int c0 = static_cast<int>(entry % static_cast<size_t>(shape_.cols()));
    int64_t best = -1;
    int best_r = -1;
    int best_c = -1;
    for (int r = 0; r < shape_.rows(); ++r) {
      if (r == r0) continue;
      for (int c = 0; c < shape_.cols(); ++c) {
        if (c == c0) continue;
        const std::pair<int, int> corners[] = {{r0, c}, {r, c0}, {r, c}};
        int64_t cost = 0;
        bool usable = true;
        for (const auto& [cr, cc] : corners) {
          const size_t i = shape_.Index(cr, cc);
          if (in_.empty[i]) {
            usable = false;
            break;
          }
          if (!Hidden(marks_[i])) cost += Cost(cr, cc);
        }
        if (usable && (best < 0 || cost < best)) {
          best = cost;
          best_r = r;
          best_c = c;
        }
      }
    }
    // A hidden non-empty entry always has one through the margins (docs/metrics.md).
    if (best < 0) {
      for (size_t i = 0; i < shape_.size(); ++i) {
        if (!in_.empty[i]) Hide(i);
      }
      return;
    }
    Hide(shape_.Index(r0, best_c));
    Hide(shape_.Index(best_r, c0));
    Hide(shape_.Index(best_r, best_c));
  }

  const ProtectInput& in_;
  const TableShape& shape_;
  std::vector<Mark> marks_;
};

}  // namespace

bool LineKeepsTwoValues(const std::vector<Mark>& hidden, int64_t hidden_sum, int k) {
  int64_t primaries = 0;
  int64_t complements = 0;
  for (Mark m : hidden) (m == Mark::kPrimary ? primaries : complements)++;
  for (Mark m : hidden) {
    const int64_t p = primaries - (m == Mark::kPrimary ? 1 : 0);
    const int64_t q = complements - (m == Mark::kPrimary ? 0 : 1);
    // What the other hidden entries can add up to.
    const int64_t others_lo = p + k * q;
    const int64_t others_hi = q > 0 ? kUnbounded : p * (k - 1);
    // This entry's own domain by its mark.
    const int64_t own_lo = m == Mark::kPrimary ? 1 : k;
    const int64_t own_hi = m == Mark::kPrimary ? k - 1 : kUnbounded;
    const int64_t lo = std::max(own_lo, hidden_sum - others_hi);
    const int64_t hi = std::min(own_hi, hidden_sum - others_lo);
    if (hi - lo + 1 < 2) return false;
  }
  return true;
}

std::vector<size_t> DeterminedEntries(const TableShape& shape, const std::vector<Mark>& marks) {
  return BridgeFinder(shape, marks).Bridges();
}

std::vector<Mark> Protect(const ProtectInput& input) { return Protector(input).Run(); }

}  // namespace kompas::caserecord::report
