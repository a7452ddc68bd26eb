#include "tests/integration/metrics_scrape.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kompas::testing {

// GET http://127.0.0.1:<port>/metrics, the body.
absl::StatusOr<std::string> HttpGetMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to metrics port ", port));
  }
  const std::string request =
      "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError("write to metrics port");
  }
  std::string response;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
    response.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  const std::size_t body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.1 200", 0) != 0 || body == std::string::npos) {
    return absl::UnavailableError(absl::StrCat("metrics answered: ", response.substr(0, 200)));
  }
  return response.substr(body + 4);
}

// The value of the sample `name{labels}` in Prometheus text format whose labels include all of
// `labels`; 0 when there is none (a counter never incremented is not exported).
double SampleValue(const std::string& text, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  static const std::regex kLabel("(\\w+)=\"([^\"]*)\"");
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, name)) continue;
    const std::string rest(line.substr(name.size()));
    if (rest.empty() || (rest[0] != '{' && rest[0] != ' ')) continue;  // a longer name
    std::map<std::string, std::string> found;
    const std::size_t close = rest[0] == '{' ? rest.find('}') : 0;
    const std::string label_text = rest[0] == '{' ? rest.substr(1, close - 1) : "";
    for (auto it = std::sregex_iterator(label_text.begin(), label_text.end(), kLabel);
         it != std::sregex_iterator(); ++it) {
      found[(*it)[1]] = (*it)[2];
    }
    if (!std::all_of(labels.begin(), labels.end(), [&](const auto& label) {
          auto f = found.find(label.first);
          return f != found.end() && f->second == label.second;
        })) {
      continue;
    }
    return std::stod(rest.substr(rest[0] == '{' ? close + 1 : 0));
  }
  return 0;
}

}  // namespace kompas::testing
