// Text folding for lookups and search: case- and accent-insensitive matching of Dutch names.
#ifndef KOMPAS_SERVICES_CATALOG_DATA_TEXT_H_
#define KOMPAS_SERVICES_CATALOG_DATA_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kompas::catalog {

// Folds UTF-8 text for matching: letters to lower-case ASCII with accents removed (Latin-1
// Supplement and the common Latin Extended-A letters: "Súdwest-Fryslân" -> "sudwest fryslan"),
// apostrophes dropped ("'s-Hertogenbosch" -> "s hertogenbosch"), every other run of
// non-alphanumeric characters to one space, no leading or trailing space. Other non-ASCII
// characters are dropped.
std::string FoldText(absl::string_view text);

// FoldText, then without a leading "gemeente " (as in "Gemeente Groningen").
std::string FoldMunicipalityName(absl::string_view text);

}  // namespace kompas::catalog

#endif  // KOMPAS_SERVICES_CATALOG_DATA_TEXT_H_
