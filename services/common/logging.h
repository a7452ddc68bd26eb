// Structured logs: one JSON object per line on stderr (or a given stream), written whole
// under a lock so lines from different threads never interleave. Callers pass only fields
// that are safe to log: never a token, BSN, name or note text.
#ifndef KOMPAS_SERVICES_COMMON_LOGGING_H_
#define KOMPAS_SERVICES_COMMON_LOGGING_H_

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/string_view.h"

namespace kompas {

class Logger {
 public:
  explicit Logger(std::FILE* out = stderr, std::string service = "")
      : out_(out), service_(std::move(service)) {}

  // Writes {"ts":…,"severity":…,"service":…,"event":…, …fields}.
  void Log(absl::string_view severity, absl::string_view event,
           const nlohmann::ordered_json& fields = nlohmann::ordered_json::object());
  void Info(absl::string_view event,
            const nlohmann::ordered_json& fields = nlohmann::ordered_json::object()) {
    Log("INFO", event, fields);
  }
  void Error(absl::string_view event,
             const nlohmann::ordered_json& fields = nlohmann::ordered_json::object()) {
    Log("ERROR", event, fields);
  }

 private:
  std::FILE* out_;
  std::string service_;
  std::mutex mu_;
};

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_LOGGING_H_
