#include "services/gateway/gateway.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "services/common/client.h"
#include "services/gateway/openapi.h"
#include "services/gateway/transcode.h"

namespace kompas::gateway {
namespace {

using google::protobuf::Descriptor;

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromByteBuffer(const grpc::ByteBuffer& buffer, google::protobuf::Message* message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return message->ParseFromString(bytes);
}

// One unary call with gRPC's callback API, waited for on this (HTTP worker) thread: the
// gateway's handlers are blocking by httplib's design, one request per pool thread.
grpc::Status WaitForUnary(grpc::GenericStub& stub, grpc::ClientContext* ctx,
                          const std::string& method, grpc::ByteBuffer request,
                          grpc::ByteBuffer* response) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(ctx, method, grpc::StubOptions(), &request, response, [&](grpc::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    status = std::move(s);
    done = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  return status;
}

// "application/json", in any case, with or without parameters ("; charset=utf-8").
bool IsJson(absl::string_view content_type) {
  absl::string_view media = content_type.substr(0, content_type.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(media), "application/json");
}

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

std::string ContentTypeFor(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json") return "application/json";
  return "";
}

// The metadata a caller's HTTP request carries on to the service.
void CopyMetadata(const httplib::Request& req, grpc::ClientContext* ctx) {
  for (auto [header, key] :
       {std::pair{"Authorization", "authorization"}, std::pair{"X-Kompas-Actor", "x-kompas-actor"},
        std::pair{"X-Request-Id", "x-request-id"}}) {
    if (req.has_header(header)) {
      std::string value = req.get_header_value(header);
      // gRPC refuses metadata values with control characters; such a value is dropped here
      // (the service then answers as if it were missing).
      bool printable = value.size() <= 8192;
      for (char c : value) printable = printable && c >= 0x20 && c < 0x7f;
      if (printable) ctx->AddMetadata(key, value);
    }
  }
}

}  // namespace

struct Gateway::Upstream {
  std::string service;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
};

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Create(GatewayConfig config, Logger* logger) {
  std::unique_ptr<Gateway> g(new Gateway(std::move(config), logger));
  absl::StatusOr<std::vector<Route>> routes = RoutesFromDescriptors(PublicServices());
  if (!routes.ok()) return routes.status();
  g->routes_ = *std::move(routes);
  for (const auto& [service, address] : g->config_.addresses) {
    if (address.empty()) continue;
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        internal::MakeChannel({.service = service,
                               .address = address,
                               .tls_root_certs_pem = g->config_.upstream_tls_roots_pem});
    if (!channel.ok()) return channel.status();
    auto up = std::make_unique<Upstream>();
    up->service = service;
    up->channel = *channel;
    up->stub = std::make_unique<grpc::GenericStub>(up->channel);
    g->upstreams_[service] = std::move(up);
  }
  if (!g->config_.web_root.empty()) {
    std::error_code ec;
    std::filesystem::directory_iterator it(g->config_.web_root, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("--web_root ", g->config_.web_root, ": ", ec.message()));
    }
    for (const auto& entry : it) {
      if (!entry.is_regular_file()) continue;
      std::string type = ContentTypeFor(entry.path());
      if (type.empty()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream body;
      body << in.rdbuf();
      if (!in.good() && !in.eof()) {
        return absl::FailedPreconditionError(absl::StrCat("cannot read ", entry.path().string()));
      }
      g->files_["/" + entry.path().filename().string()] = {type, body.str()};
    }
    if (!g->files_.contains("/index.html")) {
      return absl::FailedPreconditionError(
          absl::StrCat("--web_root ", g->config_.web_root, " has no index.html"));
    }
  }
  std::unique_ptr<ApiDocs> docs = ApiDocs::Embedded();
  if (docs == nullptr) return absl::InternalError("the embedded API descriptors do not load");
  g->openapi_ = BuildOpenApi(g->routes_, {.version = g->config_.api_version}, docs.get());
  return g;
}

Gateway::Gateway(GatewayConfig config, Logger* logger)
    : config_(std::move(config)), logger_(logger) {}

Gateway::~Gateway() = default;

void Gateway::Register(httplib::Server& server) {
  server.set_payload_max_length(config_.max_body_bytes);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Patch(".*", handler);
  server.Put(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);  // no CORS: a known path answers 405 with Allow
  // httplib's own refusals (too large, malformed) as problems too.
  server.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    absl::Status status;
    switch (res.status) {
      case 413:
        status = absl::ResourceExhaustedError(
            absl::StrCat("body: larger than ", config_.max_body_bytes, " bytes"));
        break;
      case 404:
        status = absl::NotFoundError("no such route");
        break;
      case 405:
        status = absl::UnimplementedError("method not allowed");
        break;
      default:
        status = absl::InvalidArgumentError("the HTTP request is malformed");
        break;
    }
    const int http_status = res.status;
    SendProblem(res, status, nullptr, http_status);
  });
}

