// SPDX-License-Identifier: MIT
// The contract between the core and a capture backend. Backends report what a device can do
// (native modes) and deliver native frames; they know nothing of constraints, permissions or
// conversion, which the core owns.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <usermedia/clock.h>
#include <usermedia/error.h>
#include <usermedia/media_device_info.h>
#include <usermedia/result.h>

namespace usermedia {

namespace audio {
class EchoReference;
} // namespace audio

/** Pixel formats a device may produce; byte orders as V4L2 names them. */
enum class NativePixelFormat
{
    I420,  ///< Y plane, U plane, V plane (V4L2 YUV420)
    NV12,  ///< Y plane, interleaved U/V plane
    YV12,  ///< Y plane, V plane, U plane
    YUYV,  ///< packed Y0 U Y1 V (libyuv YUY2)
    UYVY,  ///< packed U Y0 V Y1
    MJPEG, ///< one JPEG picture per frame
    RGB24, ///< bytes R, G, B (V4L2 RGB24; libyuv calls this RAW)
    BGR24, ///< bytes B, G, R (V4L2 BGR24; libyuv calls this RGB24)
    BGRA,  ///< bytes B, G, R, A (V4L2 ABGR32/BGR32; libyuv calls this ARGB)
    Y16,   ///< 16-bit little-endian grey (depth-style cameras)
};

/**
 * The name device files, the CLI and explanations use ("i420", "yuyv", "mjpeg", ...), as V4L2
 * spells the formats. Inline, so pure modules (constraints) use it without linking a backend.
 */
constexpr std::string_view toString(NativePixelFormat format)
{
    switch (format) {
    case NativePixelFormat::I420:
        return "i420";
    case NativePixelFormat::NV12:
        return "nv12";
    case NativePixelFormat::YV12:
        return "yv12";
    case NativePixelFormat::YUYV:
        return "yuyv";
    case NativePixelFormat::UYVY:
        return "uyvy";
    case NativePixelFormat::MJPEG:
        return "mjpeg";
    case NativePixelFormat::RGB24:
        return "rgb24";
    case NativePixelFormat::BGR24:
        return "bgr24";
    case NativePixelFormat::BGRA:
        return "bgra";
    case NativePixelFormat::Y16:
        return "y16";
    }
    return "unknown";
}
/** Parses "i420", "nv12", "yuyv", "mjpeg", ... (case-insensitive). */
std::optional<NativePixelFormat> nativePixelFormatFromString(std::string_view text);

/** One native video mode: format x size x frame-rate range (a discrete rate has min == max). */
struct NativeVideoMode
{
    NativePixelFormat format = NativePixelFormat::I420;
    int width = 0;
    int height = 0;
    double minFrameRate = 0;
    double maxFrameRate = 0;

    bool operator==(const NativeVideoMode&) const = default;
};

/** One native audio mode. Samples always arrive as interleaved float. */
struct NativeAudioMode
{
    int sampleRate = 0;
    int channels = 0;
    int sampleSize = 16;   ///< bits per sample the hardware uses (reported as sampleSize)
    double latency = 0.01; ///< seconds of buffering the device adds

    bool operator==(const NativeAudioMode&) const = default;
};

/** What a backend knows about one device. */
struct DeviceDescription
{
    std::string id; ///< unique within the backend and stable across runs
    MediaDeviceKind kind = MediaDeviceKind::VideoInput;
    std::string label;
    std::string groupId; ///< raw group identity; devices of one physical unit share it
    std::optional<std::string> facingMode; ///< "user", "environment", "left", "right"
    std::vector<NativeVideoMode> videoModes;
    std::vector<NativeAudioMode> audioModes;
};

/** A native video frame; the pixels are valid only during onVideoFrame(). */
struct NativeVideoFrame
{
    NativePixelFormat format = NativePixelFormat::I420;
    int width = 0;
    int height = 0;
    const std::uint8_t* data = nullptr;    ///< planes packed without padding, in the format's order
    std::size_t size = 0;                  ///< bytes at data (the compressed size for MJPEG)
    std::chrono::nanoseconds timestamp{0}; ///< on the MediaDevices clock
    std::uint64_t frameNumber = 0;         ///< counted by the device from 0
    /// The same instant on the device's own clock (a V4L2 buffer timestamp), if it has one.
    std::optional<std::chrono::nanoseconds> deviceTimestamp;
};

/** A native audio chunk; the samples are valid only during onAudioChunk(). */
struct NativeAudioChunk
{
    int sampleRate = 0;
    int channels = 0;
    int frames = 0;                 ///< samples per channel
    const float* samples = nullptr; ///< frames * channels, interleaved
    std::chrono::nanoseconds timestamp{0};
    std::uint64_t firstFrame = 0; ///< samples per channel produced before this chunk
};

/**
 * Receives what a started device produces. Thread: every call comes from the device's capture
 * thread; none may block for long.
 */
class CaptureSink
{
public:
    virtual ~CaptureSink() = default;
    virtual void onVideoFrame(const NativeVideoFrame& frame) = 0;
    virtual void onAudioChunk(const NativeAudioChunk& chunk) = 0;
    /** The device failed or disappeared while capturing; no more calls follow. */
    virtual void onCaptureError(const Error& error) = 0;
    /**
     * The device temporarily delivers nothing (\p muted true: a stall, a covered shutter) or
     * delivers again (false). The spec's track `muted` state and mute/unmute events follow it.
     */
    virtual void onMuteChanged(bool muted) { static_cast<void>(muted); }
};

/** One opened device. Thread: configure/start/stop from one thread at a time (the core's). */
class Device
{
public:
    virtual ~Device() = default;
    virtual const DeviceDescription& description() const = 0;
    /** Chooses the native mode for the next start(); fails with NotReadableError or NotFoundError.
     */
    virtual Result<void> configure(const NativeVideoMode& mode) = 0;
    virtual Result<void> configure(const NativeAudioMode& mode) = 0;
    /** Starts the capture thread, which calls \p sink until stop(). */
    virtual Result<void> start(CaptureSink& sink) = 0;
    /** Stops and joins the capture thread; no sink call runs after it returns. Idempotent. */
    virtual void stop() = 0;
};

/** Told when the set of devices may have changed. Thread: any backend thread. */
class HotplugListener
{
public:
    virtual ~HotplugListener() = default;
    virtual void onDevicesChanged() = 0;
};

/** One source of devices (fake, v4l2, pulse, ...). Thread: all members thread-safe. */
class Backend
{
public:
    virtual ~Backend() = default;
    virtual std::string_view name() const = 0;
    /** Whether the backend can work here (daemon running, ...); failure skips it. */
    virtual Result<void> probe() = 0;
    /** The devices, in the backend's enumeration order. */
    virtual std::vector<DeviceDescription> enumerate() = 0;
    /** Registers (or, with nullptr, removes) the hotplug listener. */
    virtual void watch(HotplugListener* listener) = 0;
    /** Opens a device by DeviceDescription::id. Errors: NotFoundError, NotReadableError. */
    virtual Result<std::unique_ptr<Device>> open(std::string_view id) = 0;
    /**
     * Optional: what this backend's default output plays (the far end that echo cancellation
     * needs), recorded at 48 kHz into 10 ms chunks stamped with when they were played. One
     * recording per backend, shared: it runs while any returned pointer lives. nullptr when
     * the backend has no such thing (the default: a backend of inputs only) or it failed.
     * Thread: any; may block while the recording starts (the core calls it on the control
     * thread).
     */
    virtual std::shared_ptr<audio::EchoReference> openEchoReference() { return nullptr; }
};

} // namespace usermedia
