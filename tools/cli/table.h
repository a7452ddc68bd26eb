// Plain-text tables for the terminal.
#ifndef KOMPAS_TOOLS_CLI_TABLE_H_
#define KOMPAS_TOOLS_CLI_TABLE_H_

#include <string>

namespace kompas::cli {

// `text` padded with spaces to `width` characters (UTF-8 aware), left- or right-aligned; longer
// text is returned whole.
inline std::string Pad(const std::string& text, std::size_t width, bool left_align) {
  std::size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  const std::string fill(width > chars ? width - chars : 0, ' ');
  return left_align ? text + fill : fill + text;
}

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_TABLE_H_
