#include "tools/load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace kompas::load {

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

std::size_t LatencyHistogram::BucketIndex(std::uint64_t value) {
  if (value < kExactBelow) return static_cast<std::size_t>(value);
  // value >= 2^(kSubBucketBits + 1): keep its top kSubBucketBits + 1 bits.
  const int msb = 63 - std::countl_zero(value);
  const int shift = msb - kSubBucketBits;         // >= 1
  const std::uint64_t mantissa = value >> shift;  // in [kSubBuckets, 2 * kSubBuckets)
  return static_cast<std::size_t>(shift + 1) * kSubBuckets +
         static_cast<std::size_t>(mantissa - kSubBuckets);
}

std::uint64_t LatencyHistogram::BucketLow(std::size_t index) {
  if (index < kExactBelow) return index;
  const std::size_t shift = index / kSubBuckets - 1;
  const std::uint64_t mantissa = kSubBuckets + index % kSubBuckets;
  return mantissa << shift;
}

std::uint64_t LatencyHistogram::BucketHigh(std::size_t index) {
  if (index < kExactBelow) return index;
  const std::size_t shift = index / kSubBuckets - 1;
  return BucketLow(index) + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::Record(std::uint64_t value) {
  ++counts_[BucketIndex(value)];
  if (count_ == 0 || value < min_) min_ = value;
  if (value > max_) max_ = value;
  ++count_;
  sum_ += static_cast<long double>(value);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void LatencyHistogram::Clear() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = 0;
  max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t LatencyHistogram::ValueAtQuantile(double q) const {
  if (count_ == 0) return 0;
  if (!(q < 1.0)) return max_;  // also NaN
  q = std::max(q, 0.0);
  const double wanted = std::ceil(q * static_cast<double>(count_));
  const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
  std::uint64_t seen = 0;
  for (std::size_t i = BucketIndex(min_); i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t low = BucketLow(i);
      const std::uint64_t mid = low + (BucketHigh(i) - low) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace kompas::load
