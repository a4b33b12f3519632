// SPDX-License-Identifier: MIT
// Shared pieces of the constraints JSON parsers (modern and legacy shapes): turning text into a
// nlohmann::json without letting an exception escape, and TypeErrors that name a JSON path.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <usermedia/error.h>
#include <usermedia/result.h>

namespace usermedia::constraints_json {

/// Deeper nesting than this is rejected before nlohmann (which recurses) sees the text.
inline constexpr int kMaxNestingDepth = 64;

/**
 * Parses \p text into JSON. Errors: TypeError with the byte offset for malformed JSON or
 * nesting deeper than kMaxNestingDepth. Thread: any (pure).
 */
Result<nlohmann::json> parseJsonText(std::string_view text);

/** "a string", "an array", ... for messages. */
std::string_view describeType(const nlohmann::json& value);

/** TypeError "<path>: expected <expected>, found <type of value>". */
Error typeError(std::string_view path, std::string_view expected, const nlohmann::json& value);

/** \p parent + "." + \p member, or just \p member at the root. */
std::string memberPath(std::string_view parent, std::string_view member);

/** \p parent + "[index]". */
std::string indexPath(std::string_view parent, std::size_t index);

} // namespace usermedia::constraints_json
