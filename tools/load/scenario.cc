#include "tools/load/scenario.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kompas::load {

void PrepareContext(grpc::ClientContext& context, const ScenarioParams& params) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + params.deadline));
  if (!params.token.empty()) context.AddMetadata("authorization", "Bearer " + params.token);
}

absl::Status ScenarioRegistry::Add(ScenarioSpec spec) {
  if (spec.name.empty()) return absl::InvalidArgumentError("a scenario needs a name");
  if (!spec.create) {
    return absl::InvalidArgumentError(absl::StrCat("scenario '", spec.name, "' has no create"));
  }
  if (Find(spec.name) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("scenario '", spec.name, "' is registered twice"));
  }
  specs_.push_back(std::make_unique<ScenarioSpec>(std::move(spec)));
  return absl::OkStatus();
}

const ScenarioSpec* ScenarioRegistry::Find(absl::string_view name) const {
  for (const std::unique_ptr<ScenarioSpec>& spec : specs_) {
    if (spec->name == name) return spec.get();
  }
  return nullptr;
}

std::vector<const ScenarioSpec*> ScenarioRegistry::List() const {
  std::vector<const ScenarioSpec*> out;
  out.reserve(specs_.size());
  for (const std::unique_ptr<ScenarioSpec>& spec : specs_) out.push_back(spec.get());
  std::sort(out.begin(), out.end(),
            [](const ScenarioSpec* a, const ScenarioSpec* b) { return a->name < b->name; });
  return out;
}

MixedScenario::MixedScenario(std::vector<Part> parts) : parts_(std::move(parts)) {
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    for (int w = 0; w < std::max(1, parts_[i].weight); ++w) schedule_.push_back(i);
  }
}

void MixedScenario::StartCall(CallDone done) {
  const std::size_t n = next_.fetch_add(1, std::memory_order_relaxed);
  parts_[schedule_[n % schedule_.size()]].scenario->StartCall(std::move(done));
}

}  // namespace kompas::load
