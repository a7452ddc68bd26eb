#include "services/common/paging.h"

#include <sodium.h>

#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/validation.h"

namespace kompas {
namespace {

constexpr absl::string_view kTokenVersion = "p1";

// 16 hex digits of BLAKE2b over the fingerprint: enough to tell requests apart, short tokens.
std::string Digest(absl::string_view fingerprint) {
  unsigned char out[8];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(fingerprint.data()),
                     fingerprint.size(), nullptr, 0);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

}  // namespace

absl::StatusOr<Page> ParsePage(std::int64_t page_size, absl::string_view page_token,
                               absl::string_view fingerprint, PageLimits limits) {
  if (page_size < 0 || page_size > limits.max_size) {
    return InvalidField("page_size", absl::StrCat("must be between 0 and ", limits.max_size));
  }
  Page page;
  page.size = page_size == 0 ? limits.default_size : page_size;
  if (page_token.empty()) return page;
  const absl::Status bad = InvalidField("page_token",
                                        "is not a token from a previous call with the same request "
                                        "and data version; start again without it");
  std::string decoded;
  if (page_token.size() > 200 || !absl::WebSafeBase64Unescape(page_token, &decoded)) return bad;
  const std::vector<absl::string_view> parts = absl::StrSplit(decoded, ':');
  if (parts.size() != 3 || parts[0] != kTokenVersion || parts[2] != Digest(fingerprint)) {
    return bad;
  }
  // Tokens are not secret: a forged one must not reach an offset whose arithmetic overflows.
  if (!absl::SimpleAtoi(parts[1], &page.offset) || page.offset <= 0 ||
      page.offset > std::numeric_limits<std::int32_t>::max()) {
    return bad;
  }
  return page;
}

std::string NextPageToken(absl::string_view fingerprint, std::int64_t offset, std::int64_t total) {
  if (offset >= total) return "";
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenVersion, ":", offset, ":", Digest(fingerprint)));
}

}  // namespace kompas
