// Request validation: one INVALID_ARGUMENT per broken rule, naming the field path and the
// rule, never echoing the value (it may be personal data).
#ifndef KOMPAS_SERVICES_COMMON_VALIDATION_H_
#define KOMPAS_SERVICES_COMMON_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kompas {

// "household.adults[1].age: must be between 0 and 130"
inline absl::Status InvalidField(absl::string_view field_path, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field_path, ": ", rule));
}

// Field paths for repeated fields: Indexed("household.adults", 1) == "household.adults[1]".
inline std::string Indexed(absl::string_view path, std::size_t index) {
  return absl::StrCat(path, "[", index, "]");
}

inline absl::Status CheckRange(absl::string_view field_path, std::int64_t value, std::int64_t lo,
                               std::int64_t hi) {
  if (value < lo || value > hi) {
    return InvalidField(field_path, absl::StrCat("must be between ", lo, " and ", hi));
  }
  return absl::OkStatus();
}

inline absl::Status CheckMaxLength(absl::string_view field_path, absl::string_view value,
                                   std::size_t max_bytes) {
  if (value.size() > max_bytes) {
    return InvalidField(field_path, absl::StrCat("must be at most ", max_bytes, " bytes"));
  }
  return absl::OkStatus();
}

inline absl::Status CheckRequired(absl::string_view field_path, bool present) {
  return present ? absl::OkStatus() : InvalidField(field_path, "is required");
}

// Collects the first failure of a chain of checks: `if (v.Check(...)) ...; return v.status();`
class Validator {
 public:
  Validator& Check(absl::Status s) {
    if (status_.ok() && !s.ok()) status_ = std::move(s);
    return *this;
  }
  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_VALIDATION_H_