void Gateway::AddApiHeaders(httplib::Response& res) const {
  res.set_header("Cache-Control", "no-store");
  res.set_header("API-Version", config_.api_version);
  res.set_header("X-Content-Type-Options", "nosniff");
}

absl::StatusCode Gateway::SendProblem(httplib::Response& res, const absl::Status& status,
                                      const Descriptor* request, int http_status) {
  Problem p = ProblemFor(status, request, http_status);
  res.status = p.http_status;
  AddApiHeaders(res);
  res.set_content(p.json, "application/problem+json");
  return status.code();
}

void Gateway::Handle(const httplib::Request& req, httplib::Response& res) {
  const absl::Time start = absl::Now();
  std::string operation;
  // Resource ids never hold a '/': an encoded one must not turn one segment into two.
  const absl::string_view raw_path = absl::string_view(req.target).substr(0, req.target.find('?'));
  if (absl::StrContains(absl::AsciiStrToLower(raw_path), "%2f")) {
    SendProblem(res, absl::InvalidArgumentError("path: a resource id cannot contain '/'"), nullptr);
    return;
  }
  // Routes first; the page, the document and health only for GET.
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    std::vector<std::string> values;
    if (!route.path.Match(req.path, &values)) continue;
    if (route.http_method != req.method && !(req.method == "HEAD" && route.http_method == "GET")) {
      allowed.push_back(route.http_method);
      continue;
    }
    operation = route.method->name();
    const absl::StatusCode code = HandleRoute(route, values, req, res);
    metrics_.Record(operation, absl::StatusCodeToString(code), absl::Now() - start);
    logger_->Info("http", {{"method", req.method},
                           {"operation", operation},
                           {"status", res.status},
                           {"ms", absl::ToDoubleMilliseconds(absl::Now() - start)}});
    return;
  }
  if (!allowed.empty()) {
    res.set_header("Allow", absl::StrJoin(allowed, ", "));
    SendProblem(res,
                absl::UnimplementedError(absl::StrCat(req.method, " is not allowed on this path")),
                nullptr, 405);
    return;
  }
  const bool own_path = req.path == "/openapi.json" || req.path == "/healthz" ||
                        req.path == "/readyz" ||
                        files_.contains(req.path == "/" ? "/index.html" : req.path);
  if (own_path && req.method != "GET" && req.method != "HEAD") {
    res.set_header("Allow", "GET, HEAD");
    SendProblem(res,
                absl::UnimplementedError(absl::StrCat(req.method, " is not allowed on this path")),
                nullptr, 405);
    return;
  }
  if (req.method == "GET" || req.method == "HEAD") {
    if (req.path == "/openapi.json") {
      res.set_header("Cache-Control", "no-cache");  // public, but changes with each release
      res.set_header("API-Version", config_.api_version);
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_content(openapi_, "application/json");
      return;
    }
    if (req.path == "/healthz") {
      AddApiHeaders(res);
      res.set_content(R"({"status":"SERVING"})", "application/json");
      return;
    }
    if (req.path == "/readyz") return HandleReady(res);
    auto file = files_.find(req.path == "/" ? "/index.html" : req.path);
    if (file != files_.end()) {
      res.set_header("Cache-Control", "no-cache");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("X-Frame-Options", "DENY");
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                     "script-src 'self'; object-src 'none'; base-uri 'none'; "
                     "form-action 'self'; frame-ancestors 'none'");
      res.set_content(file->second.body, file->second.content_type.c_str());
      return;
    }
  }
  SendProblem(res, absl::NotFoundError(absl::StrCat("no route for ", req.method, " ", req.path)),
              nullptr);
}

