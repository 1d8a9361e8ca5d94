#include "analysis/expr/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/analysis/expr/test_util.h"

namespace serin::expr {
namespace {

using testing_util::kInf;
using testing_util::kNaN;
using testing_util::list;
using testing_util::map;

TEST(ExprValueTest, KindsAndAccessors) {
  EXPECT_EQ(Value().kind(), Value::Kind::kNil);
  EXPECT_TRUE(Value().isNil());
  EXPECT_EQ(Value(true).kind(), Value::Kind::kBool);
  EXPECT_TRUE(Value(true).asBool());
  EXPECT_EQ(Value(3).kind(), Value::Kind::kInt);
  EXPECT_EQ(Value(int64_t{1} << 40).asInt(), int64_t{1} << 40);
  EXPECT_EQ(Value(0.5).kind(), Value::Kind::kFloat);
  EXPECT_EQ(Value(0.5).asFloat(), 0.5);
  EXPECT_EQ(Value("x").kind(), Value::Kind::kString);
  EXPECT_EQ(Value(std::string("y")).asString(), "y");
  EXPECT_EQ(list({1, 2}).asList().size(), 2u);
  EXPECT_EQ(map({{"a", 1}}).asMap().at("a").asInt(), 1);
  EXPECT_TRUE(Value(1).isNumber());
  EXPECT_TRUE(Value(1.0).isNumber());
  EXPECT_FALSE(Value("1").isNumber());
  EXPECT_EQ(Value(2).toDouble(), 2.0);
  EXPECT_TRUE(std::isnan(Value("x").toDouble()));
}

TEST(ExprValueTest, ViolatedPreconditionsGiveZeroValues) {
  EXPECT_FALSE(Value(1).asBool());
  EXPECT_EQ(Value("x").asInt(), 0);
  EXPECT_EQ(Value(1).asFloat(), 0.0);
  EXPECT_EQ(Value(1).asString(), "");
  EXPECT_TRUE(Value(1).asList().empty());
  EXPECT_TRUE(Value().asMap().empty());
  EXPECT_EQ(Value(static_cast<const char*>(nullptr)).asString(), "");
}

TEST(ExprValueTest, KindNames) {
  EXPECT_EQ(kindName(Value::Kind::kNil), "nil");
  EXPECT_EQ(kindName(Value::Kind::kBool), "bool");
  EXPECT_EQ(kindName(Value::Kind::kInt), "int");
  EXPECT_EQ(kindName(Value::Kind::kFloat), "float");
  EXPECT_EQ(kindName(Value::Kind::kString), "string");
  EXPECT_EQ(kindName(Value::Kind::kList), "list");
  EXPECT_EQ(kindName(Value::Kind::kMap), "map");
}

TEST(ExprValueTest, DebugString) {
  EXPECT_EQ(Value().debugString(), "nil");
  EXPECT_EQ(Value(false).debugString(), "false");
  EXPECT_EQ(Value(3).debugString(), "3");
  EXPECT_EQ(Value(-3).debugString(), "-3");
  EXPECT_EQ(Value(0.95).debugString(), "0.95");
  EXPECT_EQ(Value(2.0).debugString(), "2.0");
  EXPECT_EQ(Value(1e21).debugString(), "1e+21");
  EXPECT_EQ(Value(kNaN).debugString(), "NaN");
  EXPECT_EQ(Value(kInf).debugString(), "+Inf");
  EXPECT_EQ(Value(-kInf).debugString(), "-Inf");
  EXPECT_EQ(Value("x").debugString(), "\"x\"");
  EXPECT_EQ(Value("a\"b\\c\n\x01").debugString(), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(list({1, 2}).debugString(), "[1, 2]");
  EXPECT_EQ(list({}).debugString(), "[]");
  EXPECT_EQ(map({{"b", 2}, {"a", list({1})}}).debugString(), "{\"a\": [1], \"b\": 2}");
}

TEST(ExprValueTest, DescribeValueIsBounded) {
  EXPECT_EQ(describeValue(Value(0.5)), "float (0.5)");
  EXPECT_EQ(describeValue(Value()), "nil");
  EXPECT_EQ(describeValue(list({1, 2})), "list ([1, 2])");
  Value::List big(100000, Value(123456));
  std::string described = describeValue(Value(big));
  EXPECT_LT(described.size(), 100u);
  EXPECT_NE(described.find("..."), std::string::npos);
  EXPECT_LT(describeValue(Value(std::string(1'000'000, 'x'))).size(), 100u);
}

TEST(ExprValueTest, Equality) {
  EXPECT_EQ(Value(1), Value(1.0));
  EXPECT_EQ(Value(), Value());
  EXPECT_NE(Value(), Value(0));
  EXPECT_NE(Value(0), Value(false));
  EXPECT_NE(Value("1"), Value(1));
  EXPECT_NE(Value(kNaN), Value(kNaN));
  EXPECT_EQ(Value(kInf), Value(kInf));
  EXPECT_EQ(list({1, "a"}), list({1.0, "a"}));
  EXPECT_NE(list({1}), list({1, 2}));
  EXPECT_NE(list({kNaN}), list({kNaN}));
  EXPECT_EQ(map({{"a", 1}}), map({{"a", 1.0}}));
  EXPECT_NE(map({{"a", 1}}), map({{"b", 1}}));
  EXPECT_NE(map({{"a", 1}}), map({{"a", 2}}));
  // Exact across int and float: 2^53 + 1 is not the double 2^53.
  int64_t odd = (int64_t{1} << 53) + 1;
  EXPECT_NE(Value(odd), Value(static_cast<double>(int64_t{1} << 53)));
  EXPECT_EQ(Value(int64_t{1} << 53), Value(static_cast<double>(int64_t{1} << 53)));
  EXPECT_NE(Value(std::numeric_limits<int64_t>::max()), Value(9223372036854775808.0));
}

TEST(ExprValueTest, CopiesShareStorage) {
  Value::List big(1000, Value("x"));
  Value a(big);
  Value b = a;
  EXPECT_EQ(&a.asList(), &b.asList());
}

TEST(ExprValueTest, FromJson) {
  auto j = nlohmann::json::parse(R"({
    "status": "success",
    "data": {"resultType": "vector", "result": [1, 2.5, -3, true, null, "x"]},
    "big": 18446744073709551615,
    "int": 9223372036854775807
  })");
  Value v = Value::fromJson(j);
  ASSERT_EQ(v.kind(), Value::Kind::kMap);
  EXPECT_EQ(v.asMap().at("status").asString(), "success");
  const Value::List& result = v.asMap().at("data").asMap().at("result").asList();
  ASSERT_EQ(result.size(), 6u);
  EXPECT_EQ(result[0].kind(), Value::Kind::kInt);
  EXPECT_EQ(result[1].kind(), Value::Kind::kFloat);
  EXPECT_EQ(result[2].asInt(), -3);
  EXPECT_TRUE(result[3].asBool());
  EXPECT_TRUE(result[4].isNil());
  EXPECT_EQ(result[5].asString(), "x");
  EXPECT_EQ(v.asMap().at("big").kind(), Value::Kind::kFloat);
  EXPECT_EQ(v.asMap().at("int").asInt(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Value::fromJson(nlohmann::json(1.0)).kind(), Value::Kind::kFloat);
  EXPECT_TRUE(Value::fromJson(nlohmann::json()).isNil());
  EXPECT_TRUE(Value::fromJson(nlohmann::json::binary({1, 2})).isNil());
  EXPECT_TRUE(Value::fromJson(nlohmann::json(nlohmann::json::value_t::discarded)).isNil());
}

TEST(ExprValueTest, FromJsonCutsDeepNesting) {
  // Built iteratively, so the test itself does not recurse.
  std::string text(10000, '[');
  text += std::string(10000, ']');
  auto j = nlohmann::json::parse(text);
  Value v = Value::fromJson(j);
  int depth = 0;
  const Value* cursor = &v;
  while (cursor->kind() == Value::Kind::kList && !cursor->asList().empty()) {
    cursor = &cursor->asList()[0];
    ++depth;
  }
  EXPECT_EQ(depth, Value::kMaxJsonDepth);
  EXPECT_TRUE(cursor->isNil());
}

}  // namespace
}  // namespace serin::expr
