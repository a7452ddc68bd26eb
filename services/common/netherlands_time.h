// The Dutch calendar: the time zone in which "today" and the date of a record are meant.
#ifndef KOMPAS_SERVICES_COMMON_NETHERLANDS_TIME_H_
#define KOMPAS_SERVICES_COMMON_NETHERLANDS_TIME_H_

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kompas {

// Europe/Amsterdam (CET/CEST); UTC only when the system has no time-zone data.
inline const absl::TimeZone& NetherlandsTimeZone() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    return absl::LoadTimeZone("Europe/Amsterdam", &tz) ? tz : absl::UTCTimeZone();
  }();
  return zone;
}

// The Dutch calendar day of `t`.
inline absl::CivilDay DutchDay(absl::Time t) { return absl::ToCivilDay(t, NetherlandsTimeZone()); }

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_NETHERLANDS_TIME_H_