absl::StatusCode Gateway::HandleRoute(const Route& route, const std::vector<std::string>& values,
                                      const httplib::Request& req, httplib::Response& res) {
  const Descriptor* input = route.method->input_type();
  // A body is JSON (httplib would also fold a form-encoded body into the parameters).
  if (!req.body.empty() && !IsJson(req.get_header_value("Content-Type"))) {
    return SendProblem(
        res, absl::InvalidArgumentError("Content-Type: the request body must be application/json"),
        nullptr, 415);
  }
  QueryParams query(req.params.begin(), req.params.end());
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> request =
      BuildRequest(route, values, query, req.body);
  // The gateway's own errors always start with the parameter or field they are about.
  if (!request.ok()) return SendProblem(res, request.status(), nullptr);
  auto upstream = upstreams_.find(route.service);
  if (upstream == upstreams_.end()) {
    return SendProblem(
        res,
        absl::UnavailableError(absl::StrCat(route.service, " is not configured in this gateway")),
        input);
  }
  std::string bytes;
  (*request)->SerializeToString(&bytes);
  if (route.method->server_streaming()) {
    return HandleStream(route, *upstream->second, std::move(bytes), req, res);
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   absl::ToChronoMilliseconds(config_.rpc_timeout));
  CopyMetadata(req, &ctx);
  const std::string full_method =
      absl::StrCat("/", route.method->service()->full_name(), "/", route.method->name());
  grpc::ByteBuffer response_buffer;
  const grpc::Status status = WaitForUnary(*upstream->second->stub, &ctx, full_method,
                                           ToByteBuffer(bytes), &response_buffer);
  for (const auto& [key, value] : ctx.GetServerInitialMetadata()) {
    if (key == "x-request-id")
      res.set_header("X-Request-Id", std::string(value.data(), value.size()));
  }
  if (!status.ok()) return SendProblem(res, FromGrpc(status), input);
  std::unique_ptr<google::protobuf::Message> response(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(route.method->output_type())
          ->New());
  if (!FromByteBuffer(response_buffer, response.get())) {
    return SendProblem(res, absl::InternalError("the service's answer could not be read"), input);
  }
  AddApiHeaders(res);
  res.set_content(ToJson(*response), "application/json");
  return absl::StatusCode::kOk;
}

