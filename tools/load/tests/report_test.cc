#include "tools/load/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kompas::load {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

LoadResult SampleResult() {
  LoadResult r;
  r.measured = absl::Seconds(2);
  r.cpu = absl::Seconds(3);
  r.calls = 1003;
  r.ok = 1000;
  r.errors["UNAVAILABLE"] = {3, "failed to connect to all addresses"};
  r.warmup_calls = 50;
  r.max_in_flight = 8;
  // 1000 successful calls of 1, 2, ..., 1000 µs.
  for (std::uint64_t us = 1; us <= 1000; ++us) r.latency_ns.Record(us * 1000);
  return r;
}

RunInfo SampleInfo() {
  RunInfo info;
  info.scenario = "echo";
  info.target = "127.0.0.1:4242";
  info.local_server = "in-process echo server";
  info.load.concurrency = 8;
  info.load.warmup = absl::Milliseconds(500);
  info.deadline = absl::Milliseconds(800);
  info.payload_bytes = 16;
  info.connections = 2;
  info.started = absl::FromUnixSeconds(1700000000);
  return info;
}

TEST(SummaryTest, DerivesRatesAndMicroseconds) {
  const Summary s = Summarize(SampleResult());
  EXPECT_DOUBLE_EQ(s.qps, 501.5);
  EXPECT_EQ(s.errors, 3u);
  EXPECT_NEAR(s.error_rate, 3.0 / 1003.0, 1e-12);
  EXPECT_NEAR(s.p50_us, 500, 500 * 0.01);
  EXPECT_NEAR(s.p90_us, 900, 900 * 0.01);
  EXPECT_NEAR(s.p99_us, 990, 990 * 0.01);
  EXPECT_NEAR(s.p999_us, 999, 999 * 0.01);
  EXPECT_DOUBLE_EQ(s.max_us, 1000);
  EXPECT_DOUBLE_EQ(s.min_us, 1);
  EXPECT_DOUBLE_EQ(s.mean_us, 500.5);
  EXPECT_DOUBLE_EQ(s.cpu_cores, 1.5);
}

TEST(SummaryTest, EmptyResultIsAllZero) {
  const Summary s = Summarize(LoadResult());
  EXPECT_EQ(s.qps, 0);
  EXPECT_EQ(s.error_rate, 0);
  EXPECT_EQ(s.p50_us, 0);
  EXPECT_EQ(s.max_us, 0);
}

TEST(ReportTest, JsonHasEveryFigure) {
  const nlohmann::json j = ToJson(SampleInfo(), SampleResult());
  EXPECT_EQ(j["scenario"], "echo");
  EXPECT_EQ(j["target"], "127.0.0.1:4242");
  EXPECT_EQ(j["server"], "in-process echo server");
  EXPECT_EQ(j["started"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(j["mode"], "closed");
  EXPECT_EQ(j["concurrency"], 8);
  EXPECT_TRUE(j["rate"].is_null());
  EXPECT_TRUE(j["max_outstanding"].is_null());
  EXPECT_EQ(j["warmup_s"], 0.5);
  EXPECT_EQ(j["duration_s"], 2.0);
  EXPECT_EQ(j["deadline_ms"], 800.0);
  EXPECT_EQ(j["payload_bytes"], 16);
  EXPECT_EQ(j["connections"], 2);
  EXPECT_EQ(j["calls"], 1003);
  EXPECT_EQ(j["ok"], 1000);
  EXPECT_EQ(j["errors"], nlohmann::json({{"UNAVAILABLE", 3}}));
  EXPECT_EQ(j["error_examples"]["UNAVAILABLE"], "failed to connect to all addresses");
  EXPECT_EQ(j["dropped"], 0);
  EXPECT_EQ(j["warmup_calls"], 50);
  EXPECT_EQ(j["max_in_flight"], 8);
  EXPECT_DOUBLE_EQ(j["qps"].get<double>(), 501.5);
  EXPECT_DOUBLE_EQ(j["process_cpu_cores"].get<double>(), 1.5);
  const nlohmann::json& lat = j["latency_us"];
  EXPECT_DOUBLE_EQ(lat["min"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(lat["max"].get<double>(), 1000.0);
  EXPECT_NEAR(lat["p50"].get<double>(), 500, 5);
  // Rounded to 0.1 µs, and printed that way.
  EXPECT_DOUBLE_EQ(lat["p50"].get<double>() * 10, std::round(lat["p50"].get<double>() * 10));
  EXPECT_THAT(j.dump(), Not(::testing::ContainsRegex("\\.[0-9]{3}")));
  EXPECT_NEAR(lat["p999"].get<double>(), 999, 10);
  EXPECT_LE(lat["p50"].get<double>(), lat["p90"].get<double>());
  EXPECT_LE(lat["p90"].get<double>(), lat["p99"].get<double>());
  EXPECT_LE(lat["p99"].get<double>(), lat["p999"].get<double>());
  EXPECT_LE(lat["p999"].get<double>(), lat["max"].get<double>());
}

TEST(ReportTest, JsonOfAnOpenLoopRun) {
  RunInfo info = SampleInfo();
  info.local_server.clear();
  info.load.rate = 2500;
  info.load.max_outstanding = 77;
  LoadResult r = SampleResult();
  r.errors.clear();
  r.dropped = 12;
  const nlohmann::json j = ToJson(info, r);
  EXPECT_EQ(j["mode"], "open");
  EXPECT_EQ(j["server"], "external");
  EXPECT_TRUE(j["concurrency"].is_null());
  EXPECT_EQ(j["rate"], 2500.0);
  EXPECT_EQ(j["max_outstanding"], 77);
  EXPECT_EQ(j["dropped"], 12);
  EXPECT_EQ(j["errors"], nlohmann::json::object());
}

TEST(ReportTest, TableIsReadable) {
  const std::string table = FormatTable(SampleInfo(), SampleResult());
  EXPECT_THAT(table, HasSubstr("127.0.0.1:4242 (in-process echo server)"));
  EXPECT_THAT(table, HasSubstr("closed loop, 8 calls in flight"));
  EXPECT_THAT(table, HasSubstr("1003 (ok 1000, errors 3, dropped 0; warm-up 50)"));
  EXPECT_THAT(table, HasSubstr("QPS           501.5"));
  EXPECT_THAT(table, HasSubstr("max 1000.0"));
  EXPECT_THAT(table, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(table, HasSubstr("failed to connect to all addresses"));
  EXPECT_THAT(table, HasSubstr("2 connections"));
  EXPECT_THAT(table, HasSubstr("1.50 cores used by this process (client + in-process server)"));
}

TEST(ReportTest, TableOfAFailedOpenLoopRun) {
  RunInfo info = SampleInfo();
  info.local_server.clear();
  info.load.rate = 100;
  LoadResult r;
  r.measured = absl::Seconds(1);
  r.calls = 100;
  r.errors["DEADLINE_EXCEEDED"] = {100, "Deadline Exceeded"};
  const std::string table = FormatTable(info, r);
  EXPECT_THAT(table, HasSubstr("(external server)"));
  EXPECT_THAT(table, HasSubstr("open loop, 100 calls/s"));
  EXPECT_THAT(table, HasSubstr("no successful call"));
  EXPECT_THAT(table, HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_THAT(table, Not(HasSubstr("p50")));
  EXPECT_THAT(table, Not(HasSubstr("in-process server")));
}

}  // namespace
}  // namespace kompas::load
