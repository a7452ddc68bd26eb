// Page sizes and page tokens for List and Search RPCs (Google API design guide: page_size,
// page_token, next_page_token).
//
// A token is opaque to callers: base64url of the offset into the ordered results and a
// fingerprint of what was asked — the method, the data version and every request field except
// the paging ones. A token presented with other filters or after the data changed is
// INVALID_ARGUMENT naming `page_token`, never a silently different page.
#ifndef KOMPAS_SERVICES_COMMON_PAGING_H_
#define KOMPAS_SERVICES_COMMON_PAGING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas {

struct Page {
  std::int64_t offset = 0;  // first item of this page
  std::int64_t size = 0;    // at most this many items
};

struct PageLimits {
  std::int64_t default_size = 50;  // page_size 0
  std::int64_t max_size = 1000;
};

// Validates page_size (0..max_size, 0 = default) and page_token (empty = first page, else one
// that NextPageToken issued for the same fingerprint).
absl::StatusOr<Page> ParsePage(std::int64_t page_size, absl::string_view page_token,
                               absl::string_view fingerprint, PageLimits limits = {});

// The token for the page that starts at `offset`, or "" when `offset >= total` (last page).
std::string NextPageToken(absl::string_view fingerprint, std::int64_t offset, std::int64_t total);

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_PAGING_H_
