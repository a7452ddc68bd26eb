// Blocking use of the asynchronous CaseStore, for tests, tools and benchmarks (never on a gRPC
// callback thread):
//   absl::StatusOr<Participant> p = Await<Participant>(
//       [&](Done<Participant> done) { store.GetParticipant(ctx, id, std::move(done)); });
#ifndef KOMPAS_SERVICES_CASERECORD_STORAGE_SYNC_H_
#define KOMPAS_SERVICES_CASERECORD_STORAGE_SYNC_H_

#include <future>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/caserecord/storage/store.h"

namespace kompas::caserecord::storage {

template <typename T, typename Start>
absl::StatusOr<T> Await(Start&& start) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<T>>>();
  std::future<absl::StatusOr<T>> future = promise->get_future();
  std::forward<Start>(start)(
      Done<T>([promise](absl::StatusOr<T> result) { promise->set_value(std::move(result)); }));
  return future.get();
}

template <typename Start>
absl::Status AwaitStatus(Start&& start) {
  auto promise = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> future = promise->get_future();
  std::forward<Start>(start)(
      DoneStatus([promise](absl::Status status) { promise->set_value(std::move(status)); }));
  return future.get();
}

}  // namespace kompas::caserecord::storage

#endif  // KOMPAS_SERVICES_CASERECORD_STORAGE_SYNC_H_
