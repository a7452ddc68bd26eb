#include "services/common/tokens.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/files.h"

namespace kompas {
namespace {

constexpr absl::string_view kTokenPrefix = "kmp_";
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kIdBytes = 8;

constexpr std::array<std::pair<Scope, absl::string_view>, 5> kScopeNames = {{
    {Scope::kCompass, "compass"},
    {Scope::kRecordsRead, "records.read"},
    {Scope::kRecordsWrite, "records.write"},
    {Scope::kCatalogAdmin, "catalog.admin"},
    {Scope::kNetworkReport, "network.report"},
}};

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool ValidId(absl::string_view id) {
  return id.size() >= 8 && id.size() <= 32 && std::all_of(id.begin(), id.end(), IsLowerAlnum);
}

bool ValidTenant(absl::string_view tenant) {
  if (tenant.empty() || tenant.size() > 64 || !IsLowerAlnum(tenant.front())) return false;
  return std::all_of(tenant.begin(), tenant.end(),
                     [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

std::string HexOf(const unsigned char* bytes, std::size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, n);
  hex.resize(n * 2);
  return hex;
}

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return HexOf(buf.data(), buf.size());
}

std::string HashToken(absl::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return HexOf(out.data(), out.size());
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

absl::Status LineError(absl::string_view file, int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", what));
}

absl::StatusOr<absl::Time> ParseTimeField(const nlohmann::json& v, absl::string_view key) {
  if (!v.is_string())
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' must be an RFC 3339 time string"));
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, v.get<std::string>(), &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an RFC 3339 time: ", err));
  }
  return t;
}

absl::StatusOr<TokenRecord> ParseRecord(const nlohmann::json& obj) {
  if (!obj.is_object()) return absl::InvalidArgumentError("a token line must be a JSON object");
  TokenRecord r;
  bool have_id = false, have_tenant = false, have_scopes = false, have_expires = false,
       have_hash = false;
  for (const auto& [key, value] : obj.items()) {
    if (key == "id") {
      if (!value.is_string() || !ValidId(value.get<std::string>())) {
        return absl::InvalidArgumentError("'id' must be 8-32 characters a-z, 0-9");
      }
      r.id = value.get<std::string>();
      have_id = true;
    } else if (key == "tenant") {
      if (!value.is_string() || !ValidTenant(value.get<std::string>())) {
        return absl::InvalidArgumentError(
            "'tenant' must be 1-64 characters a-z, 0-9 and '-', starting with a letter or digit");
      }
      r.tenant = value.get<std::string>();
      have_tenant = true;
    } else if (key == "scopes") {
      if (!value.is_array() || value.empty()) {
        return absl::InvalidArgumentError("'scopes' must be a non-empty array of scope names");
      }
      for (const auto& s : value) {
        std::optional<Scope> scope =
            s.is_string() ? ParseScope(s.get<std::string>()) : std::nullopt;
        if (!scope) {
          return absl::InvalidArgumentError(absl::StrCat(
              "'scopes' holds an unknown scope ", s.dump(), "; known: compass, records.read, ",
              "records.write, catalog.admin, network.report"));
        }
        r.scopes.push_back(*scope);
      }
      have_scopes = true;
    } else if (key == "expires" || key == "created" || key == "revoked") {
      absl::StatusOr<absl::Time> t = ParseTimeField(value, key);
      if (!t.ok()) return t.status();
      if (key == "expires") {
        r.expires = *t;
        have_expires = true;
      } else if (key == "created") {
        r.created = *t;
      } else {
        r.revoked = *t;
      }
    } else if (key == "hash") {
      const std::string text = value.is_string() ? value.get<std::string>() : "";
      absl::string_view h = text;
      if (!absl::ConsumePrefix(&h, "blake2b256:") || h.size() != 64 ||
          !std::all_of(h.begin(), h.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
        return absl::InvalidArgumentError(
            "'hash' must be \"blake2b256:\" and 64 lowercase hex digits");
      }
      r.hash_hex = std::string(h);
      have_hash = true;
    } else if (key == "note") {
      if (!value.is_string()) return absl::InvalidArgumentError("'note' must be a string");
      r.note = value.get<std::string>();
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown key '", key, "'"));
    }
  }
  for (const auto& [have, name] :
       {std::pair{have_id, "id"}, std::pair{have_tenant, "tenant"},
        std::pair{have_scopes, "scopes"}, std::pair{have_expires, "expires"},
        std::pair{have_hash, "hash"}}) {
    if (!have) return absl::InvalidArgumentError(absl::StrCat("missing key '", name, "'"));
  }
  return r;
}

}  // namespace

absl::string_view ScopeName(Scope scope) {
  for (const auto& [s, name] : kScopeNames) {
    if (s == scope) return name;
  }
  return "unknown";
}

std::optional<Scope> ParseScope(absl::string_view name) {
  for (const auto& [s, n] : kScopeNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

bool TokenRecord::HasScope(Scope scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

absl::Status TokenTable::Add(TokenRecord record) {
  if (by_id_.contains(record.id)) {
    return absl::AlreadyExistsError(absl::StrCat("duplicate token id '", record.id, "'"));
  }
  by_id_[record.id] = records_.size();
  records_.push_back(std::move(record));
  return absl::OkStatus();
}

absl::StatusOr<TokenTable> TokenTable::Parse(absl::string_view contents,
                                             absl::string_view file_name) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  TokenTable table;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_no;
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "#")) continue;
    nlohmann::json obj = nlohmann::json::parse(trimmed.begin(), trimmed.end(), nullptr,
                                               /*allow_exceptions=*/false);
    if (obj.is_discarded()) return LineError(file_name, line_no, "not a valid JSON object");
    absl::StatusOr<TokenRecord> record = ParseRecord(obj);
    if (!record.ok()) return LineError(file_name, line_no, record.status().message());
    if (absl::Status s = table.Add(*std::move(record)); !s.ok()) {
      return LineError(file_name, line_no, s.message());
    }
  }
  return table;
}

absl::StatusOr<TokenTable> TokenTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read tokens file: ", std::strerror(errno)));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str(), path);
}

absl::StatusOr<Principal> TokenTable::Verify(absl::string_view token, absl::Time now) const {
  // kmp_<id>_<secret>
  absl::string_view rest = token;
  if (!absl::ConsumePrefix(&rest, kTokenPrefix)) {
    return absl::UnauthenticatedError("malformed bearer token");
  }
  std::size_t sep = rest.find('_');
  if (sep == absl::string_view::npos) return absl::UnauthenticatedError("malformed bearer token");
  absl::string_view id = rest.substr(0, sep);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return absl::UnauthenticatedError("unknown bearer token");
  const TokenRecord& r = records_[it->second];
  const std::string hash = HashToken(token);
  if (hash.size() != r.hash_hex.size() ||
      sodium_memcmp(hash.data(), r.hash_hex.data(), hash.size()) != 0) {
    return absl::UnauthenticatedError("unknown bearer token");
  }
  if (r.revoked.has_value() && *r.revoked <= now) {
    return absl::UnauthenticatedError(absl::StrCat("token ", r.id, " has been revoked"));
  }
  if (r.expires <= now) {
    return absl::UnauthenticatedError(
        absl::StrCat("token ", r.id, " expired at ", Rfc3339(r.expires)));
  }
  return Principal{r.tenant, r.id, r.scopes};
}

absl::Status CheckScope(const Principal& principal, Scope required) {
  if (std::find(principal.scopes.begin(), principal.scopes.end(), required) !=
      principal.scopes.end()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("token ", principal.token_id,
                                                  " lacks the scope '", ScopeName(required),
                                                  "' this call needs"));
}

absl::StatusOr<std::string> TokenTable::Create(absl::string_view tenant, std::vector<Scope> scopes,
                                               absl::Time now, absl::Time expires,
                                               absl::string_view note) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  if (!ValidTenant(tenant)) {
    return absl::InvalidArgumentError(
        "tenant must be 1-64 characters a-z, 0-9 and '-', starting with a letter or digit");
  }
  if (scopes.empty()) return absl::InvalidArgumentError("a token needs at least one scope");
  if (expires <= now) return absl::InvalidArgumentError("expiry must lie in the future");
  if (note.find('\n') != absl::string_view::npos) {
    return absl::InvalidArgumentError("note must be a single line");
  }
  std::string id;
  do {
    id = RandomHex(kIdBytes);
  } while (by_id_.contains(id));
  std::string token = absl::StrCat(kTokenPrefix, id, "_", RandomHex(kSecretBytes));
  TokenRecord r;
  r.id = id;
  r.tenant = std::string(tenant);
  r.scopes = std::move(scopes);
  r.created = now;
  r.expires = expires;
  r.hash_hex = HashToken(token);
  r.note = std::string(note);
  if (absl::Status s = Add(std::move(r)); !s.ok()) return s;
  return token;
}

