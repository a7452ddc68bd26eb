#include "tools/cli/curve.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "kompas/budget/v1/budget.grpc.pb.h"
#include "services/budget/income/engine.h"
#include "tools/cli/budget_client.h"

namespace kompas::cli {
namespace {

namespace bv1 = ::kompas::budget::v1;
using ::kompas::budget::FormatEuro;

std::string Xml(absl::string_view text) {
  return absl::StrReplaceAll(text,
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

// Band colours and Dutch names per programme, in stacking order (income first).
struct Band {
  bv1::IncomeComponent component;
  const char* name;
  const char* colour;
};
constexpr Band kBands[] = {
    {bv1::INCOME_COMPONENT_BIJSTAND, "Bijstand", "#9ecae1"},
    {bv1::INCOME_COMPONENT_ZORGTOESLAG, "Zorgtoeslag", "#a1d99b"},
    {bv1::INCOME_COMPONENT_HUURTOESLAG, "Huurtoeslag", "#74c476"},
    {bv1::INCOME_COMPONENT_KINDGEBONDEN_BUDGET, "Kindgebonden budget", "#fdae6b"},
    {bv1::INCOME_COMPONENT_KINDERBIJSLAG, "Kinderbijslag", "#fd8d3c"},
    {bv1::INCOME_COMPONENT_KINDEROPVANGTOESLAG, "Kinderopvangtoeslag", "#bcbddc"},
    {bv1::INCOME_COMPONENT_MUNICIPAL_SCHEME, "Lokale regelingen", "#c994c7"},
};

}  // namespace

absl::StatusOr<bv1::GetIncomeCurveResponse> RunCurve(const StackFile& stack,
                                                     const kompas::type::v1::Household& household,
                                                     std::int64_t hourly_cents,
                                                     absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<bv1::BudgetService::Stub>> stub = BudgetStub(stack);
  if (!stub.ok()) return stub.status();
  bv1::GetIncomeCurveRequest req;
  *req.mutable_household() = household;
  req.set_adult_number(1);
  req.mutable_hours()->mutable_gross_hourly_wage()->set_cents(hourly_cents);
  req.mutable_hours()->set_from_minutes_per_week(0);
  req.mutable_hours()->set_to_minutes_per_week(40 * 60);
  req.mutable_hours()->set_step_minutes(60);
  req.set_include_components(true);
  bv1::GetIncomeCurveResponse resp;
  grpc::ClientContext ctx;
  PrepareContext(ctx, stack, timeout);
  if (absl::Status s = FromGrpc((*stub)->GetIncomeCurve(&ctx, req, &resp)); !s.ok()) return s;
  return resp;
}

absl::StatusOr<bv1::FindRequiredWageResponse> RunWage(const StackFile& stack,
                                                      const kompas::type::v1::Household& household,
                                                      int hours, absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<bv1::BudgetService::Stub>> stub = BudgetStub(stack);
  if (!stub.ok()) return stub.status();
  bv1::FindRequiredWageRequest req;
  *req.mutable_household() = household;
  req.set_adult_number(1);
  req.set_minutes_per_week(hours * 60);
  bv1::FindRequiredWageResponse resp;
  grpc::ClientContext ctx;
  PrepareContext(ctx, stack, timeout);
  if (absl::Status s = FromGrpc((*stub)->FindRequiredWage(&ctx, req, &resp)); !s.ok()) return s;
  return resp;
}

std::string FormatCurveTable(const bv1::GetIncomeCurveResponse& curve) {
  std::string out =
      absl::StrFormat("%-6s %14s %14s %10s\n", "Uren", "Te besteden", "Verschil", "Druk");
  for (int i = 0; i < curve.points_size(); ++i) {
    const auto& p = curve.points(i);
    std::string pressure = "";
    if (i < curve.segments_size()) {
      pressure = absl::StrFormat("%.0f%%%s", curve.segments(i).marginal_pressure().ppm() / 1e4,
                                 curve.segments(i).armoedeval() ? " !" : "");
    }
    absl::StrAppend(&out,
                    absl::StrFormat("%-6d %14s %14s %10s\n", p.position().minutes_per_week() / 60,
                                    FormatEuro(p.position().disposable_income().cents()),
                                    FormatEuro(p.margin().cents()), pressure));
  }
  if (curve.cliffs_size() == 0) {
    absl::StrAppend(&out, "\nGeen kliffen: meer werken levert bij elke stap iets op.\n");
  } else {
    absl::StrAppend(&out, "\nKliffen:\n");
    for (const auto& c : curve.cliffs()) absl::StrAppend(&out, "  - ", c.explanation(), "\n");
  }
  absl::StrAppend(
      &out, "(Druk = marginale druk naar het volgende punt; ! = armoedeval, 80 % of meer.)\n");
  return out;
}

std::string CurveSvg(const bv1::GetIncomeCurveResponse& curve, const std::string& title) {
  constexpr double kW = 900, kH = 520, kLeft = 80, kRight = 200, kTop = 50, kBottom = 60;
  const double plot_w = kW - kLeft - kRight;
  const double plot_h = kH - kTop - kBottom;
  std::int64_t max_y = curve.required_budget().cents();
  for (const auto& p : curve.points()) {
    std::int64_t stack = 0;
    for (const auto& c : p.components())
      stack += std::max<std::int64_t>(c.monthly_amount().cents(), 0);
    max_y = std::max({max_y, p.position().disposable_income().cents(), stack});
  }
  max_y = (max_y / 50000 + 1) * 50000;  // round up to € 500
  const int n = curve.points_size();
  const double max_x = n > 1 ? curve.points(n - 1).position().minutes_per_week() / 60.0 : 1.0;
  auto X = [&](double hours) { return kLeft + plot_w * hours / std::max(max_x, 1.0); };
  auto Y = [&](double cents) { return kTop + plot_h * (1.0 - cents / static_cast<double>(max_y)); };

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"13\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%.0f\" y=\"28\" font-size=\"17\" font-weight=\"bold\">%s</text>\n",
      kW, kH, kW, kH, kLeft, Xml(title));
  // Stacked bands: net wage (gross + tax and credits) at the bottom, then each programme.
  std::vector<std::vector<double>> tops(static_cast<std::size_t>(n));
  std::vector<double> base(static_cast<std::size_t>(n), 0.0);
  // The component's amount at a point; municipal schemes (one entry each) together.
  auto amount = [](const bv1::CurvePoint& p, bv1::IncomeComponent c) {
    double sum = 0.0;
    for (const auto& a : p.components()) {
      if (a.component() == c) sum += static_cast<double>(a.monthly_amount().cents());
    }
    return sum;
  };
  auto band = [&](const std::vector<double>& add, const char* colour, const char* name, int row) {
    std::string poly;
    for (int i = 0; i < n; ++i) {
      const auto& p = curve.points(i);
      absl::StrAppend(
          &poly,
          absl::StrFormat("%.1f,%.1f ", X(p.position().minutes_per_week() / 60.0),
                          Y(base[static_cast<std::size_t>(i)] + add[static_cast<std::size_t>(i)])));
    }
    for (int i = n - 1; i >= 0; --i) {
      const auto& p = curve.points(i);
      absl::StrAppend(&poly,
                      absl::StrFormat("%.1f,%.1f ", X(p.position().minutes_per_week() / 60.0),
                                      Y(base[static_cast<std::size_t>(i)])));
    }
    absl::StrAppend(&svg, absl::StrFormat("<polygon points=\"%s\" fill=\"%s\" opacity=\"0.9\"/>\n",
                                          poly, colour));
    absl::StrAppend(
        &svg, absl::StrFormat("<rect x=\"%.0f\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                              "<text x=\"%.0f\" y=\"%d\">%s</text>\n",
                              kW - kRight + 20, 60 + 22 * row, colour, kW - kRight + 40,
                              72 + 22 * row, name));
    for (int i = 0; i < n; ++i)
      base[static_cast<std::size_t>(i)] += add[static_cast<std::size_t>(i)];
  };
  std::vector<double> net(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto& p = curve.points(i);
    net[static_cast<std::size_t>(i)] =
        std::max(0.0, static_cast<double>(p.position().gross_monthly_income().cents()) +
                          amount(p, bv1::INCOME_COMPONENT_INCOME_TAX));
  }
  band(net, "#3182bd", "Nettoloon", 0);
  int row = 1;
  for (const Band& b : kBands) {
    std::vector<double> add(static_cast<std::size_t>(n));
    bool any = false;
    for (int i = 0; i < n; ++i) {
      add[static_cast<std::size_t>(i)] = std::max(0.0, amount(curve.points(i), b.component));
      any = any || add[static_cast<std::size_t>(i)] > 0;
    }
    if (any) band(add, b.colour, b.name, row++);
  }
  // Disposable income (after costs of working) and the required budget.
  std::string line;
  for (const auto& p : curve.points()) {
    absl::StrAppend(
        &line, absl::StrFormat("%.1f,%.1f ", X(p.position().minutes_per_week() / 60.0),
                               Y(static_cast<double>(p.position().disposable_income().cents()))));
  }
  absl::StrAppend(
      &svg,
      absl::StrFormat(
          "<polyline points=\"%s\" fill=\"none\" stroke=\"black\" stroke-width=\"2.5\"/>\n"
          "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" "
          "stroke-width=\"2\" stroke-dasharray=\"8 5\"/>\n"
          "<text x=\"%.0f\" y=\"%.1f\" fill=\"#d62728\">Nodig: %s</text>\n",
          line, kLeft, kLeft + plot_w, Y(static_cast<double>(curve.required_budget().cents())),
          Y(static_cast<double>(curve.required_budget().cents())), kLeft + 6,
          Y(static_cast<double>(curve.required_budget().cents())) - 6,
          Xml(FormatEuro(curve.required_budget().cents()))));
  absl::StrAppend(
      &svg, absl::StrFormat("<rect x=\"%.0f\" y=\"%d\" width=\"14\" height=\"3\" fill=\"black\"/>"
                            "<text x=\"%.0f\" y=\"%d\">Te besteden</text>\n",
                            kW - kRight + 20, 66 + 22 * row, kW - kRight + 40, 72 + 22 * row));
  // Axes with € and hour ticks.
  for (std::int64_t y = 0; y <= max_y; y += 50000) {
    absl::StrAppend(
        &svg,
        absl::StrFormat("<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>"
                        "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                        kLeft, kLeft + plot_w, Y(static_cast<double>(y)), Y(static_cast<double>(y)),
                        kLeft - 6, Y(static_cast<double>(y)) + 4,
                        Xml(FormatEuro(y).substr(0, FormatEuro(y).size() - 3))));
  }
  for (int hours = 0; hours <= static_cast<int>(max_x); hours += 4) {
    absl::StrAppend(
        &svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d</text>\n",
                              X(hours), kH - kBottom + 20, hours));
  }
  absl::StrAppend(
      &svg, absl::StrFormat(
                "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">uren werk per week</text>\n"
                "<text x=\"20\" y=\"%.0f\" transform=\"rotate(-90 20 %.0f)\" "
                "text-anchor=\"middle\">per maand</text>\n",
                kLeft + plot_w / 2, kH - 15, kTop + plot_h / 2, kTop + plot_h / 2));
  // Cliffs: a red marker and its drop.
  for (const auto& c : curve.cliffs()) {
    const double x = X(c.after().minutes_per_week() / 60.0);
    const double y = Y(static_cast<double>(c.after().disposable_income().cents()));
    absl::StrAppend(
        &svg,
        absl::StrFormat(
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"#d62728\" "
            "stroke-width=\"2.5\"><title>%s</title></circle>"
            "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\" font-weight=\"bold\">klif −%s</text>\n",
            x, y, Xml(c.explanation()), x + 8, y + 18, Xml(FormatEuro(c.drop().cents()))));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

std::string FormatWage(const bv1::FindRequiredWageResponse& wage) {
  std::string out = wage.explanation() + "\n";
  if (!wage.found()) {
    if (wage.has_blocking_cliff())
      absl::StrAppend(&out, "  ", wage.blocking_cliff().explanation(), "\n");
    for (const auto& a : wage.alternatives()) absl::StrAppend(&out, "  - ", a.explanation(), "\n");
  }
  return out;
}

}  // namespace kompas::cli
