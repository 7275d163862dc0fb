#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

#include "http/target_guard.h"
#include "http/transport.h"

namespace es::http {

std::string_view FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  }
  return {};
}

std::string Response::Header(std::string_view name) const { return std::string(FindHeader(headers, name)); }

namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after 100-continue or a redirect)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view key = line.substr(0, colon), value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    headers->emplace_back(std::string(key), std::string(value));
  }
  return size * n;
}

// The connect-time half of the target guard: refuses sockets to non-public
// addresses when the request asks for it.
struct SocketGuard {
  bool public_only = false;
  bool refused = false;
  AddressClass refused_class = AddressClass::kPublic;
};

curl_socket_t OpenSocket(void* user, curlsocktype purpose, struct curl_sockaddr* address) {
  auto* guard = static_cast<SocketGuard*>(user);
  if (guard->public_only && purpose == CURLSOCKTYPE_IPCXN) {
    const AddressClass c = ClassifyAddress(&address->addr);
    if (c != AddressClass::kPublic) {
      guard->refused = true;
      guard->refused_class = c;
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlOptions options) : options_(options) {
    static CurlGlobal global;
    (void)global;
  }
  ~CurlTransport() override {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }

  Result<Response> Send(const Request& request) override {
    CURL* h = Acquire();
    Response response;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    struct curl_slist* list = nullptr;
    for (const auto& [k, v] : request.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
    list = curl_slist_append(list, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    SocketGuard guard;
    guard.public_only = request.public_addresses_only;
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
    if (options_.insecure_skip_tls_verify) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
      Release(h, /*reuse=*/false);
      if (guard.refused) {
        return Status::Validation(request.method + " request refused: the host resolves to a " +
                                      AddressClassName(guard.refused_class) +
                                      " address; the server only connects to public hosts unless its operator "
                                      "allows internal ones (network.allow_private_targets or "
                                      "network.allowed_targets)",
                                  "private_target");
      }
      // The URL may carry signed query parameters; name only the method and failure.
      std::string what = errbuf[0] ? errbuf : curl_easy_strerror(rc);
      return Status::Network(request.method + " request failed: " + what,
                             rc == CURLE_OPERATION_TIMEDOUT ? "timeout" : "transport");
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    Release(h, true);
    return response;
  }

 private:
  CURL* Acquire() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      CURL* h = idle_.back();
      idle_.pop_back();
      return h;
    }
    return curl_easy_init();
  }
  void Release(CURL* h, bool reuse) {
    if (!reuse) {
      curl_easy_cleanup(h);
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < 32) idle_.push_back(h);
    else curl_easy_cleanup(h);
  }

  const CurlOptions options_;
  std::mutex mu_;
  std::vector<CURL*> idle_;  // guarded by mu_
};

}  // namespace

std::unique_ptr<Transport> MakeCurlTransport(CurlOptions options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace es::http
