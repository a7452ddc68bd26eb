#include "services/caserecord/storage/crypto.h"

#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace kompas::caserecord::storage {
namespace {

constexpr unsigned char kFormatVersion = 1;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

void EnsureSodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) std::abort();  // No usable randomness: nothing is safe.
    return true;
  }();
  (void)initialised;
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// version ‖ nonce ‖ ciphertext ‖ tag.
std::string AeadSeal(const unsigned char* key, absl::string_view plaintext,
                     absl::string_view binding) {
  EnsureSodium();
  std::string out(1 + kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  p[0] = kFormatVersion;
  randombytes_buf(p + 1, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(p + 1 + kNonceBytes, &written, Bytes(plaintext),
                                             plaintext.size(), Bytes(binding), binding.size(),
                                             nullptr, p + 1, key);
  out.resize(1 + kNonceBytes + static_cast<size_t>(written));
  return out;
}

absl::StatusOr<std::string> AeadOpen(const unsigned char* key, absl::string_view sealed,
                                     absl::string_view binding) {
  EnsureSodium();
  if (sealed.size() < 1 + kNonceBytes + kTagBytes ||
      static_cast<unsigned char>(sealed[0]) != kFormatVersion) {
    return absl::DataLossError("encrypted value is malformed");
  }
  const unsigned char* p = Bytes(sealed);
  std::string out(sealed.size() - 1 - kNonceBytes - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &written, nullptr, p + 1 + kNonceBytes,
          sealed.size() - 1 - kNonceBytes, Bytes(binding), binding.size(), p + 1, key) != 0) {
    return absl::DataLossError("encrypted value does not open with its key");
  }
  out.resize(static_cast<size_t>(written));
  return out;
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the ", what, " file '", path,
                     "': create it with 32 random bytes as 64 hex digits (e.g. `openssl rand "
                     "-hex 32 > ",
                     path, "`)"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string content = buffer.str();
  if (content.size() == KeyRing::kKeyBytes) return content;
  const std::string trimmed(absl::StripAsciiWhitespace(content));
  bool hex = trimmed.size() == 2 * KeyRing::kKeyBytes;
  for (const char c : trimmed) hex = hex && absl::ascii_isxdigit(static_cast<unsigned char>(c));
  if (!hex) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the ", what, " file '", path, "' must hold 32 bytes as 64 hex digits (or 32 raw bytes)"));
  }
  return absl::HexStringToBytes(trimmed);
}

}  // namespace

bool IsValidBsn(absl::string_view bsn) {
  if (bsn.size() != 9) return false;
  int sum = 0;
  bool all_zero = true;
  for (size_t i = 0; i < 9; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(bsn[i]))) return false;
    const int digit = bsn[i] - '0';
    all_zero = all_zero && digit == 0;
    sum += (i == 8 ? -1 : 9 - static_cast<int>(i)) * digit;
  }
  return !all_zero && sum % 11 == 0;
}

absl::StatusOr<std::shared_ptr<const KeyRing>> KeyRing::FromFiles(
    const std::string& deployment_key_file, const std::string& bsn_secret_file) {
  absl::StatusOr<std::string> key = ReadKeyFile(deployment_key_file, "deployment key");
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> secret = ReadKeyFile(bsn_secret_file, "BSN secret");
  if (!secret.ok()) return secret.status();
  if (*key == *secret) {
    return absl::FailedPreconditionError(
        "the deployment key and the BSN secret must be different keys");
  }
  absl::StatusOr<std::shared_ptr<const KeyRing>> ring = FromKeys(*key, *secret);
  sodium_memzero(key->data(), key->size());
  sodium_memzero(secret->data(), secret->size());
  return ring;
}

absl::StatusOr<std::shared_ptr<const KeyRing>> KeyRing::FromKeys(absl::string_view deployment_key,
                                                                 absl::string_view bsn_secret) {
  EnsureSodium();
  if (deployment_key.size() != kKeyBytes || bsn_secret.size() != kKeyBytes) {
    return absl::InvalidArgumentError("keys must be 32 bytes");
  }
  std::shared_ptr<KeyRing> ring(new KeyRing());
  std::copy(deployment_key.begin(), deployment_key.end(), ring->deployment_key_);
  std::copy(bsn_secret.begin(), bsn_secret.end(), ring->bsn_secret_);
  return std::shared_ptr<const KeyRing>(std::move(ring));
}

std::shared_ptr<const KeyRing> KeyRing::Random() {
  const std::string key = NewDataKey();
  const std::string secret = NewDataKey();
  return *FromKeys(key, secret);
}

KeyRing::~KeyRing() {
  sodium_memzero(deployment_key_, sizeof deployment_key_);
  sodium_memzero(bsn_secret_, sizeof bsn_secret_);
}

std::string KeyRing::NewDataKey() {
  EnsureSodium();
  std::string key(kKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string KeyRing::WrapDataKey(absl::string_view data_key, absl::string_view binding) const {
  return AeadSeal(deployment_key_, data_key, binding);
}

absl::StatusOr<std::string> KeyRing::UnwrapDataKey(absl::string_view wrapped,
                                                   absl::string_view binding) const {
  absl::StatusOr<std::string> key = AeadOpen(deployment_key_, wrapped, binding);
  if (key.ok() && key->size() != kKeyBytes) return absl::DataLossError("data key is malformed");
  return key;
}

std::string KeyRing::BsnHash(absl::string_view tenant, absl::string_view bsn) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, bsn_secret_, kKeyBytes);
  crypto_auth_hmacsha256_update(&state, Bytes(tenant), tenant.size());
  const unsigned char separator = 0;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, Bytes(bsn), bsn.size());
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
  return mac;
}

std::string Seal(absl::string_view data_key, absl::string_view plaintext,
                 absl::string_view binding) {
  return AeadSeal(Bytes(data_key), plaintext, binding);
}

absl::StatusOr<std::string> Open(absl::string_view data_key, absl::string_view sealed,
                                 absl::string_view binding) {
  if (data_key.size() != KeyRing::kKeyBytes) return absl::DataLossError("data key is malformed");
  return AeadOpen(Bytes(data_key), sealed, binding);
}

std::string NewId(size_t length) {
  EnsureSodium();
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // 32 symbols
  std::string id(length, 'a');
  for (char& c : id) c = kAlphabet[randombytes_uniform(32)];
  return id;
}

}  // namespace kompas::caserecord::storage
