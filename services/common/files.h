// Writing a file so that it survives a crash: all bytes written, then fsync; and fsync of a
// directory after entries in it were created or renamed.
#ifndef KOMPAS_SERVICES_COMMON_FILES_H_
#define KOMPAS_SERVICES_COMMON_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kompas {

// Creates or truncates `path` with `mode`, writes `content` and fsyncs it. On failure the
// status (INTERNAL) names the path and the system error; a partly written file may remain.
absl::Status WriteFileSynced(const std::string& path, absl::string_view content, int mode);

// fsync of a directory, so that the names created or renamed in it are durable.
absl::Status SyncDirectory(const std::string& dir);

}  // namespace kompas

#endif  // KOMPAS_SERVICES_COMMON_FILES_H_
