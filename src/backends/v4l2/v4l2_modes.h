// SPDX-License-Identifier: MIT
// What a V4L2 capture node can do, as native modes: every pixel format the backend can convert,
// every frame size (discrete, or a set of standard sizes within a stepwise/continuous range) and
// every frame interval (discrete rates, or one range).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/v4l2/v4l2_sys.h"

namespace usermedia::v4l2 {

/** The native format of a V4L2 fourcc, or nothing when the backend cannot convert it. */
std::optional<NativePixelFormat> nativeFormat(std::uint32_t fourcc);

/** "YUYV" for V4L2_PIX_FMT_YUYV (for messages). */
std::string fourccName(std::uint32_t fourcc);

/** The sizes offered for a frame-size range: standard sizes within it, plus its ends. */
struct SizeRange
{
    int minWidth = 0;
    int maxWidth = 0;
    int stepWidth = 1;
    int minHeight = 0;
    int maxHeight = 0;
    int stepHeight = 1;
};
std::vector<std::pair<int, int>> sizesWithin(const SizeRange& range);

/** The modes of one node, and the fourcc that produces each native format. */
struct NodeModes
{
    std::vector<NativeVideoMode> modes;
    std::vector<std::pair<NativePixelFormat, std::uint32_t>> fourccs;

    std::optional<std::uint32_t> fourccOf(NativePixelFormat format) const;
};

/**
 * \brief Enumerates the modes of the open node \p fd for buffer type \p bufferType
 * (V4L2_BUF_TYPE_VIDEO_CAPTURE or _MPLANE). Formats the backend cannot convert are left out.
 * Thread: any.
 */
NodeModes enumerateModes(Sys& sys, int fd, std::uint32_t bufferType);

} // namespace usermedia::v4l2
