// SPDX-License-Identifier: MIT
// The string forms of NativePixelFormat declared in backends/backend.h. They live here because
// the fake backend is the one backend that is always built; move them to backends/ when that
// folder gets a module of its own.
#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "backends/backend.h"

namespace usermedia {
namespace {

constexpr std::array<std::pair<NativePixelFormat, std::string_view>, 10> kNames{{
        {NativePixelFormat::I420, "i420"},
        {NativePixelFormat::NV12, "nv12"},
        {NativePixelFormat::YV12, "yv12"},
        {NativePixelFormat::YUYV, "yuyv"},
        {NativePixelFormat::UYVY, "uyvy"},
        {NativePixelFormat::MJPEG, "mjpeg"},
        {NativePixelFormat::RGB24, "rgb24"},
        {NativePixelFormat::BGR24, "bgr24"},
        {NativePixelFormat::BGRA, "bgra"},
        {NativePixelFormat::Y16, "y16"},
}};

} // namespace

std::string_view toString(NativePixelFormat format)
{
    for (const auto& [value, name] : kNames) {
        if (value == format)
            return name;
    }
    return "unknown";
}

std::optional<NativePixelFormat> nativePixelFormatFromString(std::string_view text)
{
    for (const auto& [value, name] : kNames) {
        const bool equal =
                std::equal(text.begin(), text.end(), name.begin(), name.end(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == b;
                });
        if (equal)
            return value;
    }
    return std::nullopt;
}

} // namespace usermedia
