#include "analysis/args.h"

#include <gtest/gtest.h>

#include <string>

#include "analysis/model/spec.h"

namespace serin::analysis {
namespace {

ResolvedArgs sampleArgs() {
  ResolvedArgs args;
  args.set("service-name", "checkout-canary");
  args.set("threshold", "0.99");
  args.set("token", "s3cr3t-t0ken", /*secret=*/true);
  args.set("empty", "");
  return args;
}

struct SubstituteCase {
  std::string text;
  std::string want;
};

TEST(AnalysisArgsTest, SubstitutesEveryReference) {
  const SubstituteCase cases[] = {
      {"no references", "no references"},
      {"{{args.service-name}}", "checkout-canary"},
      {"{{ args.service-name }}", "checkout-canary"},
      {"{{\targs.threshold }}", "0.99"},
      {"svc=\"{{args.service-name}}\" or \"{{args.service-name}}\"",
       "svc=\"checkout-canary\" or \"checkout-canary\""},
      {"result[0] >= {{args.threshold}}", "result[0] >= 0.99"},
      {"Bearer {{args.token}}", "Bearer s3cr3t-t0ken"},
      {"[{{args.empty}}]", "[]"},
      {"{ single } braces } stay", "{ single } braces } stay"},
  };
  const ResolvedArgs args = sampleArgs();
  for (const SubstituteCase& c : cases) {
    absl::StatusOr<std::string> got = args.substitute(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(AnalysisArgsTest, SubstitutedValuesAreNotRescanned) {
  ResolvedArgs args;
  args.set("a", "{{args.b}}");
  EXPECT_EQ(*args.substitute("x{{args.a}}y"), "x{{args.b}}y");
}

TEST(AnalysisArgsTest, UnknownOrMalformedReferenceIsAnError) {
  const ResolvedArgs args = sampleArgs();
  EXPECT_EQ(args.substitute("up{svc=\"{{args.servce-name}}\"}").status().message(),
            "unknown argument \"servce-name\" in {{args.servce-name}}");
  EXPECT_EQ(args.substitute("{{args.service-name").status().message(),
            "\"{{\" at offset 0 has no closing \"}}\"");
  EXPECT_EQ(args.substitute("{{service-name}}").status().message(),
            "{{service-name}} is not an argument reference (write {{args.<name>}})");
  EXPECT_FALSE(args.substitute("{{args.}}").ok());
}

TEST(AnalysisArgsTest, RedactReplacesEverySecretValue) {
  ResolvedArgs args = sampleArgs();
  args.set("password", "s3cr3t-t0ken-and-more", /*secret=*/true);
  EXPECT_EQ(args.redact("GET with Bearer s3cr3t-t0ken failed; s3cr3t-t0ken again"),
            "GET with Bearer ***** failed; ***** again");
  // The longer secret goes first, so none of it survives.
  EXPECT_EQ(args.redact("pw=s3cr3t-t0ken-and-more"), "pw=*****");
  // Non-secret values and empty secrets are left alone.
  EXPECT_EQ(args.redact("checkout-canary 0.99"), "checkout-canary 0.99");
  ResolvedArgs emptySecret;
  emptySecret.set("e", "", /*secret=*/true);
  EXPECT_EQ(emptySecret.redact("abc"), "abc");
}

std::vector<Argument> runArgs() {
  return {Argument{"service-name", "checkout", std::nullopt},
          Argument{"token", std::nullopt,
                   ArgumentValueFrom{SecretKeyRef{"prom-auth", "token"}, std::nullopt}}};
}

TEST(AnalysisArgsTest, ResolvesSecretsThroughLookup) {
  int calls = 0;
  SecretLookup lookup = [&](std::string_view name,
                            std::string_view key) -> absl::StatusOr<std::string> {
    ++calls;
    EXPECT_EQ(name, "prom-auth");
    EXPECT_EQ(key, "token");
    return std::string("hunter2");
  };
  absl::StatusOr<ResolvedArgs> args = resolveArgs(runArgs(), lookup);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(args->find("token")->value, "hunter2");
  EXPECT_TRUE(args->find("token")->secret);
  EXPECT_FALSE(args->find("service-name")->secret);
  EXPECT_EQ(args->redact("auth hunter2"), "auth *****");
}

TEST(AnalysisArgsTest, LookupErrorNamesArgumentSecretAndKey) {
  SecretLookup lookup = [](std::string_view, std::string_view) -> absl::StatusOr<std::string> {
    return absl::NotFoundError("secret not found");
  };
  absl::StatusOr<ResolvedArgs> args = resolveArgs(runArgs(), lookup);
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(args.status().message(),
            "argument \"token\": secret \"prom-auth\" key \"token\": secret not found");
}

TEST(AnalysisArgsTest, WithoutSecretsHidesThem) {
  absl::StatusOr<ResolvedArgs> args = resolveArgsWithoutSecrets(runArgs());
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->find("token")->value, "*****");
}

TEST(AnalysisArgsTest, ArgumentWithoutValueIsAnError) {
  std::vector<Argument> args = {Argument{"service-name", std::nullopt, std::nullopt}};
  EXPECT_EQ(resolveArgsWithoutSecrets(args).status().message(),
            "argument \"service-name\" has no value");
  args[0].valueFrom = ArgumentValueFrom{std::nullopt, FieldRef{"metadata.name"}};
  EXPECT_EQ(resolveArgsWithoutSecrets(args).status().message(),
            "argument \"service-name\": fieldRef \"metadata.name\" was not resolved when the run "
            "was created");
}

}  // namespace
}  // namespace serin::analysis
