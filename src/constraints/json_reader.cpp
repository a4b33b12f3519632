// SPDX-License-Identifier: MIT
#include "constraints/json_reader.h"

#include <cstddef>
#include <exception>

namespace usermedia::constraints_json {

namespace {

// nlohmann's parser recurses once per nesting level, so hostile input such as 100000 '['
// would overflow the stack. Count brackets outside strings before handing the text over.
Result<void> checkNestingDepth(std::string_view text)
{
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxNestingDepth) {
                return Error{ErrorName::TypeError,
                             "constraints JSON nests deeper than " +
                                     std::to_string(kMaxNestingDepth) + " levels at byte offset " +
                                     std::to_string(i),
                             {},
                             0};
            }
        } else if (c == ']' || c == '}') {
            --depth; // unbalanced text is reported by the parser itself
        }
    }
    return {};
}

} // namespace

Result<nlohmann::json> parseJsonText(std::string_view text)
{
    if (auto depth = checkNestingDepth(text); !depth)
        return depth.error();
    // The exception is caught here, at the boundary: its byte offset is the useful part.
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann counts bytes from 1; report the 0-based offset of the offending byte.
        const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        return Error{ErrorName::TypeError,
                     "malformed constraints JSON at byte offset " + std::to_string(offset) + ": " +
                             e.what(),
                     {},
                     0};
    } catch (const nlohmann::json::exception& e) {
        return Error{ErrorName::TypeError,
                     std::string("malformed constraints JSON: ") + e.what(),
                     {},
                     0};
    }
}

std::string_view describeType(const nlohmann::json& value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::null:
        return "null";
    case nlohmann::json::value_t::object:
        return "an object";
    case nlohmann::json::value_t::array:
        return "an array";
    case nlohmann::json::value_t::string:
        return "a string";
    case nlohmann::json::value_t::boolean:
        return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        return "a number";
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded:
        break;
    }
    return "an unsupported value";
}

Error typeError(std::string_view path, std::string_view expected, const nlohmann::json& value)
{
    std::string message;
    message.append(path.empty() ? std::string_view("constraints") : path);
    message.append(": expected ");
    message.append(expected);
    message.append(", found ");
    message.append(describeType(value));
    return Error{ErrorName::TypeError, std::move(message), {}, 0};
}

std::string memberPath(std::string_view parent, std::string_view member)
{
    if (parent.empty())
        return std::string(member);
    std::string path(parent);
    path += '.';
    path += member;
    return path;
}

std::string indexPath(std::string_view parent, std::size_t index)
{
    std::string path(parent);
    path += '[';
    path += std::to_string(index);
    path += ']';
    return path;
}

} // namespace usermedia::constraints_json
