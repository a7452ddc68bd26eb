// Encryption at rest for the case record (libsodium).
//
// - Every participant has its own random 32-byte data key. Personal fields (display name,
//   contact, notes, goal texts…) are sealed with it: XChaCha20-Poly1305 (IETF AEAD), a random
//   24-byte nonce per value, and associated data binding the ciphertext to its tenant, row and
//   purpose (a ciphertext moved to another row does not open).
// - The data key is stored only wrapped by the deployment key (read from a file, never in the
//   database), with the same AEAD and the tenant + participant id as associated data. Erasing a
//   participant deletes the wrapped key: its ciphertexts can then never be opened again.
// - A BSN is stored only as HMAC-SHA-256(secret, tenant ‖ 0 ‖ bsn) with a deployment secret, so
//   equal BSNs of one organisation match and nothing links organisations or reveals the BSN.
//
// Stored formats carry a version byte so keys can be rotated later (issue 10).
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_CRYPTO_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_CRYPTO_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas::caserecord::storage {

// True when `bsn` is 9 digits, not all zero, and passes the elfproef (11-proof):
// 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11).
bool IsValidBsn(absl::string_view bsn);

// The deployment's secrets. Immutable after construction; thread-safe.
class KeyRing {
 public:
  static constexpr size_t kKeyBytes = 32;

  // Reads the deployment key and the BSN secret from two files, each holding 32 bytes as 64
  // hex digits (surrounding whitespace ignored) or as 32 raw bytes. FAILED_PRECONDITION naming
  // the file and what to fix when a file is missing or malformed.
  static absl::StatusOr<std::shared_ptr<const KeyRing>> FromFiles(
      const std::string& deployment_key_file, const std::string& bsn_secret_file);
  // From the 32-byte keys themselves (tests, tools). INVALID_ARGUMENT on a wrong length.
  static absl::StatusOr<std::shared_ptr<const KeyRing>> FromKeys(absl::string_view deployment_key,
                                                                 absl::string_view bsn_secret);
  // A key ring with fresh random keys (tests and benchmarks only).
  static std::shared_ptr<const KeyRing> Random();

  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // A new random data key.
  static std::string NewDataKey();
  // The data key wrapped by the deployment key, bound to `binding` (tenant + participant).
  std::string WrapDataKey(absl::string_view data_key, absl::string_view binding) const;
  // DATA_LOSS when the wrapped key does not open (wrong deployment key, tampered or moved row).
  absl::StatusOr<std::string> UnwrapDataKey(absl::string_view wrapped,
                                            absl::string_view binding) const;

  // HMAC-SHA-256 of the (valid) BSN for this tenant: 32 bytes.
  std::string BsnHash(absl::string_view tenant, absl::string_view bsn) const;

 private:
  KeyRing() = default;
  unsigned char deployment_key_[kKeyBytes] = {};
  unsigned char bsn_secret_[kKeyBytes] = {};
};

// Seals `plaintext` with a participant's data key; `binding` is the associated data.
std::string Seal(absl::string_view data_key, absl::string_view plaintext,
                 absl::string_view binding);
// DATA_LOSS when the ciphertext does not open with this key and binding.
absl::StatusOr<std::string> Open(absl::string_view data_key, absl::string_view sealed,
                                 absl::string_view binding);

// Random ids for resources: `length` characters of [a-z0-9] (base-32 alphabet, no 0/1/l/o
// confusion), carrying no data.
std::string NewId(size_t length = 20);

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_CRYPTO_H_
