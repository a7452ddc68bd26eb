#include "services/common/tls.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace kompas {
namespace {

using ::testing::HasSubstr;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(absl::StrCat(::testing::TempDir(), "/tls-", ::getpid()));
    const std::string cmd = absl::StrCat(
        "mkdir -p ", *dir_, " && cd ", *dir_,
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=localhost -keyout a.key -out a.crt 2>/dev/null"
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=other -keyout b.key -out b.crt 2>/dev/null");
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  static std::string Path(const char* name) { return absl::StrCat(*dir_, "/", name); }
  static std::string Read(const char* name) {
    std::ifstream in(Path(name));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void Write(const char* name, const std::string& text) {
    std::ofstream(Path(name)) << text;
  }
  static std::string* dir_;
};
std::string* TlsTest::dir_ = nullptr;

TEST_F(TlsTest, MatchingPairLoads) {
  absl::StatusOr<TlsFiles> files = LoadTlsFiles(Path("a.crt"), Path("a.key"));
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(files->cert_chain_pem, HasSubstr("BEGIN CERTIFICATE"));
}

TEST_F(TlsTest, KeyOfAnotherCertificateIsRefused) {
  absl::StatusOr<TlsFiles> files = LoadTlsFiles(Path("a.crt"), Path("b.key"));
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(), HasSubstr("does not belong"));
}

TEST_F(TlsTest, CorruptBodyNamesFileAndLineOfTheBlock) {
  std::string cert = Read("a.crt");
  std::string two = cert + cert;  // second block starts after the first one's lines
  const std::size_t first_block_lines =
      static_cast<std::size_t>(std::count(cert.begin(), cert.end(), '\n'));
  std::size_t pos = two.find("MII", cert.size());
  ASSERT_NE(pos, std::string::npos);
  two.replace(pos, 3, "@@@");
  Write("bad.crt", two);
  absl::StatusOr<TlsFiles> files = LoadTlsFiles(Path("bad.crt"), Path("a.key"));
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(),
              HasSubstr(absl::StrCat(Path("bad.crt"), ":", first_block_lines + 1, ":")));
}

TEST_F(TlsTest, FramingErrorsNameTheLine) {
  EXPECT_THAT(ValidatePem("hello\n", "x.pem", false).message(), HasSubstr("x.pem:1: text outside"));
  EXPECT_THAT(ValidatePem("\n-----BEGIN CERTIFICATE-----\nAAAA\n", "x.pem", false).message(),
              HasSubstr("x.pem:2: PEM block has no END"));
  EXPECT_THAT(ValidatePem("", "x.pem", false).message(), HasSubstr("no PEM block"));
  EXPECT_THAT(ValidatePem(Read("a.crt"), "k.pem", true).message(),
              HasSubstr("k.pem:1: not a readable private key"));
  EXPECT_THAT(LoadTlsFiles(Path("missing.crt"), Path("a.key")).status().message(),
              HasSubstr("missing.crt:1: cannot read"));
}

}  // namespace
}  // namespace kompas
