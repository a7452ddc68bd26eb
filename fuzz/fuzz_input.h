// Reading a fuzz input as a sequence of choices and byte strings, so one target can dispatch
// over several requests and build several messages from one input:
//   Byte()     the next byte (0 when the input is used up);
//   Chunk()    a 2-byte little-endian length, then that many bytes (fewer at the end);
//   Rest()     everything not yet read.
// A message is parsed from a chunk or the rest with ParseFromArray; a parse failure leaves a
// partially filled message, which the targets use as is (the services receive whatever the
// wire format decodes to, never worse).
#ifndef KOMPAS_FUZZ_FUZZ_INPUT_H_
#define KOMPAS_FUZZ_FUZZ_INPUT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/stubs/logging.h"

namespace kompas::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : data_(reinterpret_cast<const char*>(data)), size_(size) {}

  std::uint8_t Byte() {
    if (pos_ >= size_) return 0;
    return static_cast<std::uint8_t>(data_[pos_++]);
  }

  absl::string_view Chunk() {
    std::size_t n = Byte();
    n |= static_cast<std::size_t>(Byte()) << 8;
    n = std::min(n, size_ - pos_);
    absl::string_view out(data_ + pos_, n);
    pos_ += n;
    return out;
  }

  absl::string_view Rest() {
    absl::string_view out(data_ + pos_, size_ - pos_);
    pos_ = size_;
    return out;
  }

  template <typename Message>
  Message ParseChunk() {
    Message m;
    const absl::string_view bytes = Chunk();
    m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
    return m;
  }

  template <typename Message>
  Message ParseRest() {
    Message m;
    const absl::string_view bytes = Rest();
    m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
    return m;
  }

 private:
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// Protobuf logs every string field with invalid UTF-8 it parses (and then fails the parse):
// millions of lines under a fuzzer. The targets use whatever the parse left, as before.
inline void QuietProtobufLogs() { google::protobuf::SetLogHandler(nullptr); }

// Bad input may give any status that tells the caller what is wrong with it; INTERNAL, UNKNOWN or
// DATA_LOSS from user input is a bug, reported like a crash.
inline void RequireNoInternalError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      std::abort();
    default:
      break;
  }
}

// A handler's answer to fuzzed input: no internal error, and an answer that serialises (a
// handler sends it).
template <typename Response>
void CheckAnswer(const absl::Status& status, const Response& response) {
  RequireNoInternalError(status);
  if (status.ok()) (void)response.SerializeAsString();
}

}  // namespace kompas::fuzz

#endif  // KOMPAS_FUZZ_FUZZ_INPUT_H_
