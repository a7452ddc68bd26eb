#include "services/caserecord/storage/crypto.h"

#include <sodium.h>

#include <algorithm>
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

// header ‖ nonce ‖ ciphertext ‖ tag, where header is the format byte (and, for wrapped keys of
// format 2, the key id). A header longer than the format byte is also associated data.
std::string AeadSeal(const unsigned char* key, absl::string_view header,
                     absl::string_view plaintext, absl::string_view binding) {
  EnsureSodium();
  const std::string ad = header.size() > 1 ? absl::StrCat(header, binding) : std::string(binding);
  std::string out(header.size() + kNonceBytes + plaintext.size() + kTagBytes, '\0');
  std::copy(header.begin(), header.end(), out.begin());
  auto* p = reinterpret_cast<unsigned char*>(out.data()) + header.size();
  randombytes_buf(p, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(p + kNonceBytes, &written, Bytes(plaintext),
                                             plaintext.size(), Bytes(ad), ad.size(), nullptr, p,
                                             key);
  out.resize(header.size() + kNonceBytes + static_cast<size_t>(written));
  return out;
}

std::string AeadSeal(const unsigned char* key, absl::string_view plaintext,
                     absl::string_view binding) {
  const char version = static_cast<char>(kFormatVersion);
  return AeadSeal(key, absl::string_view(&version, 1), plaintext, binding);
}

// Opens what AeadSeal made with a header of `header_size` bytes (already checked by the
// caller: format byte and key id).
absl::StatusOr<std::string> AeadOpen(const unsigned char* key, absl::string_view sealed,
                                     size_t header_size, absl::string_view binding) {
  EnsureSodium();
  if (sealed.size() < header_size + kNonceBytes + kTagBytes) {
    return absl::DataLossError("encrypted value is malformed");
  }
  const absl::string_view header = sealed.substr(0, header_size);
  const std::string ad = header_size > 1 ? absl::StrCat(header, binding) : std::string(binding);
  const unsigned char* p = Bytes(sealed) + header_size;
  const size_t body = sealed.size() - header_size - kNonceBytes;
  std::string out(body - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()),
                                                 &written, nullptr, p + kNonceBytes, body,
                                                 Bytes(ad), ad.size(), p, key) != 0) {
    return absl::DataLossError("encrypted value does not open with its key");
  }
  out.resize(static_cast<size_t>(written));
  return out;
}

absl::StatusOr<std::string> AeadOpen(const unsigned char* key, absl::string_view sealed,
                                     absl::string_view binding) {
  if (sealed.empty() || static_cast<unsigned char>(sealed[0]) != kFormatVersion) {
    return absl::DataLossError("encrypted value is malformed");
  }
  return AeadOpen(key, sealed, 1, binding);
}

// The first kKeyIdBytes of BLAKE2b("kompas-caserecord key id" ‖ 0 ‖ key).
std::string KeyId(const unsigned char* key) {
  EnsureSodium();
  static constexpr char kLabel[] = "kompas-caserecord key id";
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kLabel),
                            sizeof kLabel);  // With its terminating 0 as separator.
  crypto_generichash_update(&state, key, KeyRing::kKeyBytes);
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash_final(&state, hash, sizeof hash);
  return std::string(reinterpret_cast<const char*>(hash), KeyRing::kKeyIdBytes);
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
  KeyFiles files;
  files.deployment_key_file = deployment_key_file;
  files.bsn_secret_file = bsn_secret_file;
  return FromFiles(files);
}

absl::StatusOr<std::shared_ptr<const KeyRing>> KeyRing::FromFiles(const KeyFiles& files) {
  // Every key read, wiped on every way out.
  std::vector<std::string> read;
  struct Wipe {
    std::vector<std::string>& keys;
    ~Wipe() {
      for (std::string& k : keys) sodium_memzero(k.data(), k.size());
    }
  } wipe{read};
  read.reserve(2 + files.previous_deployment_key_files.size() +
               files.previous_bsn_secret_files.size());
  auto load = [&](const std::string& path, absl::string_view what) -> absl::Status {
    absl::StatusOr<std::string> key = ReadKeyFile(path, what);
    if (!key.ok()) return key.status();
    read.push_back(*std::move(key));
    return absl::OkStatus();
  };
  if (absl::Status s = load(files.deployment_key_file, "deployment key"); !s.ok()) return s;
  if (absl::Status s = load(files.bsn_secret_file, "BSN secret"); !s.ok()) return s;
  for (const std::string& path : files.previous_deployment_key_files) {
    if (absl::Status s = load(path, "previous deployment key"); !s.ok()) return s;
  }
  for (const std::string& path : files.previous_bsn_secret_files) {
    if (absl::Status s = load(path, "previous BSN secret"); !s.ok()) return s;
  }
  const auto previous_keys =
      static_cast<std::ptrdiff_t>(files.previous_deployment_key_files.size());
  std::vector<std::string> previous_key_bytes(read.begin() + 2, read.begin() + 2 + previous_keys);
  std::vector<std::string> previous_secret_bytes(read.begin() + 2 + previous_keys, read.end());
  absl::StatusOr<std::shared_ptr<const KeyRing>> ring =
      Build(read[0], read[1], previous_key_bytes, previous_secret_bytes, &files);
  for (std::string& k : previous_key_bytes) sodium_memzero(k.data(), k.size());
  for (std::string& k : previous_secret_bytes) sodium_memzero(k.data(), k.size());
  return ring;
}

