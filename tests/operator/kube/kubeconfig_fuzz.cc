// libFuzzer target: a kubeconfig's text through parseKubeconfig (what loadKubeconfig does
// after reading the file), with the current context and with an explicit one. The files a
// kubeconfig names are served from memory: a CA, a client certificate and key, a token,
// and a file that is not PEM; any other path is missing. Any crash, sanitizer report or
// exception is a bug: every text must end in a ClusterConfig or an error naming the field.
//
//   tests/fuzz/run_fuzzers.sh     (builds every *_fuzz target with clang, SERIN_FUZZ=ON)
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "operator/kube/config.h"

namespace {

const std::map<std::string, std::string>& files() {
  static const auto* const kFiles = new std::map<std::string, std::string>{
      {"/k/ca.crt", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"},
      {"/k/client.crt", "-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----\n"},
      {"/k/client.key", "-----BEGIN EC PRIVATE KEY-----\nK\n-----END EC PRIVATE KEY-----\n"},
      {"/k/token", "  abc.def  \n"},
      {"/k/empty", ""},
      {"/k/text", "not pem"},
  };
  return *kFiles;
}

absl::StatusOr<std::string> readFromMemory(const std::string& path) {
  const auto it = files().find(path);
  if (it == files().end()) return absl::NotFoundError("cannot read \"" + path + "\": no such file");
  return it->second;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)serin::kube::parseKubeconfig(text, "/k/config", "", readFromMemory);
  (void)serin::kube::parseKubeconfig(text, "/k/config", "other", readFromMemory);
  return 0;
}
