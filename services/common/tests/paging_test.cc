#include "services/common/paging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kompas {
namespace {

using ::testing::HasSubstr;

TEST(PagingTest, FirstPageUsesTheDefaultOrTheAskedSize) {
  absl::StatusOr<Page> p = ParsePage(0, "", "f");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->offset, 0);
  EXPECT_EQ(p->size, 50);
  p = ParsePage(7, "", "f", {10, 20});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->size, 7);
}

TEST(PagingTest, TokensCarryTheOffsetForTheSameRequestOnly) {
  const std::string token = NextPageToken("search|v1|region=AM30", 50, 120);
  ASSERT_FALSE(token.empty());
  absl::StatusOr<Page> p = ParsePage(50, token, "search|v1|region=AM30");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->offset, 50);
  // Other filters, or another data version: refused, naming the field.
  for (const char* other : {"search|v1|region=AM01", "search|v2|region=AM30"}) {
    absl::StatusOr<Page> q = ParsePage(50, token, other);
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(q.status().message()), HasSubstr("page_token"));
  }
}

TEST(PagingTest, LastPageHasNoToken) {
  EXPECT_EQ(NextPageToken("f", 120, 120), "");
  EXPECT_EQ(NextPageToken("f", 150, 120), "");
  EXPECT_NE(NextPageToken("f", 119, 120), "");
}

TEST(PagingTest, BadSizesAndForgedTokensAreInvalidArgument) {
  EXPECT_THAT(std::string(ParsePage(-1, "", "f").status().message()),
              HasSubstr("page_size: must be between 0 and 1000"));
  EXPECT_EQ(ParsePage(1001, "", "f").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePage(21, "", "f", {10, 20}).status().code(), absl::StatusCode::kInvalidArgument);
  for (const std::string& forged :
       {std::string("not base64!"), std::string("cDE6MTA6"), std::string(300, 'A'),
        // "p1:-5:<digest of f>" and "p1:0:…": offsets must be positive.
        NextPageToken("f", 1, 2).substr(0, 4),
        // A well-formed token whose offset would overflow offset + size.
        NextPageToken("f", std::int64_t{1} << 40, std::int64_t{1} << 41)}) {
    EXPECT_EQ(ParsePage(10, forged, "f").status().code(), absl::StatusCode::kInvalidArgument)
        << forged;
  }
}

}  // namespace
}  // namespace kompas