absl::StatusOr<std::shared_ptr<const KeyRing>> KeyRing::FromKeys(
    absl::string_view deployment_key, absl::string_view bsn_secret,
    const std::vector<std::string>& previous_deployment_keys,
    const std::vector<std::string>& previous_bsn_secrets) {
  return Build(deployment_key, bsn_secret, previous_deployment_keys, previous_bsn_secrets, nullptr);
}

absl::StatusOr<std::shared_ptr<const KeyRing>> KeyRing::Build(
    absl::string_view deployment_key, absl::string_view bsn_secret,
    const std::vector<std::string>& previous_deployment_keys,
    const std::vector<std::string>& previous_bsn_secrets, const KeyFiles* files) {
  EnsureSodium();
  // Every key in order (current key, current secret, previous keys, previous secrets) with what
  // to call it in an error.
  struct Entry {
    absl::string_view bytes;
    bool deployment;
    std::string name;    // "the previous deployment key file 'old.key'"
    std::string source;  // "'old.key'" (files) or "#1" (keys given directly)
  };
  std::vector<Entry> entries;
  auto add = [&](absl::string_view bytes, bool deployment, absl::string_view what,
                 const std::string* path, size_t index) {
    Entry e{bytes, deployment, "", ""};
    if (path != nullptr) {
      e.source = absl::StrCat("'", *path, "'");
      e.name = absl::StrCat("the ", what, " file ", e.source);
    } else {
      e.source = absl::StrCat("#", index);
      e.name = absl::StrCat("the ", what, " ", e.source);
    }
    entries.push_back(std::move(e));
  };
  add(deployment_key, true, "deployment key", files ? &files->deployment_key_file : nullptr, 0);
  add(bsn_secret, false, "BSN secret", files ? &files->bsn_secret_file : nullptr, 0);
  for (size_t i = 0; i < previous_deployment_keys.size(); ++i) {
    add(previous_deployment_keys[i], true, "previous deployment key",
        files ? &files->previous_deployment_key_files[i] : nullptr, i + 1);
  }
  for (size_t i = 0; i < previous_bsn_secrets.size(); ++i) {
    add(previous_bsn_secrets[i], false, "previous BSN secret",
        files ? &files->previous_bsn_secret_files[i] : nullptr, i + 1);
  }
  const auto refuse = [files](std::string message) {
    return files != nullptr ? absl::FailedPreconditionError(std::move(message))
                            : absl::InvalidArgumentError(std::move(message));
  };
  for (const Entry& e : entries) {
    if (e.bytes.size() != kKeyBytes) return refuse(absl::StrCat(e.name, ": must be 32 bytes"));
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const Entry& a = entries[j];
      const Entry& b = entries[i];
      if (a.bytes == b.bytes) {
        if (a.deployment != b.deployment) {
          return refuse(absl::StrCat(
              b.name, " holds the same key as ", a.name,
              ": the deployment keys and the BSN secrets must all be different keys (is a file "
              "listed under the wrong flag?)"));
        }
        return refuse(absl::StrCat(b.name, " holds the same key as ", a.name,
                                   ": list only keys that were replaced, each once"));
      }
      if (a.deployment == b.deployment && KeyId(Bytes(a.bytes)) == KeyId(Bytes(b.bytes))) {
        return refuse(absl::StrCat(b.name, " has the same key id as ", a.name,
                                   " (a chance of one in four billion): generate a new key"));
      }
    }
  }
  std::shared_ptr<KeyRing> ring(new KeyRing());
  auto fill = [](Key& key, const Entry& e) {
    std::copy(e.bytes.begin(), e.bytes.end(), key.bytes);
    key.id = KeyId(key.bytes);
    key.source = e.source;
  };
  fill(ring->deployment_key_, entries[0]);
  fill(ring->bsn_secret_, entries[1]);
  for (size_t i = 2; i < entries.size(); ++i) {
    auto key = std::make_unique<Key>();
    fill(*key, entries[i]);
    (entries[i].deployment ? ring->previous_keys_ : ring->previous_secrets_)
        .push_back(std::move(key));
  }
  return std::shared_ptr<const KeyRing>(std::move(ring));
}

std::shared_ptr<const KeyRing> KeyRing::Random() {
  const std::string key = NewDataKey();
  const std::string secret = NewDataKey();
  return *FromKeys(key, secret);
}

