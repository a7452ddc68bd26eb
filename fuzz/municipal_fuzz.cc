// The municipal-schemes loader on bytes. The first byte picks:
//   0  one file (MunicipalSchemes::ParseFile) named after one of the shipped gemeenten (the next
//      byte picks which: the file name must match the code inside);
//   1  a directory of up to three such files (MunicipalSchemes::FromFiles), each a chunk.
// A gemeente that loads is looked up, and its schemes' household amounts used.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "services/budget/municipal/schemes.h"

namespace {

namespace budget = kompas::budget;
using kompas::fuzz::RequireNoInternalError;

constexpr const char* kNames[] = {"GM0014.yaml", "GM0935.yaml", "GM0363.yaml", "GM0344.yaml"};

void Use(const budget::GemeenteSchemes& g) {
  if (g.schemes.empty() && g.sample) std::abort();
  for (const budget::Scheme& s : g.schemes) {
    if (s.source == nullptr) std::abort();  // every figure cites a source
    (void)s.amounts.yearly[static_cast<std::size_t>(budget::SchemeHouseholdOf(2, 3))];
    (void)g.Covers(g.valid_from);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kompas::fuzz::FuzzInput in(data, size);
  if (in.Byte() % 2 == 0) {
    const char* name = kNames[in.Byte() % 4];
    auto g = budget::MunicipalSchemes::ParseFile(in.Rest(), name);
    RequireNoInternalError(g.status());
    if (g.ok()) Use(**g);
    return 0;
  }
  const std::uint8_t names = in.Byte();
  std::vector<budget::TextFile> files;
  for (int i = 0; i < 3; ++i) {
    files.push_back({kNames[(names >> (2 * i)) % 4], std::string(in.Chunk())});
  }
  auto all = budget::MunicipalSchemes::FromFiles(files);
  RequireNoInternalError(all.status());
  if (!all.ok()) return 0;
  for (const char* name : kNames) {
    const std::string code(name, 6);
    if (const budget::GemeenteSchemes* g = all->Find(code)) Use(*g);
  }
  return 0;
}
