// Encryption at rest for the case record (libsodium).
//
// - Every participant has its own random 32-byte data key. Personal fields (display name,
//   contact, notes, goal texts…) are sealed with it: XChaCha20-Poly1305 (IETF AEAD), a random
//   24-byte nonce per value, and associated data binding the ciphertext to its tenant, row and
//   purpose (a ciphertext moved to another row does not open).
// - The data key is stored only wrapped by the deployment key (read from a file, never in the
//   database), with the same AEAD and the tenant + participant id as associated data. Erasing a
//   participant deletes the wrapped key: its ciphertexts can then never be opened again.
// - A BSN is looked up as HMAC-SHA-256(secret, tenant ‖ 0 ‖ bsn) with a deployment secret, so
//   equal BSNs of one organisation match and nothing links organisations or reveals the BSN.
//   Beside the hash it is kept only sealed with the participant's data key (BsnBinding), so the
//   secret can be rotated, and erasure destroys it with the key.
//
// Stored formats carry a version byte; wrapped data keys also the id of the deployment key that
// wrapped them, so both secrets can be rotated without downtime (key_rotation.h).
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_CRYPTO_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_CRYPTO_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas::caserecord::storage {

// True when `bsn` is 9 digits, not all zero, and passes the elfproef (11-proof):
// 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11).
bool IsValidBsn(absl::string_view bsn);

// Where a KeyRing's keys come from (main.cc's flags). Every file holds 32 bytes as 64 hex digits
// (surrounding whitespace ignored) or as 32 raw bytes.
struct KeyFiles {
  std::string deployment_key_file;  // Wraps every new data key.
  std::string bsn_secret_file;      // Keys every new BSN hash.
  // Keys being rotated out: they still open what they made, never make anything new.
  std::vector<std::string> previous_deployment_key_files;
  std::vector<std::string> previous_bsn_secret_files;
};

// The deployment's secrets: a current deployment key and BSN secret, plus the previous ones
// while a rotation is under way. Immutable after construction; thread-safe.
//
// Key ids: every key has a 4-byte id, the first bytes of a BLAKE2b hash of the key (with a
// label of its own, so it says nothing usable about the key). A wrapped data key carries the id
// of the key that wrapped it, so unwrapping picks that key at once; new wraps always use the
// current key. Wrapped keys made before key ids existed (format 1) are still opened, by trying
// the current key and then each previous one.
class KeyRing {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kKeyIdBytes = 4;
  // The first byte of a wrapped key: 1 = version ‖ nonce ‖ ciphertext ‖ tag (no key id; before
  // rotation existed), 2 = version ‖ key id ‖ nonce ‖ ciphertext ‖ tag, with version ‖ key id
  // also in the associated data.
  static constexpr unsigned char kWrapFormatLegacy = 1;
  static constexpr unsigned char kWrapFormatKeyId = 2;

  // Reads every file. FAILED_PRECONDITION naming the file and what to fix when a file is missing
  // or malformed, when a previous key is the current one or listed twice, when a deployment key
  // is also a BSN secret (a swapped or mismatched file), or when two keys share an id.
  static absl::StatusOr<std::shared_ptr<const KeyRing>> FromFiles(const KeyFiles& files);
  // Only current keys (no rotation under way).
  static absl::StatusOr<std::shared_ptr<const KeyRing>> FromFiles(
      const std::string& deployment_key_file, const std::string& bsn_secret_file);
  // From the 32-byte keys themselves (tests, tools). INVALID_ARGUMENT on a wrong length, a
  // repeated key or an id shared by two keys.
  static absl::StatusOr<std::shared_ptr<const KeyRing>> FromKeys(
      absl::string_view deployment_key, absl::string_view bsn_secret,
      const std::vector<std::string>& previous_deployment_keys = {},
      const std::vector<std::string>& previous_bsn_secrets = {});
  // A key ring with fresh random keys (tests and benchmarks only).
  static std::shared_ptr<const KeyRing> Random();

  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // A new random data key.
  static std::string NewDataKey();
  // The data key wrapped by the current deployment key (format 2), bound to `binding`
  // (tenant + participant).
  std::string WrapDataKey(absl::string_view data_key, absl::string_view binding) const;
  // DATA_LOSS when the wrapped key does not open (a deployment key not in this ring, a tampered
  // or moved row).
  absl::StatusOr<std::string> UnwrapDataKey(absl::string_view wrapped,
                                            absl::string_view binding) const;
  // True when `wrapped` is in format 2 under the current deployment key (nothing to re-wrap).
  bool IsWrappedWithCurrentKey(absl::string_view wrapped) const;
  // True when the deployment key with this id (format 2) is in the ring, current or previous.
  bool HasDeploymentKeyId(absl::string_view key_id) const;

  // HMAC-SHA-256 of the (valid) BSN for this tenant under the current secret: 32 bytes.
  std::string BsnHash(absl::string_view tenant, absl::string_view bsn) const;
  // The hash under every secret: the current first, then each previous one.
  std::vector<std::string> BsnHashes(absl::string_view tenant, absl::string_view bsn) const;

  // True while previous keys or secrets are configured (a rotation to finish).
  bool rotating() const { return !previous_keys_.empty() || !previous_secrets_.empty(); }
  size_t previous_deployment_key_count() const { return previous_keys_.size(); }
  size_t previous_bsn_secret_count() const { return previous_secrets_.size(); }
  // Key ids as hex, for logs and errors (they reveal nothing about the keys).
  std::string deployment_key_id() const;
  std::string bsn_secret_id() const;
  // "current deployment key 'a.key' (id 0a1b2c3d), previous 'old.key' (id 4e5f6a7b)": which file
  // holds which key id, for start-up errors (no key material).
  std::string DescribeDeploymentKeys() const;

 private:
  struct Key {
    unsigned char bytes[kKeyBytes] = {};
    std::string id;      // kKeyIdBytes raw bytes.
    std::string source;  // "'path'" or "#n"; never key material.
  };
  KeyRing() = default;
  static absl::StatusOr<std::shared_ptr<const KeyRing>> Build(
      absl::string_view deployment_key, absl::string_view bsn_secret,
      const std::vector<std::string>& previous_deployment_keys,
      const std::vector<std::string>& previous_bsn_secrets, const KeyFiles* files);
  const Key* DeploymentKeyById(absl::string_view key_id) const;

  Key deployment_key_;
  Key bsn_secret_;
  std::vector<std::unique_ptr<Key>> previous_keys_;
  std::vector<std::unique_ptr<Key>> previous_secrets_;
};

// The associated data a participant's wrapped data key is bound to (as the store writes it).
std::string ParticipantKeyBinding(absl::string_view tenant, absl::string_view participant_id);
// The associated data of a participant's sealed BSN (kept, sealed with the data key, so that a
// rotation can re-hash it; erased with the data key).
std::string BsnBinding(absl::string_view tenant, absl::string_view participant_id);

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
