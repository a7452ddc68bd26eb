#include "services/catalog/data/text.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/match.h"

namespace kompas::catalog {
namespace {

// ASCII folding of U+00C0..U+00FF; 0 = drop.
constexpr char kLatin1[64] = {
    'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',  // C0-CF
    'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'u', 'y', 0,   's',  // D0-DF
    'a', 'a', 'a', 'a', 'a', 'a', 'a', 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',  // E0-EF
    'd', 'n', 'o', 'o', 'o', 'o', 'o', 0,   'o', 'u', 'u', 'u', 'u', 'y', 0,   'y',  // F0-FF
};

// ASCII folding of U+0100..U+017F (Latin Extended-A), pairs of upper/lower case.
constexpr char kLatinExtA[128 + 1] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssss"
    "ssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

// Returns the folded ASCII letter for a code point, or 0 to drop it.
char FoldCodePoint(std::uint32_t cp) {
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return c;
    return ' ';
  }
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) return kLatinExtA[cp - 0x100];
  return 0;
}

bool IsApostrophe(std::uint32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018; }

}  // namespace

std::string FoldText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = b0;
    std::size_t len = 1;
    if (b0 >= 0xC0 && b0 < 0xE0 && i + 1 < text.size()) {
      cp = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
      len = 2;
    } else if (b0 >= 0xE0 && b0 < 0xF0 && i + 2 < text.size()) {
      cp = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
      len = 3;
    } else if (b0 >= 0xF0 && i + 3 < text.size()) {
      cp = 0x10000;  // outside what we fold: dropped
      len = 4;
    } else if (b0 >= 0x80) {
      cp = 0x10000;  // a stray continuation byte: dropped
    }
    i += len;
    if (IsApostrophe(cp)) continue;
    const char c = FoldCodePoint(cp);
    if (c == 0) continue;
    if (c == ' ') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string FoldMunicipalityName(absl::string_view text) {
  std::string folded = FoldText(text);
  if (absl::StartsWith(folded, "gemeente ")) folded.erase(0, 9);
  return folded;
}

}  // namespace kompas::catalog
