// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include <usermedia/export.h>

namespace usermedia {

/** \brief Pixel layouts a track can deliver. */
enum class VideoPixelFormat
{
    I420, ///< planar Y, U, V; chroma halved both ways (BT.601 limited range)
    NV12, ///< planar Y, interleaved UV; chroma halved both ways
    /**
     * The device's own bytes, untouched: compressed MJPEG pictures, packed YUYV, ... at the
     * native size (not the track's), for consumers that store or forward them as they are.
     * VideoFrame::nativeFormat() names the layout and VideoFrame::data() holds the bytes.
     */
    Native,
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
        /// Capture time on the device's own clock (e.g. the V4L2 buffer timestamp), when the
        /// device reports one; `timestamp` is the same instant on the MediaDevices clock.
        std::optional<std::chrono::nanoseconds> deviceTimestamp;
        /// Native frames only: the device's layout ("MJPEG", "YUYV", ...; static storage).
        std::string_view nativeFormat;
        /// Native frames only: the number of bytes at planes[0].data.
        std::size_t dataSize = 0;
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
    int planeCount() const
    {
        switch (init_.format) {
        case VideoPixelFormat::I420:
            return 3;
        case VideoPixelFormat::NV12:
            return 2;
        case VideoPixelFormat::Native:
            return 1;
        }
        return 0;
    }
    std::chrono::nanoseconds timestamp() const { return init_.timestamp; }
    std::uint64_t frameNumber() const { return init_.frameNumber; }
    /** \brief Capture time on the device's own clock, if it has one. */
    std::optional<std::chrono::nanoseconds> deviceTimestamp() const
    {
        return init_.deviceTimestamp;
    }
    /** \brief For VideoPixelFormat::Native: "MJPEG", "YUYV", "NV12", ...; else empty. */
    std::string_view nativeFormat() const { return init_.nativeFormat; }
    /** \brief For VideoPixelFormat::Native: the device's bytes (one JPEG picture for MJPEG,
     *  planes packed without padding otherwise); else empty. */
    std::span<const std::uint8_t> data() const
    {
        if (init_.format != VideoPixelFormat::Native || init_.planes[0].data == nullptr)
            return {};
        return {init_.planes[0].data, init_.dataSize};
    }
    /** \brief False for a default-constructed frame. */
    bool valid() const { return owner_ != nullptr; }

private:
    Init init_;
    std::shared_ptr<const void> owner_;
};

} // namespace usermedia
