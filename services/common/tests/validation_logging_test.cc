#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "services/common/logging.h"
#include "services/common/validation.h"

namespace kompas {
namespace {

TEST(ValidationTest, NamesFieldAndRuleButNotTheValue) {
  absl::Status s = CheckRange(Indexed("household.adults", 1) + ".age", 131, 0, 130);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "household.adults[1].age: must be between 0 and 130");
  EXPECT_TRUE(CheckRange("x", 130, 0, 130).ok());
  EXPECT_EQ(CheckMaxLength("note", std::string(11, 'a'), 10).message(),
            "note: must be at most 10 bytes");
  Validator v;
  v.Check(absl::OkStatus()).Check(CheckRequired("a", false)).Check(CheckRequired("b", false));
  EXPECT_EQ(v.status().message(), "a: is required");
}

TEST(LoggerTest, WritesOneParseableJsonLinePerEventFromManyThreads) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Logger logger(f, "budget");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&logger, t] {
        for (int i = 0; i < 100; ++i) logger.Info("rpc", {{"thread", t}, {"text", "a\"b\nc\xff"}});
      });
    }
    for (auto& th : threads) th.join();
  }
  std::rewind(f);
  char buf[4096];
  int lines = 0;
  while (std::fgets(buf, sizeof buf, f) != nullptr) {
    nlohmann::json j = nlohmann::json::parse(buf, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << buf;
    EXPECT_EQ(j["service"], "budget");
    EXPECT_EQ(j["event"], "rpc");
    ++lines;
  }
  EXPECT_EQ(lines, 400);
  std::fclose(f);
}

}  // namespace
}  // namespace kompas