// A server-streaming call as NDJSON: one JSON object per line. Reading from the service waits
// while the HTTP side is behind, so a slow client does not fill the gateway's memory.
struct StreamCall : grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
  static constexpr size_t kHighWater = 64;
  static constexpr size_t kLowWater = 16;

  grpc::ClientContext ctx;
  grpc::ByteBuffer request;
  grpc::ByteBuffer incoming;
  const Descriptor* output = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> lines;
  bool read_paused = false;
  bool finished = false;
  grpc::Status status;

  void OnWriteDone(bool) override {}
  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream ended; OnDone follows
    std::unique_ptr<google::protobuf::Message> m(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(output)->New());
    std::string line =
        FromByteBuffer(incoming, m.get())
            ? ToJson(*m)
            : ProblemFor(absl::InternalError("an answer could not be read"), nullptr).json;
    bool pause;
    {
      std::lock_guard<std::mutex> lock(mu);
      lines.push_back(std::move(line) + "\n");
      cv.notify_all();
      pause = lines.size() >= kHighWater;
      read_paused = pause;
    }
    if (!pause) StartRead(&incoming);  // outside the lock: gRPC may run reactions inline
  }
  void OnDone(const grpc::Status& s) override {
    std::lock_guard<std::mutex> lock(mu);
    status = s;
    finished = true;
    cv.notify_all();
  }
  // Waits for a line or the end; false at the end (status set).
  bool Next(std::string* line) {
    bool resume = false;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !lines.empty() || finished; });
      if (lines.empty()) return false;
      *line = std::move(lines.front());
      lines.pop_front();
      if (read_paused && lines.size() <= kLowWater) {
        read_paused = false;
        resume = true;
      }
    }
    if (resume) StartRead(&incoming);
    return true;
  }
  void WaitDone() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return finished; });
  }
};

absl::StatusCode Gateway::HandleStream(const Route& route, Upstream& upstream,
                                       std::string request_bytes, const httplib::Request& req,
                                       httplib::Response& res) {
  auto call = std::make_shared<StreamCall>();
  call->output = route.method->output_type();
  call->request = ToByteBuffer(request_bytes);
  call->ctx.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoMilliseconds(config_.stream_timeout));
  CopyMetadata(req, &call->ctx);
  upstream.stub->PrepareBidiStreamingCall(
      &call->ctx,
      absl::StrCat("/", route.method->service()->full_name(), "/", route.method->name()),
      grpc::StubOptions(), call.get());
  call->StartWriteLast(&call->request, grpc::WriteOptions());
  call->StartRead(&call->incoming);
  call->StartCall();
  // Before the first answer an error is an ordinary problem response.
  std::string first;
  if (!call->Next(&first)) {
    call->WaitDone();
    absl::Status status = FromGrpc(call->status);
    if (status.ok()) {
      AddApiHeaders(res);
      res.set_content("", "application/x-ndjson");
      return absl::StatusCode::kOk;
    }
    return SendProblem(res, status, route.method->input_type());
  }
  AddApiHeaders(res);
  auto pending = std::make_shared<std::string>(std::move(first));
  res.set_chunked_content_provider(
      "application/x-ndjson",
      [call, pending](size_t, httplib::DataSink& sink) {
        std::string line;
        if (!pending->empty()) {
          line = std::move(*pending);
          pending->clear();
        } else if (!call->Next(&line)) {
          // A failure after answers were sent: one problem object as the last line.
          if (!call->status.ok()) {
            line = ProblemFor(FromGrpc(call->status), nullptr).json + "\n";
            sink.write(line.data(), line.size());
          }
          sink.done();
          return true;
        }
        return sink.write(line.data(), line.size());
      },
      [call](bool) {
        call->ctx.TryCancel();
        call->WaitDone();
      });
  return absl::StatusCode::kOk;  // the stream started; how it ended is in its last line
}

void Gateway::HandleReady(httplib::Response& res) {
  nlohmann::ordered_json services = nlohmann::ordered_json::object();
  bool all = true;
  for (const auto& [name, upstream] : upstreams_) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    grpc::ByteBuffer response;
    const grpc::Status status = WaitForUnary(*upstream->stub, &ctx, "/grpc.health.v1.Health/Check",
                                             ToByteBuffer(std::string()), &response);
    grpc::health::v1::HealthCheckResponse health;
    const bool serving = status.ok() && FromByteBuffer(response, &health) &&
                         health.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    services[name] = serving ? "SERVING" : "NOT_SERVING";
    all = all && serving;
  }
  AddApiHeaders(res);
  res.status = all ? 200 : 503;
  res.set_content(
      nlohmann::ordered_json{{"status", all ? "SERVING" : "NOT_SERVING"}, {"services", services}}
          .dump(),
      "application/json");
}

}  // namespace kompas::gateway
