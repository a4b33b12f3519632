// SPDX-License-Identifier: MIT
// One opened V4L2 capture node: S_FMT/S_PARM to the configured mode, mmap buffers, a poll thread
// that dequeues, keeps only the freshest frame and hands it to the sink without a copy.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <usermedia/clock.h>

#include "backends/backend.h"
#include "backends/v4l2/v4l2_modes.h"
#include "backends/v4l2/v4l2_sys.h"

namespace usermedia::v4l2 {

/** What discovery learnt about a node, kept for opening it. */
struct NodeInfo
{
    DeviceDescription description;
    std::string path;         ///< /dev/videoN
    std::uint32_t bufferType; ///< V4L2_BUF_TYPE_VIDEO_CAPTURE or _MPLANE
    NodeModes modes;
};

/** Counters a test (or a log line) can read; updated by the capture thread. */
struct CaptureStats
{
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> errorBuffers{0};  ///< V4L2_BUF_FLAG_ERROR or short: skipped
    std::atomic<std::uint64_t> stale{0};         ///< overtaken by a fresher frame: requeued
    std::atomic<std::uint64_t> sourceChanges{0}; ///< V4L2_EVENT_SOURCE_CHANGE (resolution)
    std::atomic<std::uint64_t> restarts{0};      ///< of those, streams restarted in the mode
};

/** Seconds without a frame before the track mutes; after kMaxTimeouts of them it ends. */
inline constexpr int kFrameTimeoutMs = 1000;
inline constexpr int kMaxTimeouts = 3;

/**
 * Thread: configure/start/stop from one thread at a time (the core's); the sink is called on the
 * capture thread that start() spawns.
 */
class V4l2Device final : public Device
{
public:
    /** Takes \p fd (open on info.path); \p onGone runs when the node vanished mid-stream. */
    V4l2Device(std::shared_ptr<Sys> sys, std::shared_ptr<Clock> clock, NodeInfo info, int fd,
               std::function<void()> onGone);
    ~V4l2Device() override;
    V4l2Device(const V4l2Device&) = delete;
    V4l2Device& operator=(const V4l2Device&) = delete;

    const DeviceDescription& description() const override { return info_.description; }
    /** Errors: NotFoundError (not a mode of the node), InvalidStateError (while started). */
    Result<void> configure(const NativeVideoMode& mode) override;
    Result<void> configure(const NativeAudioMode& mode) override;
    /**
     * Sets the format and rate, maps the buffers and starts streaming. Errors: NotReadableError
     * naming the node, the call and the OS error (EBUSY when another program streams).
     */
    Result<void> start(CaptureSink& sink) override;
    void stop() override;

    const CaptureStats& stats() const { return stats_; }

private:
    struct Buffer
    {
        void* data = nullptr;
        std::size_t length = 0;
    };
    // A dequeued buffer, the same for single- and multi-planar nodes.
    struct Dequeued
    {
        std::uint32_t index = 0;
        std::uint32_t bytesUsed = 0;
        std::uint32_t flags = 0;
        std::uint32_t sequence = 0;
        std::chrono::nanoseconds timestamp{0}; ///< driver time (CLOCK_MONOTONIC), 0 if none
    };

    Error failure(const std::string& call, int error) const;
    Result<void> setFormat(const NativeVideoMode& mode, std::uint32_t fourcc);
    Result<void> mapBuffers();
    void releaseBuffers();
    void run(CaptureSink& sink);
    bool requeue(std::uint32_t index);
    // Dequeues pending events; true when one says the source's resolution changed.
    bool sourceChanged();
    // Streams again in the configured mode after a source change, or says why it cannot.
    std::optional<Error> restart();
    // Dequeues one buffer; false with errno set when none (EAGAIN) or on failure.
    bool dequeue(Dequeued& out);
    void deliver(CaptureSink& sink, const Dequeued& buffer);
    std::chrono::nanoseconds timestampOf(const Dequeued& buffer) const;
    const std::uint8_t* repack(const std::uint8_t* data);

    const std::shared_ptr<Sys> sys_;
    const std::shared_ptr<Clock> clock_;
    const NodeInfo info_;
    const std::function<void()> onGone_;
    int fd_ = -1;
    std::optional<NativeVideoMode> mode_;
    // Set by start(), used by the capture thread, released after it (by it on failure, or by
    // stop() after the join).
    std::vector<Buffer> buffers_;
    bool streaming_ = false;
    int stopFd_ = -1;
    std::uint32_t bytesPerLine_ = 0;
    std::uint32_t sizeImage_ = 0;
    std::vector<std::uint8_t> packed_; // rows without padding, when the driver pads them
    std::optional<std::uint32_t> firstSequence_;
    std::uint64_t frameBase_ = 0;       // frame number of this (re)start's first sequence
    std::uint64_t nextFrameNumber_ = 0; // one past the last delivered
    CaptureStats stats_;
    std::thread thread_;
};

} // namespace usermedia::v4l2
