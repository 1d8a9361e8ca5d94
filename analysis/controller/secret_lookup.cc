#include "analysis/controller/secret_lookup.h"

#include "absl/strings/escaping.h"
#include "common/json_fields.h"
#include "common/strings.h"

namespace serin::analysis {

SecretLookup kubeSecretLookup(kube::KubeClient& client, std::string ns) {
  return [&client, ns = std::move(ns)](std::string_view name,
                                       std::string_view key) -> absl::StatusOr<std::string> {
    absl::StatusOr<nlohmann::json> secret = client.get(kube::resources::secrets(), ns, name);
    if (!secret.ok()) {
      if (absl::IsNotFound(secret.status())) {
        return absl::NotFoundError(strCat("Secret not found in namespace ", ns));
      }
      // The API's own message names the object and the failure, never the data.
      return absl::Status(secret.status().code(),
                          strCat("cannot read the Secret: ", secret.status().message()));
    }
    const nlohmann::json* encoded = jsonMember(jsonObject(*secret, "data"), key);
    if (encoded == nullptr || !encoded->is_string()) {
      return absl::NotFoundError("the Secret has no such key");
    }
    const std::string& text = encoded->get_ref<const std::string&>();
    std::string value;
    if (!absl::Base64Unescape(absl::string_view(text.data(), text.size()), &value)) {
      return absl::InvalidArgumentError("the Secret's value is not valid base64");
    }
    return value;
  };
}

}  // namespace serin::analysis
