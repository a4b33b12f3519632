// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include <usermedia/export.h>

namespace usermedia {

/** \brief Pixel layouts a track can deliver. */
enum class VideoPixelFormat
{
    I420, ///< planar Y, U, V; chroma halved both ways (BT.601 limited range)
    NV12, ///< planar Y, interleaved UV; chroma halved both ways
};

/** \brief "I420" or "NV12". Thread: any. */
UM_EXPORT std::string_view toString(VideoPixelFormat format);

/** \brief One plane of a frame: the first byte and the distance between rows. */
struct VideoPlane
{
    const std::uint8_t* data = nullptr;
    int stride = 0;
};

/**
 * \brief One picture delivered by a video track.
 *
 * Frames are immutable and reference-counted: copying a VideoFrame shares the pixels, which go
 * back to their pool when the last copy is gone. A sink may keep a copy beyond its callback.
 * Thread: any; all members are const.
 */
class VideoFrame
{
public:
    /** \brief Describes a frame whose pixels are kept alive by \p owner. */
    struct Init
    {
        VideoPixelFormat format = VideoPixelFormat::I420;
        int width = 0;
        int height = 0;
        std::array<VideoPlane, 3> planes{};
        /// Capture time on the MediaDevices clock (monotonic), at the start of exposure.
        std::chrono::nanoseconds timestamp{0};
        /// Counts the frames the source produced, from 0; gaps mean dropped frames.
        std::uint64_t frameNumber = 0;
    };

    VideoFrame() = default;
    VideoFrame(const Init& init, std::shared_ptr<const void> owner)
        : init_(init),
          owner_(std::move(owner))
    {}

    VideoPixelFormat format() const { return init_.format; }
    int width() const { return init_.width; }
    int height() const { return init_.height; }
    /** \brief Plane 0 is Y; for I420 1 is U and 2 is V; for NV12 1 is UV. */
    const VideoPlane& plane(int index) const { return init_.planes.at(index); }
    int planeCount() const { return init_.format == VideoPixelFormat::I420 ? 3 : 2; }
    std::chrono::nanoseconds timestamp() const { return init_.timestamp; }
    std::uint64_t frameNumber() const { return init_.frameNumber; }
    /** \brief False for a default-constructed frame. */
    bool valid() const { return owner_ != nullptr; }

private:
    Init init_;
    std::shared_ptr<const void> owner_;
};

} // namespace usermedia
