#include "services/common/logging.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kompas {

void Logger::Log(absl::string_view severity, absl::string_view event,
                 const nlohmann::ordered_json& fields) {
  nlohmann::ordered_json line;
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  line["severity"] = std::string(severity);
  if (!service_.empty()) line["service"] = service_;
  line["event"] = std::string(event);
  for (const auto& [key, value] : fields.items()) line[key] = value;
  // Invalid UTF-8 in a field is replaced rather than thrown on.
  std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  text.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace kompas
