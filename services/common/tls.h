// TLS material for the server, checked at start-up so a broken file stops the process with
// the file and line to fix, instead of failing every handshake later.
#ifndef KOMPAS_SERVICES_COMMON_TLS_H_
#define KOMPAS_SERVICES_COMMON_TLS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas {

struct TlsFiles {
  std::string cert_chain_pem;  // one or more certificates, leaf first
  std::string private_key_pem;
};

// Validates `contents` as PEM certificates (`want_key` false) or one private key (true).
// Errors name `file_name` and the line of the offending block.
absl::Status ValidatePem(absl::string_view contents, absl::string_view file_name, bool want_key);

// Reads and validates both files, and checks that the key belongs to the leaf certificate.
absl::StatusOr<TlsFiles> LoadTlsFiles(const std::string& cert_path, const std::string& key_path);

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_TLS_H_
