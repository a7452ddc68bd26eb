#include "tools/load/report.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kompas::load {

namespace {

double Micros(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

// Rounds to `decimals` places so that JSON shows 61.4, not 61.400000000000006.
double Round(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

std::string Mode(const LoadConfig& load) {
  if (load.rate > 0) {
    return absl::StrFormat("open loop, %g calls/s scheduled (at most %d in flight)", load.rate,
                           load.max_outstanding);
  }
  return absl::StrFormat("closed loop, %d call%s in flight", load.concurrency,
                         load.concurrency == 1 ? "" : "s");
}

}  // namespace

Summary Summarize(const LoadResult& result) {
  Summary s;
  const double seconds = absl::ToDoubleSeconds(result.measured);
  if (seconds > 0) {
    s.qps = static_cast<double>(result.calls) / seconds;
    s.cpu_cores = absl::ToDoubleSeconds(result.cpu) / seconds;
  }
  for (const auto& [code, e] : result.errors) s.errors += e.count;
  if (result.calls > 0) {
    s.error_rate = static_cast<double>(s.errors) / static_cast<double>(result.calls);
  }
  const LatencyHistogram& h = result.latency_ns;
  s.p50_us = Micros(h.ValueAtQuantile(0.50));
  s.p90_us = Micros(h.ValueAtQuantile(0.90));
  s.p99_us = Micros(h.ValueAtQuantile(0.99));
  s.p999_us = Micros(h.ValueAtQuantile(0.999));
  s.max_us = Micros(h.max());
  s.min_us = Micros(h.min());
  s.mean_us = h.mean() / 1000.0;
  return s;
}

std::string FormatTable(const RunInfo& info, const LoadResult& result) {
  const Summary s = Summarize(result);
  std::string out;
  const auto row = [&out](absl::string_view key, absl::string_view value) {
    absl::StrAppend(&out, absl::StrFormat("%-13s %s\n", key, value));
  };
  row("scenario", info.scenario);
  row("target", info.local_server.empty()
                    ? absl::StrCat(info.target, " (external server)")
                    : absl::StrCat(info.target, " (", info.local_server, ")"));
  row("mode", Mode(info.load));
  row("window",
      absl::StrCat("warm-up ", absl::FormatDuration(info.load.warmup), ", measured ",
                   absl::FormatDuration(result.measured), "; deadline ",
                   absl::FormatDuration(info.deadline), ", payload ", info.payload_bytes, " B, ",
                   info.connections, " connection", info.connections == 1 ? "" : "s"));
  row("calls", absl::StrFormat("%d (ok %d, errors %d, dropped %d; warm-up %d)", result.calls,
                               result.ok, s.errors, result.dropped, result.warmup_calls));
  row("QPS", absl::StrFormat("%.1f", s.qps));
  if (result.ok > 0) {
    row("latency (us)",
        absl::StrFormat("p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (mean %.1f)", s.p50_us,
                        s.p90_us, s.p99_us, s.p999_us, s.max_us, s.mean_us));
  } else {
    row("latency (us)", "no successful call");
  }
  row("CPU", absl::StrFormat("%.2f cores used by this process (client%s)", s.cpu_cores,
                             info.local_server.empty() ? "" : " + in-process server"));
  for (const auto& [code, e] : result.errors) {
    row("error", absl::StrFormat("%-20s %d  e.g. \"%s\"", code, e.count, e.example));
  }
  return out;
}

nlohmann::json ToJson(const RunInfo& info, const LoadResult& result) {
  const Summary s = Summarize(result);
  nlohmann::json errors = nlohmann::json::object();
  nlohmann::json examples = nlohmann::json::object();
  for (const auto& [code, e] : result.errors) {
    errors[code] = e.count;
    examples[code] = e.example;
  }
  const bool open = info.load.rate > 0;
  return {
      {"scenario", info.scenario},
      {"target", info.target},
      {"server", info.local_server.empty() ? std::string("external") : info.local_server},
      {"started", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", info.started, absl::UTCTimeZone())},
      {"mode", open ? "open" : "closed"},
      {"concurrency", open ? nlohmann::json(nullptr) : nlohmann::json(info.load.concurrency)},
      {"rate", open ? nlohmann::json(info.load.rate) : nlohmann::json(nullptr)},
      {"max_outstanding",
       open ? nlohmann::json(info.load.max_outstanding) : nlohmann::json(nullptr)},
      {"warmup_s", absl::ToDoubleSeconds(info.load.warmup)},
      {"duration_s", absl::ToDoubleSeconds(result.measured)},
      {"deadline_ms", absl::ToDoubleMilliseconds(info.deadline)},
      {"payload_bytes", info.payload_bytes},
      {"connections", info.connections},
      {"calls", result.calls},
      {"ok", result.ok},
      {"errors", errors},
      {"error_examples", examples},
      {"dropped", result.dropped},
      {"warmup_calls", result.warmup_calls},
      {"max_in_flight", result.max_in_flight},
      {"qps", Round(s.qps, 1)},
      {"latency_us",
       {{"min", Round(s.min_us, 1)},
        {"mean", Round(s.mean_us, 1)},
        {"p50", Round(s.p50_us, 1)},
        {"p90", Round(s.p90_us, 1)},
        {"p99", Round(s.p99_us, 1)},
        {"p999", Round(s.p999_us, 1)},
        {"max", Round(s.max_us, 1)}}},
      {"process_cpu_cores", Round(s.cpu_cores, 2)},
  };
}

}  // namespace kompas::load
