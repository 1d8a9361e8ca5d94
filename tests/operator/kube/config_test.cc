#include "operator/kube/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"

namespace serin::kube {
namespace {

namespace fs = std::filesystem;

constexpr char kCa[] = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
constexpr char kCert[] = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n";
constexpr char kKey[] = "-----BEGIN EC PRIVATE KEY-----\nKEY\n-----END EC PRIVATE KEY-----\n";

class ConfigTest : public ::testing::Test {
 protected:
  ConfigTest() {
    dir_ = fs::temp_directory_path() / ("serin-config-test-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  ~ConfigTest() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p.string();
  }

  static std::string b64(const std::string& s) { return absl::Base64Escape(s); }

  std::string kubeconfig(const std::string& cluster, const std::string& user,
                         const std::string& extra = "") {
    return "apiVersion: v1\nkind: Config\ncurrent-context: main\n"
           "contexts:\n- name: main\n  context: {cluster: c1, user: u1}\n"
           "- name: other\n  context: {cluster: c2, user: u2}\n"
           "clusters:\n- name: c1\n  cluster:\n" + cluster +
           "- name: c2\n  cluster:\n    server: https://other:6443\n    insecure-skip-tls-verify: true\n"
           "users:\n- name: u1\n  user:\n" + user + "- name: u2\n  user:\n    token: t2\n" + extra;
  }

  fs::path dir_;
};

TEST_F(ConfigTest, InlineCertificatesAndCurrentContext) {
  const std::string path = write("config", kubeconfig(
      "    server: https://127.0.0.1:6443/\n    certificate-authority-data: " + b64(kCa) + "\n",
      "    client-certificate-data: " + b64(kCert) + "\n    client-key-data: " + b64(kKey) + "\n"));
  auto config = loadKubeconfig(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://127.0.0.1:6443");  // trailing slash dropped
  EXPECT_EQ(config->tls.ca_pem, kCa);
  EXPECT_EQ(config->tls.client_cert_pem, kCert);
  EXPECT_EQ(config->tls.client_key_pem, kKey);
  EXPECT_FALSE(config->tls.insecure_skip_verify);
  EXPECT_TRUE(config->bearer_token.empty());
  EXPECT_NE(config->source.find("context main"), std::string::npos);
}

TEST_F(ConfigTest, FilesRelativeToTheKubeconfigAndContextOverride) {
  write("pki/ca.crt", kCa);
  write("pki/admin.crt", kCert);
  write("pki/admin.key", kKey);
  const std::string path = write("config", kubeconfig(
      "    server: https://h:1\n    certificate-authority: pki/ca.crt\n",
      "    client-certificate: pki/admin.crt\n    client-key: " + (dir_ / "pki/admin.key").string() + "\n"));
  auto config = loadKubeconfig(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls.ca_pem, kCa);
  EXPECT_EQ(config->tls.client_cert_pem, kCert);
  auto other = loadKubeconfig(path, "other");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->server, "https://other:6443");
  EXPECT_TRUE(other->tls.insecure_skip_verify);  // only because it says so
  EXPECT_EQ(other->bearer_token, "t2");
}

TEST_F(ConfigTest, TokenFileIsReadAndRereadOnRotation) {
  const std::string token = write("token", "first\n");
  const std::string path = write("config", kubeconfig("    server: https://h:1\n",
                                                      "    tokenFile: token\n"));
  auto config = loadKubeconfig(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->bearer_token, "first");
  write("token", "second");
  EXPECT_EQ(currentBearerToken(*config), "second");
  fs::remove(token);
  EXPECT_EQ(currentBearerToken(*config), "second");  // a failed re-read keeps the last token
}

struct BadCase {
  std::string name;
  std::string cluster;
  std::string user;
  std::string context_override;
  std::string want;  // substring of the error
};

class MalformedKubeconfigTest : public ConfigTest,
                                public ::testing::WithParamInterface<BadCase> {};

TEST_P(MalformedKubeconfigTest, GivesAClearErrorNamingTheField) {
  const BadCase& c = GetParam();
  const std::string path = write("config", kubeconfig(c.cluster, c.user));
  auto config = loadKubeconfig(path, c.context_override);
  ASSERT_FALSE(config.ok()) << c.name;
  const std::string msg(config.status().message());
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find(c.want), std::string::npos) << c.name << ": " << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MalformedKubeconfigTest,
    ::testing::Values(
        BadCase{"no server", "    certificate-authority-data: " + absl::Base64Escape(kCa) + "\n",
                "    token: x\n", "", "clusters[0].cluster.server: is empty"},
        BadCase{"not a url", "    server: ftp://x\n", "    token: x\n", "", "is not an http(s) URL"},
        BadCase{"bad base64", "    server: https://h:1\n    certificate-authority-data: '***'\n",
                "    token: x\n", "", "certificate-authority-data: is not valid base64"},
        BadCase{"not pem", "    server: https://h:1\n    certificate-authority-data: aGVsbG8=\n",
                "    token: x\n", "", "does not hold PEM data"},
        BadCase{"missing file", "    server: https://h:1\n    certificate-authority: /nope/ca.crt\n",
                "    token: x\n", "", "certificate-authority: cannot read \"/nope/ca.crt\""},
        BadCase{"cert without key", "    server: https://h:1\n",
                "    client-certificate-data: " + absl::Base64Escape(kCert) + "\n", "",
                "client-key: is missing"},
        BadCase{"exec plugin", "    server: https://h:1\n", "    exec: {command: aws}\n", "",
                "users[0].user.exec: is not supported"},
        BadCase{"unknown context", "    server: https://h:1\n", "    token: x\n", "nope",
                "contexts has no entry named \"nope\""},
        BadCase{"bad bool", "    server: https://h:1\n    insecure-skip-tls-verify: maybe\n",
                "    token: x\n", "", "insecure-skip-tls-verify: must be true or false"},
        BadCase{"server is a list", "    server: [a, b]\n", "    token: x\n", "",
                "server: must be a string"},
        BadCase{"missing token file", "    server: https://h:1\n", "    tokenFile: /nope/token\n", "",
                "tokenFile: cannot read"}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& ch : n) if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

TEST_F(ConfigTest, StructurallyBrokenFiles) {
  for (const auto& [content, want] : std::vector<std::pair<std::string, std::string>>{
           {"{{{{", "not valid YAML"},
           {"- a\n- b\n", "not a mapping"},
           {"current-context: x\n", "contexts has no entry named \"x\""},
           {"apiVersion: v1\n", "current-context is not set"},
           {"current-context: m\ncontexts: 5\n", "contexts must be a list"},
           {"current-context: m\ncontexts:\n- name: m\n  context: 3\n", "is missing or not a mapping"},
           {"current-context: m\ncontexts:\n- name: m\n  context: {user: u}\n", "cluster: is empty"},
           {std::string(100000, '['), "not valid YAML"}}) {
    const std::string path = write("broken", content);
    auto config = loadKubeconfig(path);
    ASSERT_FALSE(config.ok()) << content.substr(0, 40);
    EXPECT_NE(std::string(config.status().message()).find(want), std::string::npos)
        << config.status().message();
  }
  auto missing = loadKubeconfig((dir_ / "does-not-exist").string());
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_NE(std::string(missing.status().message()).find("does-not-exist"), std::string::npos);
}

TEST(ParseKubeconfigTest, TextInMemoryReadsTheFilesItNamesThroughTheReader) {
  std::vector<std::string> asked;
  auto reader = [&](const std::string& path) -> absl::StatusOr<std::string> {
    asked.push_back(path);
    if (path == "/etc/k/ca.crt") return std::string(kCa);
    if (path == "/etc/k/token") return std::string(" tok \n");
    return absl::NotFoundError("cannot read \"" + path + "\": no such file");
  };
  const std::string text =
      "current-context: main\ncontexts:\n- name: main\n  context: {cluster: c, user: u}\n"
      "clusters:\n- name: c\n  cluster: {server: 'https://h:6443', certificate-authority: ca.crt}\n"
      "users:\n- name: u\n  user: {tokenFile: token}\n";
  auto config = parseKubeconfig(text, "/etc/k/config", "", reader);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls.ca_pem, kCa);
  EXPECT_EQ(config->bearer_token, "tok");
  EXPECT_EQ(config->token_file, "/etc/k/token");
  EXPECT_EQ(config->source, "kubeconfig /etc/k/config (context main)");
  EXPECT_EQ(asked, (std::vector<std::string>{"/etc/k/ca.crt", "/etc/k/token"}));