absl::Status TokenTable::Revoke(absl::string_view id, absl::Time now) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return absl::NotFoundError(absl::StrCat("no token with id '", id, "'"));
  TokenRecord& r = records_[it->second];
  if (!r.revoked.has_value()) r.revoked = now;
  return absl::OkStatus();
}

std::string TokenTable::Serialize() const {
  std::string out =
      "# Kompas API tokens (JSON Lines). Managed with `kompas-admin token`; only hashes are "
      "stored.\n";
  for (const TokenRecord& r : records_) {
    nlohmann::ordered_json obj;
    obj["id"] = r.id;
    obj["tenant"] = r.tenant;
    nlohmann::ordered_json scopes = nlohmann::ordered_json::array();
    for (Scope s : r.scopes) scopes.push_back(std::string(ScopeName(s)));
    obj["scopes"] = scopes;
    if (r.created != absl::InfinitePast()) obj["created"] = Rfc3339(r.created);
    obj["expires"] = Rfc3339(r.expires);
    if (r.revoked.has_value()) obj["revoked"] = Rfc3339(*r.revoked);
    obj["hash"] = absl::StrCat("blake2b256:", r.hash_hex);
    if (!r.note.empty()) obj["note"] = r.note;
    absl::StrAppend(&out, obj.dump(), "\n");
  }
  return out;
}

absl::Status UpdateTokensFile(const std::string& path, bool create_if_missing,
                              const std::function<absl::Status(TokenTable&)>& change) {
  // The lock lives on a side file so that the atomic rename below does not swap it away.
  const std::string lock_path = path + ".lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) {
    return absl::UnavailableError(absl::StrCat(lock_path, ": ", std::strerror(errno)));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{lock_fd};
  if (::flock(lock_fd, LOCK_EX) != 0) {
    return absl::UnavailableError(absl::StrCat(lock_path, ": cannot lock: ", std::strerror(errno)));
  }
  TokenTable table;
  if (::access(path.c_str(), F_OK) == 0) {
    absl::StatusOr<TokenTable> loaded = TokenTable::Load(path);
    if (!loaded.ok()) return loaded.status();
    table = *std::move(loaded);
  } else if (!create_if_missing) {
    return absl::NotFoundError(absl::StrCat(path, ": tokens file does not exist"));
  }
  if (absl::Status s = change(table); !s.ok()) return s;

  const std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  if (absl::Status s = WriteFileSynced(tmp, table.Serialize(), 0600); !s.ok()) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError(s.message());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError(absl::StrCat(path, ": rename failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace kompas
