#include "analysis/expr/source_location.h"

#include <algorithm>

#include "common/strings.h"

namespace serin::expr {

LineColumn lineColumnAt(std::string_view source, size_t offset) {
  offset = std::min(offset, source.size());
  LineColumn position;
  for (size_t i = 0; i < offset; ++i) {
    auto byte = static_cast<unsigned char>(source[i]);
    if (byte == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((byte & 0xC0) != 0x80) {
      // Continuation bytes of a UTF-8 sequence do not start a new column.
      ++position.column;
    }
  }
  return position;
}

absl::Status syntaxError(std::string_view source, size_t offset, std::string_view what) {
  LineColumn at = lineColumnAt(source, offset);
  return absl::InvalidArgumentError(strCat("line ", at.line, ", column ", at.column, ": ", what));
}

absl::Status evaluationError(std::string_view source, size_t offset, std::string_view what) {
  LineColumn at = lineColumnAt(source, offset);
  if (at.line > 1) {
    return absl::InvalidArgumentError(strCat("line ", at.line, ", column ", at.column, ": ", what));
  }
  return absl::InvalidArgumentError(strCat("column ", at.column, ": ", what));
}

}  // namespace serin::expr