  auto missing = parseKubeconfig(
      text.substr(0, text.find("users:")) + "users:\n- name: u\n  user: {client-key: k}\n",
      "/etc/k/config", "", reader);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "kubeconfig /etc/k/config: users[0].user.client-key: cannot read \"/etc/k/k\": no "
            "such file");
  auto broken = parseKubeconfig("a: [", "inline", "", reader);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(std::string(broken.status().message()).find("kubeconfig inline: not valid YAML"),
            std::string::npos);
}

TEST_F(ConfigTest, InClusterFromEnvironmentAndServiceAccount) {
  write("sa/token", "sa-token\n");
  write("sa/ca.crt", kCa);
  std::map<std::string, std::string> env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                            {"KUBERNETES_SERVICE_PORT", "443"}};
  InClusterEnv in;
  in.getenv = [&](std::string_view k) -> std::optional<std::string> {
    auto it = env.find(std::string(k));
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  in.service_account_dir = (dir_ / "sa").string();
  auto config = loadInCluster(in);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->bearer_token, "sa-token");
  EXPECT_EQ(config->tls.ca_pem, kCa);
  EXPECT_EQ(config->token_file, (dir_ / "sa/token").string());

  env["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  EXPECT_EQ(loadInCluster(in)->server, "https://[fd00::1]:443");

  // In a cluster but the token is missing: an error, not a silent fallback.
  fs::remove(dir_ / "sa/token");
  auto broken = loadClusterConfig("", "", in);
  EXPECT_FALSE(broken.ok());
  EXPECT_NE(std::string(broken.status().message()).find("token"), std::string::npos);

  env.clear();
  EXPECT_TRUE(absl::IsNotFound(loadInCluster(in).status()));
  // Outside a cluster, with no kubeconfig anywhere: a clear NotFound.
  env["HOME"] = (dir_ / "no-home").string();
  auto none = loadClusterConfig("", "", in);
  EXPECT_FALSE(none.ok());
  // $KUBECONFIG wins over in-cluster.
  const std::string path = write("kc", kubeconfig("    server: https://from-env:1\n", "    token: x\n"));
  env["KUBECONFIG"] = path + ":/other";
  EXPECT_EQ(loadClusterConfig("", "", in)->server, "https://from-env:1");
}

}  // namespace
}  // namespace serin::kube
