// The tokens-file loader on bytes (TokenTable::Parse). A table that parses must serialise to
// text that parses back to the same records, and must refuse tokens it did not issue.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_input.h"
#include "services/common/tokens.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = kompas::TokenTable::Parse(text, "tokens.jsonl");
  kompas::fuzz::RequireNoInternalError(table.status());
  if (!table.ok()) return 0;
  const std::string again = table->Serialize();
  auto reparsed = kompas::TokenTable::Parse(again, "tokens.jsonl");
  if (!reparsed.ok()) std::abort();  // Serialize wrote what Parse refuses
  if (reparsed->records().size() != table->records().size()) std::abort();
  for (std::size_t i = 0; i < table->records().size(); ++i) {
    const kompas::TokenRecord& a = table->records()[i];
    const kompas::TokenRecord& b = reparsed->records()[i];
    if (a.id != b.id || a.tenant != b.tenant || a.scopes != b.scopes || a.created != b.created ||
        a.expires != b.expires || a.revoked != b.revoked || a.hash_hex != b.hash_hex ||
        a.note != b.note) {
      std::abort();  // the round trip changed a record
    }
    // Only the secret hashes to hash_hex; a made-up secret never verifies.
    const std::string forged = "kmp_" + a.id + "_" + std::string(64, '0');
    if (table->Verify(forged, absl::FromUnixSeconds(1'770'000'000)).ok()) std::abort();
  }
  return 0;
}
