// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <usermedia/audio_buffer.h>
#include <usermedia/capabilities.h>
#include <usermedia/constraints.h>
#include <usermedia/export.h>
#include <usermedia/promise.h>
#include <usermedia/settings.h>
#include <usermedia/video_frame.h>

namespace usermedia {

/** \brief MediaStreamTrackState: "live" or "ended". */
enum class MediaStreamTrackState
{
    Live,
    Ended,
};

UM_EXPORT std::string_view toString(MediaStreamTrackState state);

/** \brief Identifies a listener or sink for later removal; 0 is never used. */
using ListenerId = std::uint64_t;
using SinkId = std::uint64_t;

/**
 * \brief Per-track delivery counters: MediaStreamTrackVideoStats (deliveredFrames,
 * discardedFrames, totalFrames) plus what users of capture libraries ask for.
 * \see https://w3c.github.io/mediacapture-extensions/#the-mediastreamtrackvideostats-interface
 */
struct MediaStreamTrackStats
{
    std::uint64_t deliveredFrames = 0; ///< frames (or audio chunks) handed to the sinks
    std::uint64_t discardedFrames = 0; ///< source frames this track dropped (decimation excluded)
    std::uint64_t totalFrames = 0;     ///< delivered + discarded
    /// Source frames skipped to keep to the track's lower frameRate setting (as in the spec,
    /// not part of totalFrames).
    std::uint64_t decimatedFrames = 0;
    /// Delivered frames (or chunks) per second over the last second of capture time; 0 until
    /// two have been delivered.
    double frameRate = 0;
    /// The source's number of the last delivered frame (VideoFrame::frameNumber()); for audio,
    /// the first sample index of the last chunk (AudioBuffer::firstFrame()).
    std::uint64_t lastFrameNumber = 0;
};

/**
 * \brief MediaStreamTrack: one audio or video track from a capture device.
 *
 * A handle: copies refer to the same track (compare with ==). Thread: every member is
 * thread-safe. Events run on the MediaDevices control thread. Sinks run on the source's capture
 * thread and must not block, allocate much, or call back into this API synchronously.
 * \see https://w3c.github.io/mediacapture-main/#mediastreamtrack
 */
class UM_EXPORT MediaStreamTrack
{
public:
    class Impl;

    MediaStreamTrack() = default;
    explicit MediaStreamTrack(std::shared_ptr<Impl> impl);

    /** \brief "audio" or "video". */
    std::string kind() const;
    std::string id() const;
    std::string label() const;
    bool enabled() const;
    /** \brief Disabled tracks deliver black frames or silence, at the same pace. */
    void setEnabled(bool enabled);
    bool muted() const;
    MediaStreamTrackState readyState() const;
    /** \brief Ends the track (no `ended` event, as the spec says); releases the device when
     *  no other track uses it. Idempotent. After it returns no sink of the track is running or
     *  will run (a sink may stop its own track). */
    void stop();
    /** \brief A new, independent track on the same source with the same constraints. */
    MediaStreamTrack clone() const;

    MediaTrackCapabilities getCapabilities() const;
    MediaTrackConstraints getConstraints() const;
    MediaTrackSettings getSettings() const;
    /**
     * \brief Applies new constraints atomically: on failure nothing changes.
     * Errors: OverconstrainedError (naming the constraint), InvalidStateError (ended track).
     */
    Promise<void> applyConstraints(const MediaTrackConstraints& constraints = {});

    /**
     * \brief Adds a listener for "ended", "mute" or "unmute".
     * Errors: none; an unknown type returns 0 and registers nothing.
     * Thread: the listener runs on the control thread.
     */
    ListenerId addEventListener(std::string_view type, std::function<void()> listener);
    void removeEventListener(ListenerId id);

    /**
     * \brief Delivers this video track's frames to \p sink in \p format.
     * Returns 0 (and adds nothing) on an audio track.
     * Thread: \p sink runs on the capture thread.
     */
    SinkId addVideoSink(std::function<void(const VideoFrame&)> sink,
                        VideoPixelFormat format = VideoPixelFormat::I420);
    /** \brief Delivers 10 ms chunks of this audio track to \p sink; 0 on a video track. */
    SinkId addAudioSink(std::function<void(const AudioBuffer&)> sink,
                        SampleFormat format = SampleFormat::F32);
    /** \brief After it returns, the sink is not running and will not run again. */
    void removeSink(SinkId id);

    MediaStreamTrackStats getStats() const;

    explicit operator bool() const { return impl_ != nullptr; }
    bool operator==(const MediaStreamTrack& other) const { return impl_ == other.impl_; }
    const std::shared_ptr<Impl>& impl() const { return impl_; }

private:
    std::shared_ptr<Impl> impl_;
};

} // namespace usermedia