KeyRing::~KeyRing() {
  sodium_memzero(deployment_key_.bytes, sizeof deployment_key_.bytes);
  sodium_memzero(bsn_secret_.bytes, sizeof bsn_secret_.bytes);
  for (auto& k : previous_keys_) sodium_memzero(k->bytes, sizeof k->bytes);
  for (auto& k : previous_secrets_) sodium_memzero(k->bytes, sizeof k->bytes);
}

std::string KeyRing::NewDataKey() {
  EnsureSodium();
  std::string key(kKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string KeyRing::WrapDataKey(absl::string_view data_key, absl::string_view binding) const {
  const std::string header =
      absl::StrCat(std::string(1, static_cast<char>(kWrapFormatKeyId)), deployment_key_.id);
  return AeadSeal(deployment_key_.bytes, header, data_key, binding);
}

const KeyRing::Key* KeyRing::DeploymentKeyById(absl::string_view key_id) const {
  if (key_id == deployment_key_.id) return &deployment_key_;
  for (const auto& k : previous_keys_) {
    if (key_id == k->id) return k.get();
  }
  return nullptr;
}

absl::StatusOr<std::string> KeyRing::UnwrapDataKey(absl::string_view wrapped,
                                                   absl::string_view binding) const {
  absl::StatusOr<std::string> key = absl::DataLossError("wrapped data key is malformed");
  if (!wrapped.empty() && static_cast<unsigned char>(wrapped[0]) == kWrapFormatKeyId) {
    if (wrapped.size() < 1 + kKeyIdBytes) return key;
    const Key* k = DeploymentKeyById(wrapped.substr(1, kKeyIdBytes));
    if (k == nullptr) {
      return absl::DataLossError(
          absl::StrCat("the data key is wrapped by a deployment key that is not configured (id ",
                       absl::BytesToHexString(wrapped.substr(1, kKeyIdBytes)), ")"));
    }
    key = AeadOpen(k->bytes, wrapped, 1 + kKeyIdBytes, binding);
  } else if (!wrapped.empty() && static_cast<unsigned char>(wrapped[0]) == kWrapFormatLegacy) {
    // Before key ids: whichever key opens it (the AEAD tag tells a wrong key apart).
    key = AeadOpen(deployment_key_.bytes, wrapped, 1, binding);
    for (size_t i = 0; !key.ok() && i < previous_keys_.size(); ++i) {
      key = AeadOpen(previous_keys_[i]->bytes, wrapped, 1, binding);
    }
  }
  if (key.ok() && key->size() != kKeyBytes) return absl::DataLossError("data key is malformed");
  return key;
}

bool KeyRing::IsWrappedWithCurrentKey(absl::string_view wrapped) const {
  return wrapped.size() > 1 + kKeyIdBytes &&
         static_cast<unsigned char>(wrapped[0]) == kWrapFormatKeyId &&
         wrapped.substr(1, kKeyIdBytes) == deployment_key_.id;
}

bool KeyRing::HasDeploymentKeyId(absl::string_view key_id) const {
  return DeploymentKeyById(key_id) != nullptr;
}

namespace {

std::string Hmac(const unsigned char* secret, absl::string_view tenant, absl::string_view bsn) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, secret, KeyRing::kKeyBytes);
  crypto_auth_hmacsha256_update(&state, Bytes(tenant), tenant.size());
  const unsigned char separator = 0;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, Bytes(bsn), bsn.size());
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
  return mac;
}

}  // namespace

std::string KeyRing::BsnHash(absl::string_view tenant, absl::string_view bsn) const {
  return Hmac(bsn_secret_.bytes, tenant, bsn);
}

std::vector<std::string> KeyRing::BsnHashes(absl::string_view tenant, absl::string_view bsn) const {
  std::vector<std::string> hashes;
  hashes.reserve(1 + previous_secrets_.size());
  hashes.push_back(Hmac(bsn_secret_.bytes, tenant, bsn));
  for (const auto& s : previous_secrets_) hashes.push_back(Hmac(s->bytes, tenant, bsn));
  return hashes;
}

std::string KeyRing::deployment_key_id() const {
  return absl::BytesToHexString(deployment_key_.id);
}

std::string KeyRing::bsn_secret_id() const { return absl::BytesToHexString(bsn_secret_.id); }

std::string KeyRing::DescribeDeploymentKeys() const {
  std::string out = absl::StrCat("current deployment key ", deployment_key_.source, " (id ",
                                 deployment_key_id(), ")");
  if (previous_keys_.empty()) absl::StrAppend(&out, ", no previous deployment key");
  for (const auto& k : previous_keys_) {
    absl::StrAppend(&out, ", previous ", k->source, " (id ", absl::BytesToHexString(k->id), ")");
  }
  return out;
}

std::string ParticipantKeyBinding(absl::string_view tenant, absl::string_view participant_id) {
  const std::string sep(1, '\0');
  return absl::StrCat("participant-key", sep, tenant, sep, participant_id);
}

std::string BsnBinding(absl::string_view tenant, absl::string_view participant_id) {
  const std::string sep(1, '\0');
  return absl::StrCat("participant-bsn", sep, tenant, sep, participant_id);
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
