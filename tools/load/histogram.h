// A latency histogram with bounded memory and ~0.4% precision (log-linear buckets, the
// HdrHistogram layout): values below 256 are counted exactly; above, every power of two is
// split into 128 equal buckets, so a bucket is at most 1/128 of its lower bound wide. The
// whole uint64 range fits in 7424 counters (58 KiB), whatever the number of samples.
//
// Values are unitless; kompas-load records nanoseconds. Not thread-safe: guard it, or keep
// one per thread and Merge.
#ifndef KOMPAS_TOOLS_LOAD_HISTOGRAM_H_
#define KOMPAS_TOOLS_LOAD_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kompas::load {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;  // 128 buckets per power of two
  static constexpr std::size_t kSubBuckets = std::size_t{1} << kSubBucketBits;
  // Values below this are their own bucket.
  static constexpr std::uint64_t kExactBelow = std::uint64_t{2} << kSubBucketBits;
  static constexpr std::size_t kBucketCount = (64 - kSubBucketBits + 1) * kSubBuckets;

  LatencyHistogram();

  void Record(std::uint64_t value);
  // Adds every sample of `other`.
  void Merge(const LatencyHistogram& other);
  void Clear();

  std::uint64_t count() const { return count_; }
  // Exact; 0 when empty.
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  // Exact (from a running sum); 0 when empty.
  double mean() const;

  // The nearest-rank quantile: the smallest recorded value v such that at least
  // ceil(q * count) samples are <= v (q clamped to [0, 1]), reported as the midpoint of v's
  // bucket clamped to [min, max]; so within 1/256 of the true value. Exact for q = 1 (the
  // maximum) and for values below kExactBelow. 0 when empty.
  std::uint64_t ValueAtQuantile(double q) const;

  // Bucket arithmetic, exposed for tests.
  static std::size_t BucketIndex(std::uint64_t value);
  static std::uint64_t BucketLow(std::size_t index);
  // Inclusive upper bound.
  static std::uint64_t BucketHigh(std::size_t index);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_HISTOGRAM_H_
