#include "services/common/tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kompas {
namespace {

struct PemBlock {
  std::string label;  // "CERTIFICATE", "PRIVATE KEY", …
  int first_line = 0;
  std::string text;  // BEGIN … END inclusive
};

absl::Status At(absl::string_view file, int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", what));
}

// Splits PEM text into blocks, checking the framing line by line.
absl::StatusOr<std::vector<PemBlock>> SplitPem(absl::string_view contents, absl::string_view file) {
  std::vector<PemBlock> blocks;
  std::optional<PemBlock> open;
  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(contents, '\n')) {
    ++line_no;
    absl::string_view line = absl::StripTrailingAsciiWhitespace(raw);
    absl::string_view label = line;
    if (absl::ConsumePrefix(&label, "-----BEGIN ") && absl::ConsumeSuffix(&label, "-----")) {
      if (open.has_value()) return At(file, line_no, "BEGIN inside an unfinished PEM block");
      open = PemBlock{std::string(label), line_no, ""};
      absl::StrAppend(&open->text, line, "\n");
      continue;
    }
    label = line;
    if (absl::ConsumePrefix(&label, "-----END ") && absl::ConsumeSuffix(&label, "-----")) {
      if (!open.has_value() || open->label != label) {
        return At(file, line_no, "END without a matching BEGIN");
      }
      absl::StrAppend(&open->text, line, "\n");
      blocks.push_back(*std::move(open));
      open.reset();
      continue;
    }
    if (open.has_value()) {
      absl::StrAppend(&open->text, line, "\n");
    } else if (!line.empty()) {
      return At(file, line_no, "text outside a PEM block");
    }
  }
  if (open.has_value()) return At(file, open->first_line, "PEM block has no END line");
  if (blocks.empty()) return At(file, 1, "no PEM block found");
  return blocks;
}

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

BioPtr MemBio(const std::string& text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
}

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":1: cannot read ", what, ": ", std::strerror(errno)));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

absl::Status ValidatePem(absl::string_view contents, absl::string_view file_name, bool want_key) {
  absl::StatusOr<std::vector<PemBlock>> blocks = SplitPem(contents, file_name);
  if (!blocks.ok()) return blocks.status();
  if (want_key && blocks->size() != 1) {
    return At(file_name, (*blocks)[1].first_line, "a key file must hold exactly one PEM block");
  }
  for (const PemBlock& block : *blocks) {
    BioPtr bio = MemBio(block.text);
    if (want_key) {
      EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
      ERR_clear_error();
      if (key == nullptr) return At(file_name, block.first_line, "not a readable private key");
      EVP_PKEY_free(key);
    } else {
      if (block.label != "CERTIFICATE") {
        return At(file_name, block.first_line,
                  absl::StrCat("expected a CERTIFICATE block, found ", block.label));
      }
      X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
      ERR_clear_error();
      if (cert == nullptr) return At(file_name, block.first_line, "not a readable certificate");
      X509_free(cert);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TlsFiles> LoadTlsFiles(const std::string& cert_path, const std::string& key_path) {
  TlsFiles files;
  absl::StatusOr<std::string> cert = ReadFile(cert_path, "TLS certificate");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(key_path, "TLS private key");
  if (!key.ok()) return key.status();
  if (absl::Status s = ValidatePem(*cert, cert_path, false); !s.ok()) return s;
  if (absl::Status s = ValidatePem(*key, key_path, true); !s.ok()) return s;

  BioPtr cert_bio = MemBio(*cert);
  BioPtr key_bio = MemBio(*key);
  X509* leaf = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  const bool match = leaf != nullptr && pkey != nullptr && X509_check_private_key(leaf, pkey) == 1;
  X509_free(leaf);
  EVP_PKEY_free(pkey);
  ERR_clear_error();
  if (!match) {
    return absl::InvalidArgumentError(absl::StrCat(
        key_path, ":1: private key does not belong to the first certificate in ", cert_path));
  }
  files.cert_chain_pem = *std::move(cert);
  files.private_key_pem = *std::move(key);
  return files;
}

}  // namespace kompas
