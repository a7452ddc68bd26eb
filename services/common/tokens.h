// API tokens of member organisations: the file format, hashing and verification.
//
// A token as handed to an organisation looks like `kmp_<id>_<secret>`: the id is public
// (it appears in logs), the secret is 32 random bytes in hex and exists only in the
// organisation's system. The tokens file stores, per token, the id, the organisation
// (tenant), its scopes, its expiry, an optional revocation time and the BLAKE2b-256 hash of
// the whole token (libsodium crypto_generichash). A stolen tokens file grants nothing.
//
// File format: JSON Lines, one token per line; blank lines and lines starting with '#'
// are ignored. Keys: id, tenant, scopes, expires, hash, created (optional), revoked
// (optional), note (optional). Unknown keys, duplicate ids, unknown scopes or malformed
// values are errors naming the file and the line.
#ifndef KOMPAS_SERVICES_COMMON_TOKENS_H_
#define KOMPAS_SERVICES_COMMON_TOKENS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kompas {

// What a token may do. Every RPC names the one scope it needs.
enum class Scope : std::uint8_t {
  kCompass,        // budget, catalog and matching calls
  kRecordsRead,    // read case records of the own organisation
  kRecordsWrite,   // change case records of the own organisation
  kCatalogAdmin,   // reload or replace catalogue data
  kNetworkReport,  // anonymised reports across the network
};

absl::string_view ScopeName(Scope scope);
std::optional<Scope> ParseScope(absl::string_view name);

struct TokenRecord {
  std::string id;      // [a-z0-9]{8,32}; public, logged
  std::string tenant;  // organisation id, [a-z0-9][a-z0-9-]{0,63}
  std::vector<Scope> scopes;
  absl::Time created = absl::InfinitePast();
  absl::Time expires = absl::InfinitePast();
  std::optional<absl::Time> revoked;
  std::string hash_hex;  // BLAKE2b-256 of the full token, lowercase hex
  std::string note;      // free text for administrators; never a secret

  bool HasScope(Scope scope) const;
};

// Who is calling, as established from a verified token.
struct Principal {
  std::string tenant;
  std::string token_id;
  std::vector<Scope> scopes;
};

// PERMISSION_DENIED unless `principal` holds `required`.
absl::Status CheckScope(const Principal& principal, Scope required);

class TokenTable {
 public:
  TokenTable() = default;

  // Parses a tokens file's contents; `file_name` is used in error messages only.
  static absl::StatusOr<TokenTable> Parse(absl::string_view contents, absl::string_view file_name);
  static absl::StatusOr<TokenTable> Load(const std::string& path);

  // Verifies a bearer token (without the "Bearer " prefix): UNAUTHENTICATED for a
  // malformed, unknown, revoked or expired token. Messages never contain the token.
  absl::StatusOr<Principal> Verify(absl::string_view token, absl::Time now) const;

  // A new token for `tenant`. Returns the secret token text, shown to the operator once.
  absl::StatusOr<std::string> Create(absl::string_view tenant, std::vector<Scope> scopes,
                                     absl::Time now, absl::Time expires, absl::string_view note);
  // Marks a token revoked; NOT_FOUND if the id is unknown.
  absl::Status Revoke(absl::string_view id, absl::Time now);

  // The file contents that Parse reads back to an equal table.
  std::string Serialize() const;

  const std::vector<TokenRecord>& records() const { return records_; }

 private:
  absl::Status Add(TokenRecord record);

  std::vector<TokenRecord> records_;
  absl::flat_hash_map<std::string, std::size_t> by_id_;
};

// Reads, changes and atomically rewrites a tokens file under an exclusive lock, so that two
// administrators (or kompas-admin and a reload) never see half a file.
absl::Status UpdateTokensFile(const std::string& path, bool create_if_missing,
                              const std::function<absl::Status(TokenTable&)>& change);

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_TOKENS_H_
