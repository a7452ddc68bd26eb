// A small, strict RFC 4180 CSV reader for the catalogue's data files.
//
// Records are separated by LF or CRLF; fields by commas. A field may be quoted with double
// quotes, and then holds commas, line breaks and doubled quotes ("" for one "). A UTF-8 byte
// order mark at the start is skipped. Two extensions for data files:
//   - lines starting with '#' before the header are comments (kept in `comments`, without '#');
//   - a final line break is optional, and empty lines after the last record are ignored.
// Errors (an unterminated quote, text after a closing quote, a quote inside an unquoted field)
// name the 1-based line they occur on. Fields are returned as written: no trimming.
#ifndef KOMPAS_SERVICES_CATALOG_DATA_CSV_H_
#define KOMPAS_SERVICES_CATALOG_DATA_CSV_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace kompas::catalog {

// One record: the line it starts on (1-based, counted over the whole file) and its fields.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// A parsed file. `header` is the first non-comment record; `records` the ones after it.
struct CsvTable {
  std::vector<std::string> comments;
  int header_line = 0;
  std::vector<std::string> header;
  std::vector<CsvRecord> records;
};

// A syntax error: the line and what is wrong, e.g. {3, "unterminated quoted field"}.
struct CsvSyntaxError {
  int line = 0;
  std::string message;
};

// Parses `text`. On a syntax error returns false and fills `error`; `table` is then partial.
// An empty file (or one with only comments) gives an empty header and no records.
bool ParseCsv(absl::string_view text, CsvTable& table, CsvSyntaxError& error);

}  // namespace kompas::catalog

#endif  // KOMPAS_SERVICES_CATALOG_DATA_CSV_H_
