// SPDX-License-Identifier: MIT
// Parsing the names of NativePixelFormat (toString() is inline in backends/backend.h). It lives
// here because the fake backend is the one backend that is always built; move it to backends/
// when that folder gets a module of its own.
#include <algorithm>
#include <array>
#include <cctype>

#include "backends/backend.h"

namespace usermedia {

std::optional<NativePixelFormat> nativePixelFormatFromString(std::string_view text)
{
    static constexpr std::array kFormats{NativePixelFormat::I420,  NativePixelFormat::NV12,
                                         NativePixelFormat::YV12,  NativePixelFormat::YUYV,
                                         NativePixelFormat::UYVY,  NativePixelFormat::MJPEG,
                                         NativePixelFormat::RGB24, NativePixelFormat::BGR24,
                                         NativePixelFormat::BGRA,  NativePixelFormat::Y16};
    for (const NativePixelFormat format : kFormats) {
        const std::string_view name = toString(format);
        const bool equal =
                std::equal(text.begin(), text.end(), name.begin(), name.end(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == b;
                });
        if (equal)
            return format;
    }
    return std::nullopt;
}

} // namespace usermedia
