// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <usermedia/media_stream_track.h>

#include "core/capture_source.h"
#include "core/track_host.h"
#include "pipeline/audio/audio_chains.h"
#include "pipeline/object_pool.h"

namespace usermedia {

/**
 * The state behind a MediaStreamTrack handle.
 * Thread: public members are thread-safe; deliver*() run on the source's capture thread;
 * events fire on the control thread.
 */
class MediaStreamTrack::Impl : public std::enable_shared_from_this<MediaStreamTrack::Impl>
{
public:
    struct Init
    {
        MediaDeviceKind kind = MediaDeviceKind::VideoInput;
        std::string label;
        MediaTrackSettings settings;
        MediaTrackConstraints constraints;
        MediaTrackCapabilities capabilities;
    };

    /** Creates a live track fed by \p source and attaches it. */
    static std::shared_ptr<Impl> create(std::shared_ptr<TrackHost> host,
                                        std::shared_ptr<CaptureSource> source, Init init);
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    const std::string& id() const { return id_; }
    MediaDeviceKind kind() const { return init_.kind; }
    const std::string& label() const { return init_.label; }
    bool enabled() const { return enabled_.load(); }
    void setEnabled(bool enabled) { enabled_.store(enabled); }
    MediaStreamTrackState readyState() const;
    MediaTrackSettings settings() const;
    MediaTrackConstraints constraints() const;
    const MediaTrackCapabilities& capabilities() const { return init_.capabilities; }
    /** The source, or nullptr once the track ended. */
    std::shared_ptr<CaptureSource> source() const;
    const std::shared_ptr<TrackHost>& host() const { return host_; }
    /**
     * What the settings ask of the source's audio: processing switches, sample rate and channel
     * count. Thread: any (the capture thread reads it per chunk).
     */
    audio::AudioVariantKey audioVariant() const;

    void stop();
    std::shared_ptr<Impl> clone();
    /** After a successful applyConstraints (control thread). */
    void update(MediaTrackSettings settings, MediaTrackConstraints constraints);
    /** The source failed or the device went away: end and fire "ended" (control thread). */
    void endFromSource();
    bool muted() const { return muted_.load(); }
    /** The source stopped or resumed delivering: fire "mute" / "unmute" on a change (control
     *  thread). */
    void setMuted(bool muted);

    ListenerId addEventListener(std::string_view type, std::function<void()> listener);
    void removeEventListener(ListenerId id);
    SinkId addVideoSink(std::function<void(const VideoFrame&)> sink, VideoPixelFormat format);
    SinkId addAudioSink(std::function<void(const AudioBuffer&)> sink, SampleFormat format);
    void removeSink(SinkId id);
    MediaStreamTrackStats stats() const;

    // Capture thread.
    /**
     * The size this track's frames need from the source, or {0, 0} when it needs no pixels (no
     * pixel sink, disabled, ended).
     */
    std::pair<int, int> wantedVideoSize(int nativeWidth, int nativeHeight) const;
    void deliverVideo(const NativeVideoFrame& frame, FrameVariants& variants);
    /** Delivers \p chunk, the variant audioVariant() asked for. Thread: the capture thread. */
    void deliverAudio(const audio::AudioVariantChunk& chunk);

private:
    struct Sink
    {
        SinkId id = 0;
        std::function<void(const VideoFrame&)> video;
        std::function<void(const AudioBuffer&)> audio;
        VideoPixelFormat videoFormat = VideoPixelFormat::I420;
        SampleFormat sampleFormat = SampleFormat::F32;
        // Held while the sink runs, so removeSink() can wait for a call in flight. Recursive:
        // a sink may remove itself.
        std::recursive_mutex callMutex;
        bool removed = false; // guarded by callMutex
    };

    Impl(std::shared_ptr<TrackHost> host, std::shared_ptr<CaptureSource> source, Init init);
    void fire(const std::string& type);
    bool takeFrame(std::chrono::nanoseconds timestamp, double rate, double sourceRate);
    void countDelivery(std::chrono::nanoseconds timestamp, std::uint64_t frameNumber);
    void snapshotSinks();
    SinkId addSink(std::shared_ptr<Sink> sink);

    const std::string id_;
    std::shared_ptr<TrackHost> host_; // moved out only by the destructor
    const Init init_;
    std::atomic<bool> enabled_{true};
    std::atomic<bool> muted_{false};

    mutable std::mutex mutex_;
    std::shared_ptr<CaptureSource> source_;                     // guarded by mutex_
    MediaStreamTrackState state_ = MediaStreamTrackState::Live; // guarded by mutex_
    MediaTrackSettings settings_;                               // guarded by mutex_
    MediaTrackConstraints constraints_;                         // guarded by mutex_
    std::vector<std::pair<std::string, std::pair<ListenerId, std::function<void()>>>>
            listeners_;                        // guarded by mutex_
    std::vector<std::shared_ptr<Sink>> sinks_; // guarded by mutex_
    ListenerId nextId_ = 1;                    // guarded by mutex_

    std::atomic<std::uint64_t> delivered_{0};
    std::atomic<std::uint64_t> discarded_{0};
    std::atomic<std::uint64_t> decimated_{0};
    std::atomic<std::uint64_t> lastDeliveredNumber_{0};
    std::atomic<double> measuredRate_{0};
    std::atomic<bool> regrid_{false}; // set by update(), consumed by the capture thread
    // echoCancellation | noiseSuppression << 1 | autoGainControl << 2, from the settings; set
    // with them, read per audio chunk without copying the settings.
    std::atomic<std::uint64_t> audioVariant_{0};

    // Capture thread only.
    std::vector<std::shared_ptr<Sink>> sinkScratch_;
    std::chrono::nanoseconds firstTimestamp_{-1};
    std::int64_t lastSlot_ = -1;
    std::uint64_t lastFrameNumber_ = 0;
    bool sawFrame_ = false;
    // Delivery times of the last frames, for the measured frame rate (a ring).
    std::array<std::chrono::nanoseconds, 128> recent_{};
    std::size_t recentCount_ = 0;
    std::size_t recentNext_ = 0;
    std::size_t recentWithin_ = 0;  // how many of the newest are within a second of the newest
    std::size_t recentInOrder_ = 0; // how many of the newest have non-decreasing timestamps
    std::shared_ptr<PixelBuffer> black_;
    std::shared_ptr<std::vector<float>> silence_;
    std::shared_ptr<ObjectPool<std::vector<std::int16_t>>> s16Pool_;
};

} // namespace usermedia
