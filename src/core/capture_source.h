// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include <usermedia/audio_buffer.h>
#include <usermedia/media_stream_track.h>
#include <usermedia/video_frame.h>

#include "backends/backend.h"
#include "core/device_registry.h"
#include "pipeline/audio/audio_chains.h"
#include "pipeline/convert.h"
#include "pipeline/pixel_buffer.h"

namespace usermedia {

class TrackHost;
using TrackImpl = MediaStreamTrack::Impl;

/** The untouched bytes of one native frame, kept past onVideoFrame() for Native sinks. */
struct NativeBytes
{
    std::vector<std::uint8_t> bytes; // keeps its capacity between frames (pooled)
    NativePixelFormat format = NativePixelFormat::I420;
    int width = 0;
    int height = 0;
};
using NativeBytesPool = ObjectPool<NativeBytes>;

/**
 * The pictures one source frame yields, made on demand and at most once each: the converted
 * I420 picture, each distinct (format, size) that the source's tracks ask for, and a copy of
 * the native bytes. Tracks that ask for the same thing get the same buffer.
 * Thread: the capture thread, during one onVideoFrame().
 */
class FrameVariants
{
public:
    using PoolLookup = FrameConverter::PoolLookup;

    /**
     * \p source is the converted picture (possibly smaller than the native frame: MJPEG decoded
     * at a DCT scale), or nullptr when no track needed pixels (get() then returns nullptr).
     */
    FrameVariants(std::shared_ptr<PixelBuffer> source, const PoolLookup& pools,
                  const NativeVideoFrame& native, NativeBytesPool& nativePool);
    /** The picture in \p format at \p width x \p height (shared by every track asking). */
    const std::shared_ptr<PixelBuffer>& get(VideoPixelFormat format, int width, int height);
    /** A copy of the native frame's bytes (one per frame, shared). */
    const std::shared_ptr<NativeBytes>& native();
    const NativeVideoFrame& nativeFrame() const { return frame_; }

private:
    struct Entry
    {
        VideoPixelFormat format;
        int width;
        int height;
        std::shared_ptr<PixelBuffer> buffer;
    };
    std::shared_ptr<PixelBuffer> make(VideoPixelFormat format, int width, int height);

    const PoolLookup& pools_;
    const NativeVideoFrame& frame_;
    NativeBytesPool& nativePool_;
    std::array<Entry, 8> entries_{};
    std::size_t count_ = 0;
    std::shared_ptr<PixelBuffer> uncached_;
    std::shared_ptr<NativeBytes> native_;
};

/**
 * One opened device and the tracks it feeds. Converts each native frame once, then lets every
 * track take the variant it needs (FrameVariants), so tracks with equal settings share a buffer.
 *
 * Ownership: tracks hold the source (shared_ptr); the source knows its tracks weakly. When the
 * last track detaches, the device stops.
 * Thread: open/reconfigure/stop on the control thread; attach/detach from any thread;
 * the CaptureSink calls on the capture thread; the handlers are called on the capture thread.
 */
class CaptureSource final : public CaptureSink, public std::enable_shared_from_this<CaptureSource>
{
public:
    /// Called on the capture thread when the device fails (error) or mutes/unmutes (no error).
    struct Handlers
    {
        std::function<void(const Error&)> onFailure;
        std::function<void(bool muted)> onMuteChanged;
    };

    /** Opens, configures and starts \p device. Errors: NotReadableError, NotFoundError. */
    static Result<std::shared_ptr<CaptureSource>>
    openVideo(const RegisteredDevice& device, const NativeVideoMode& mode, Handlers handlers);
    static Result<std::shared_ptr<CaptureSource>>
    openAudio(const RegisteredDevice& device, const NativeAudioMode& mode, Handlers handlers);
    ~CaptureSource() override;
    CaptureSource(const CaptureSource&) = delete;
    CaptureSource& operator=(const CaptureSource&) = delete;

    const RegisteredDevice& device() const { return device_; }
    NativeVideoMode videoMode() const;
    NativeAudioMode audioMode() const;
    /** Restarts the device in another mode; on failure restarts the old one. */
    Result<void> reconfigure(const NativeVideoMode& mode);

    void attach(const std::shared_ptr<TrackImpl>& track);
    void detach(const TrackImpl* track);
    /**
     * Holds the backend's echo reference (Backend::openEchoReference) while a live track asks
     * for echoCancellation, and lets it go when none does. The capture thread asks for this
     * (posted to the control thread) when a chunk shows the wish changed.
     * Thread: the control thread (opening the recording may block briefly).
     */
    void refreshEchoReference();
    /** The echo reference held now (nullptr: none). */
    std::shared_ptr<audio::EchoReference> echoReference() const;
    /** The live tracks fed by this source. */
    std::vector<std::shared_ptr<TrackImpl>> tracks() const;
    bool failed() const { return failed_.load(); }

    void onVideoFrame(const NativeVideoFrame& frame) override;
    void onAudioChunk(const NativeAudioChunk& chunk) override;
    void onCaptureError(const Error& error) override;
    void onMuteChanged(bool muted) override;

private:
    CaptureSource(const RegisteredDevice& device, std::unique_ptr<Device> opened,
                  Handlers handlers);
    template <typename Mode>
    static Result<std::shared_ptr<CaptureSource>> open(const RegisteredDevice& device,
                                                       const Mode& mode, Handlers handlers);
    Result<void> start();
    void stopDevice();
    std::shared_ptr<PixelBufferPool> pool(VideoPixelFormat format, int width, int height);
    // Copies the live tracks into scratch_ (capture thread; no allocation once warmed up).
    void snapshotTracks();

    const RegisteredDevice device_;
    const std::unique_ptr<Device> opened_;
    const Handlers handlers_;

    mutable std::mutex mutex_;
    NativeVideoMode videoMode_;                    // guarded by mutex_
    NativeAudioMode audioMode_;                    // guarded by mutex_
    std::vector<std::weak_ptr<TrackImpl>> tracks_; // guarded by mutex_
    bool running_ = false;                         // guarded by mutex_ (control thread writes)
    // The backend's far end while a track asks for echoCancellation (control thread writes).
    std::shared_ptr<audio::EchoReference> echoReference_; // guarded by mutex_
    std::atomic<bool> failed_{false};

    // Capture thread only.
    std::map<std::tuple<VideoPixelFormat, int, int>, std::shared_ptr<PixelBufferPool>> pools_;
    FrameVariants::PoolLookup poolLookup_;
    FrameConverter converter_;
    std::shared_ptr<NativeBytesPool> nativePool_;
    std::vector<std::shared_ptr<TrackImpl>> scratch_;
    std::shared_ptr<ObjectPool<std::vector<float>>> audioPool_;
    // What the tracks hear: one chain per distinct sample rate, channel count and processing.
    audio::AudioChains audioChains_;
    bool echoWanted_ = false; // whether a track asked for echoCancellation at the last chunk
    std::uint64_t undecodableFrames_ = 0;
};

} // namespace usermedia
