#include "tests/integration/reflection_client.h"

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/str_cat.h"

namespace kompas::testing {
namespace {

// ServerReflectionRequest{list_services = ""}: field 7, length-delimited, empty.
constexpr char kListServicesRequest[] = {0x3a, 0x00};
constexpr int kListServicesResponseField = 6;  // ServerReflectionResponse.list_services_response
constexpr int kServiceField = 1;               // ListServiceResponse.service
constexpr int kNameField = 1;                  // ServiceResponse.name

bool Await(grpc::CompletionQueue& cq, std::intptr_t want) {
  void* tag = nullptr;
  bool ok = false;
  return cq.Next(&tag, &ok) && ok && reinterpret_cast<std::intptr_t>(tag) == want;
}

void* Tag(std::intptr_t n) { return reinterpret_cast<void*>(n); }

}  // namespace

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call =
      stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  std::vector<std::string> names;
  grpc::Status status;
  call->StartCall(Tag(1));
  bool ok = Await(cq, 1);
  grpc::Slice slice(kListServicesRequest, sizeof kListServicesRequest);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  if (ok) {
    call->Write(request, Tag(2));
    ok = Await(cq, 2);
  }
  if (ok) {
    call->WritesDone(Tag(3));
    ok = Await(cq, 3);
  }
  if (ok) {
    call->Read(&response, Tag(4));
    ok = Await(cq, 4);
  }
  call->Finish(&status, Tag(5));
  Await(cq, 5);
  cq.Shutdown();
  void* tag = nullptr;
  bool drained_ok = false;
  while (cq.Next(&tag, &drained_ok)) {
  }
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  if (!ok) return absl::UnavailableError("reflection stream failed");

  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return absl::InternalError("unreadable reflection response");
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  google::protobuf::UnknownFieldSet top;
  if (!top.ParseFromString(bytes)) return absl::InternalError("malformed reflection response");
  for (int i = 0; i < top.field_count(); ++i) {
    const auto& f = top.field(i);
    if (f.number() != kListServicesResponseField) continue;
    google::protobuf::UnknownFieldSet list;
    if (!list.ParseFromString(f.length_delimited())) return absl::InternalError("bad service list");
    for (int j = 0; j < list.field_count(); ++j) {
      if (list.field(j).number() != kServiceField) continue;
      google::protobuf::UnknownFieldSet service;
      if (!service.ParseFromString(list.field(j).length_delimited())) continue;
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == kNameField)
          names.push_back(service.field(k).length_delimited());
      }
    }
  }
  return names;
}

}  // namespace kompas::testing
