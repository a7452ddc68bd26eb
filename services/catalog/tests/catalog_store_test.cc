// CatalogStore's snapshot swap under concurrency: readers take Current() while reloads and
// imports replace the snapshot. Runs under ThreadSanitizer (scripts/test --tsan), without gRPC.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/catalog/catalog_logic.h"

namespace kompas::catalog {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The shipped set as import files, with one comment line added to the demand file so that its
// content hash (the version) differs from the set on disk.
std::vector<CatalogFile> ShippedSetEdited() {
  std::vector<CatalogFile> files;
  for (const std::string& name : CatalogFileNames()) {
    const std::string dir = name == "gemeente_arbeidsmarktregio_2026.csv" ? "regions" : "jobs";
    std::string content = ReadFile(absl::StrCat(KOMPAS_DATA_DIR, "/", dir, "/", name));
    if (name == "vraag_per_regio.csv") {
      // A comment line after the first ("# SAMPLE …"): comments come before the header.
      content.insert(content.find('\n') + 1, "# edited\n");
    }
    files.push_back({name, std::move(content)});
  }
  return files;
}

TEST(CatalogStoreTest, ReadersAlwaysSeeAWholeSnapshotWhileReloadsAndImportsSwapIt) {
  absl::StatusOr<std::unique_ptr<CatalogStore>> store = CatalogStore::Open(
      {absl::StrCat(KOMPAS_DATA_DIR, "/jobs"), absl::StrCat(KOMPAS_DATA_DIR, "/regions")});
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string on_disk = (*store)->Current()->version();
  ASSERT_FALSE(on_disk.empty());

  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        std::shared_ptr<const CatalogData> data = (*store)->Current();
        // A snapshot is whole: a version and its occupations, never a half-built set.
        if (data == nullptr || data->version().empty() || data->occupations().empty()) ++bad;
        ++reads;
      }
    });
  }
  // The writer's checks are collected, not asserted, so that the readers are always joined.
  std::string imported;
  std::vector<std::string> failures;
  for (int round = 0; round < 10 && failures.empty(); ++round) {
    absl::StatusOr<CatalogBuild> import = (*store)->Import(ShippedSetEdited(), false);
    if (!import.ok()) {
      failures.push_back(std::string(import.status().message()));
      break;
    }
    for (const DataError& e : import->errors) {
      failures.push_back(absl::StrCat(e.file, ":", e.line, ": ", e.message));
    }
    if (!failures.empty()) break;
    imported = import->data->version();
    // Without an import directory a reload rebuilds the last import (not the files on disk).
    CatalogBuild reload = (*store)->Reload();
    if (!reload.errors.empty() || reload.data->version() != imported) {
      failures.push_back("the reload did not rebuild the import");
    }
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_NE(imported, on_disk);
  EXPECT_EQ((*store)->Current()->version(), imported);
}

}  // namespace
}  // namespace kompas::catalog
