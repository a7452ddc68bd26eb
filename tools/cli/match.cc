#include "tools/cli/match.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "kompas/matching/v1/matching.grpc.pb.h"
#include "services/budget/income/engine.h"
#include "services/catalog/labels.h"
#include "tools/cli/budget_client.h"
#include "tools/cli/table.h"

namespace kompas::cli {
namespace {

namespace mv1 = ::kompas::matching::v1;
namespace cv1 = ::kompas::catalog::v1;
using ::kompas::budget::FormatEuro;
using ::kompas::catalog::DemandText;

// Cuts at a character boundary, never inside a UTF-8 sequence.
std::string Cut(const std::string& text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++chars > max_chars) return text.substr(0, i) + "…";
  }
  return text;
}

std::string Xml(const std::string& text) {
  return absl::StrReplaceAll(text,
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

}  // namespace

absl::StatusOr<mv1::MatchResult> RunMatch(const StackFile& stack,
                                          const kompas::type::v1::Household& household,
                                          const MatchQuery& q, absl::Duration timeout) {
  if (q.education_nlqf < 0 || q.education_nlqf > 8) {
    return absl::InvalidArgumentError("--education must be an NLQF level 1..8, or 0 for none");
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ServiceChannel(stack, "matching");
  if (!channel.ok()) return channel.status();
  auto stub = mv1::MatchingService::NewStub(*channel);
  mv1::MatchRequest req;
  mv1::MatchProfile* p = req.mutable_profile();
  p->set_profile_id("cli");
  *p->mutable_household() = household;
  p->set_job_seeker(1);
  p->set_education_level(static_cast<cv1::EducationLevel>(q.education_nlqf + 1));
  p->set_available_minutes_per_week(q.hours * 60);
  p->set_max_training_months(q.max_training_months);
  p->set_max_candidates(q.candidates);
  mv1::MatchResponse resp;
  grpc::ClientContext ctx;
  PrepareContext(ctx, stack, timeout);
  if (absl::Status s = FromGrpcFor("matching", stub->Match(&ctx, req, &resp)); !s.ok()) return s;
  return resp.result();
}

std::string FormatMatchTable(const mv1::MatchResult& r) {
  std::string out =
      absl::StrCat("Nodig per maand: ", FormatEuro(r.required_budget().cents()),
                   ". Nu te besteden: ", FormatEuro(r.current_disposable_income().cents()), " (",
                   r.current_margin().cents() >= 0 ? "genoeg" : "te weinig", ").\n\n");
  absl::StrAppend(&out, Pad("#", 3, false), "  ", Pad("Beroep", 42, true),
                  Pad("Bruto/uur", 11, false), Pad("Te besteden", 13, false),
                  Pad("Marge", 12, false), "  ", Pad("Lonend", 7, true), Pad("Vraag", 10, true),
                  "Route\n");
  for (const mv1::Candidate& c : r.candidates()) {
    std::string route = c.reachable_now() ? "kan nu" : "opleiding nodig";
    if (c.has_route()) {
      route = c.route().lonend_within_projection()
                  ? absl::StrCat("lonend vanaf maand ", c.route().lonend_month())
                  : "niet lonend binnen 5 jaar";
    }
    absl::StrAppend(&out, Pad(absl::StrCat(c.rank()), 3, false), "  ",
                    Pad(Cut(c.title(), 40), 42, true),
                    Pad(FormatEuro(c.wage().gross_hourly_wage().cents()), 11, false),
                    Pad(FormatEuro(c.disposable_income().cents()), 13, false),
                    Pad(FormatEuro(c.margin().cents()), 12, false), "  ",
                    Pad(c.lonend() ? "ja" : "nee", 7, true), Pad(DemandText(c.demand()), 10, true),
                    route, "\n");
  }
  if (r.candidates_size() > 0) {
    absl::StrAppend(&out, "\nWaarom nummer 1 bovenaan staat:\n");
    for (const std::string& reason : r.candidates(0).reasons())
      absl::StrAppend(&out, "  - ", reason, "\n");
  }
  for (const std::string& note : r.data().sample_notes())
    absl::StrAppend(&out, "Let op: ", note, "\n");
  return out;
}

std::string MatchSvg(const mv1::MatchResult& r) {
  constexpr double kW = 900, kLeft = 330, kRight = 40, kTop = 50, kRow = 26;
  const int n = r.candidates_size();
  const double height = kTop + kRow * (n + 1) + 50;
  double max_value = static_cast<double>(r.required_budget().cents());
  for (const mv1::Candidate& c : r.candidates()) {
    max_value = std::max(max_value, static_cast<double>(c.disposable_income().cents()));
  }
  max_value *= 1.1;
  const auto x = [&](double cents) { return kLeft + (kW - kLeft - kRight) * cents / max_value; };
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"13\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n<text x=\"20\" y=\"28\" font-size=\"17\" font-weight=\"bold\">"
      "Carrièrekompas: wat elk beroep het huishouden per maand laat</text>\n",
      kW, height);
  // The current situation first, in grey.
  absl::StrAppend(
      &svg, absl::StrFormat(
                "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">Nu</text>\n"
                "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"#bdbdbd\"/>\n"
                "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                kLeft - 8, kTop + 14, kLeft, kTop,
                x(static_cast<double>(r.current_disposable_income().cents())) - kLeft,
                x(static_cast<double>(r.current_disposable_income().cents())) + 4, kTop + 14,
                Xml(FormatEuro(r.current_disposable_income().cents()))));
  for (int i = 0; i < n; ++i) {
    const mv1::Candidate& c = r.candidates(i);
    const double y = kTop + kRow * (i + 1);
    absl::StrAppend(
        &svg,
        absl::StrFormat("<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%d. %s</text>\n"
                        "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>\n"
                        "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                        kLeft - 8, y + 14, c.rank(), Xml(Cut(c.title(), 38)), kLeft, y,
                        x(static_cast<double>(c.disposable_income().cents())) - kLeft,
                        c.lonend() ? "#41ab5d" : "#fc9272",
                        x(static_cast<double>(c.disposable_income().cents())) + 4, y + 14,
                        Xml(FormatEuro(c.disposable_income().cents()))));
  }
  const double need = x(static_cast<double>(r.required_budget().cents()));
  absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" "
                                        "stroke=\"#d62728\" stroke-width=\"2\" "
                                        "stroke-dasharray=\"8 5\"/>\n<text x=\"%.1f\" y=\"%.0f\" "
                                        "fill=\"#d62728\">Nodig: %s</text>\n"
                                        "</svg>\n",
                                        need, need, kTop - 6, height - 30, need + 4, height - 14,
                                        Xml(FormatEuro(r.required_budget().cents()))));
  return svg;
}

}  // namespace kompas::cli
