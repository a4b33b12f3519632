// SPDX-License-Identifier: MIT
#include "core/capture_source.h"

#include <algorithm>
#include <type_traits>

#include "base/log.h"
#include "core/track_host.h"
#include "core/track_impl.h"
#include "pipeline/convert.h"

namespace usermedia {

// ---- FrameVariants ------------------------------------------------------------------------

FrameVariants::FrameVariants(std::shared_ptr<PixelBuffer> source, const PoolLookup& pools,
                             const NativeVideoFrame& native, NativeBytesPool& nativePool)
    : pools_(pools),
      frame_(native),
      nativePool_(nativePool)
{
    if (source) {
        entries_[0] = {VideoPixelFormat::I420, source->width(), source->height(),
                       std::move(source)};
        count_ = 1;
    }
}

const std::shared_ptr<PixelBuffer>& FrameVariants::get(VideoPixelFormat format, int width,
                                                       int height)
{
    if (count_ == 0 || format == VideoPixelFormat::Native)
        return uncached_; // nullptr: nothing was converted, or not a pixel format
    for (std::size_t i = 0; i < count_; ++i) {
        const Entry& e = entries_[i];
        if (e.format == format && e.width == width && e.height == height)
            return e.buffer;
    }
    auto buffer = make(format, width, height);
    if (count_ < entries_.size()) {
        entries_[count_] = {format, width, height, std::move(buffer)};
        return entries_[count_++].buffer;
    }
    uncached_ = std::move(buffer); // more distinct variants than slots: correct, just not shared
    return uncached_;
}

std::shared_ptr<PixelBuffer> FrameVariants::make(VideoPixelFormat format, int width, int height)
{
    // Scale once per distinct size (in I420), then convert that to NV12 if asked.
    if (format == VideoPixelFormat::NV12) {
        const std::shared_ptr<PixelBuffer> i420 = get(VideoPixelFormat::I420, width, height);
        auto nv12 = pools_(VideoPixelFormat::NV12, width, height)->acquire();
        i420ToNv12(*i420, *nv12);
        return nv12;
    }
    auto scaled = pools_(VideoPixelFormat::I420, width, height)->acquire();
    cropAndScale(*entries_[0].buffer, *scaled);
    return scaled;
}

const std::shared_ptr<NativeBytes>& FrameVariants::native()
{
    if (!native_) {
        native_ = nativePool_.acquire();
        // assign() keeps the vector's capacity: after the largest frame, no more allocation.
        native_->bytes.assign(frame_.data, frame_.data + frame_.size);
        native_->format = frame_.format;
        native_->width = frame_.width;
        native_->height = frame_.height;
    }
    return native_;
}

// ---- CaptureSource ------------------------------------------------------------------------

// Opens, configures (video or audio mode) and starts a device; shared by both kinds.
template <typename Mode>
Result<std::shared_ptr<CaptureSource>> CaptureSource::open(const RegisteredDevice& device,
                                                           const Mode& mode, Handlers handlers)
{
    auto opened = device.backend->open(device.description.id);
    if (!opened)
        return opened.error();
    if (auto configured = (*opened)->configure(mode); !configured)
        return configured.error();
    auto source = std::shared_ptr<CaptureSource>(
            new CaptureSource(device, std::move(*opened), std::move(handlers)));
    if constexpr (std::is_same_v<Mode, NativeVideoMode>)
        source->videoMode_ = mode;
    else
        source->audioMode_ = mode;
    if (auto started = source->start(); !started)
        return started.error();
    return source;
}

Result<std::shared_ptr<CaptureSource>> CaptureSource::openVideo(const RegisteredDevice& device,
                                                                const NativeVideoMode& mode,
                                                                Handlers handlers)
{
    return open(device, mode, std::move(handlers));
}

Result<std::shared_ptr<CaptureSource>> CaptureSource::openAudio(const RegisteredDevice& device,
                                                                const NativeAudioMode& mode,
                                                                Handlers handlers)
{
    return open(device, mode, std::move(handlers));
}

CaptureSource::CaptureSource(const RegisteredDevice& device, std::unique_ptr<Device> opened,
                             Handlers handlers)
    : device_(device),
      opened_(std::move(opened)),
      handlers_(std::move(handlers)),
      poolLookup_([this](VideoPixelFormat format, int width, int height) {
          return pool(format, width, height);
      }),
      nativePool_(NativeBytesPool::create([] { return std::make_unique<NativeBytes>(); })),
      audioPool_(ObjectPool<std::vector<float>>::create(
              [] { return std::make_unique<std::vector<float>>(); }))
{}

CaptureSource::~CaptureSource()
{
    stopDevice();
    if (undecodableFrames_ > 0)
        UM_LOG(Core, Info) << device_.description.label << ": skipped " << undecodableFrames_
                           << " frames that could not be decoded";
}

Result<void> CaptureSource::start()
{
    auto started = opened_->start(*this);
    if (started) {
        std::lock_guard lock(mutex_);
        running_ = true;
    }
    return started;
}

void CaptureSource::stopDevice()
{
    {
        std::lock_guard lock(mutex_);
        if (!running_)
            return;
        running_ = false;
    }
    opened_->stop();
}

NativeVideoMode CaptureSource::videoMode() const
{
    std::lock_guard lock(mutex_);
    return videoMode_;
}

NativeAudioMode CaptureSource::audioMode() const
{
    std::lock_guard lock(mutex_);
    return audioMode_;
}

Result<void> CaptureSource::reconfigure(const NativeVideoMode& mode)
{
    const NativeVideoMode previous = videoMode();
    if (previous == mode)
        return {};
    stopDevice();
    auto configured = opened_->configure(mode);
    if (configured) {
        std::lock_guard lock(mutex_);
        videoMode_ = mode;
    } else {
        // Put the device back as it was; the track keeps its settings (atomic apply).
        if (!opened_->configure(previous))
            UM_LOG(Core, Warn) << device_.description.label << ": could not restore its mode";
    }
    auto started = start();
    if (!configured)
        return configured;
    return started;
}

void CaptureSource::attach(const std::shared_ptr<TrackImpl>& track)
{
    std::lock_guard lock(mutex_);
    tracks_.push_back(track);
}

void CaptureSource::detach(const TrackImpl* track)
{
    std::lock_guard lock(mutex_);
    std::erase_if(tracks_, [track](const std::weak_ptr<TrackImpl>& weak) {
        const auto locked = weak.lock();
        return !locked || locked.get() == track;
    });
}

namespace {
bool anyWantsEchoCancellation(const std::vector<std::shared_ptr<TrackImpl>>& tracks)
{
    return std::any_of(tracks.begin(), tracks.end(), [](const std::shared_ptr<TrackImpl>& track) {
        return track->audioVariant().processing.echoCancellation;
    });
}
} // namespace

void CaptureSource::refreshEchoReference()
{
    const bool wanted = anyWantsEchoCancellation(tracks());
    std::shared_ptr<audio::EchoReference> released;
    {
        std::lock_guard lock(mutex_);
        if (wanted == (echoReference_ != nullptr))
            return;
        if (!wanted)
            released = std::move(echoReference_);
    }
    if (!wanted)
        return; // released here, unless a chain still reads it (then at its next chunk)
    // Outside the lock: a backend may block while its recording starts.
    auto reference = device_.backend->openEchoReference();
    if (!reference) {
        UM_LOG(Core, Debug) << device_.description.label
                            << ": no echo reference from its backend; echoCancellation has no "
                               "far end to cancel";
        return;
    }
    std::lock_guard lock(mutex_);
    echoReference_ = std::move(reference);
}

std::shared_ptr<audio::EchoReference> CaptureSource::echoReference() const
{
    std::lock_guard lock(mutex_);
    return echoReference_;
}

std::vector<std::shared_ptr<TrackImpl>> CaptureSource::tracks() const
{
    std::vector<std::shared_ptr<TrackImpl>> live;
    std::lock_guard lock(mutex_);
    for (const auto& weak : tracks_) {
        if (auto track = weak.lock())
            live.push_back(std::move(track));
    }
    return live;
}

void CaptureSource::snapshotTracks()
{
    scratch_.clear();
    std::lock_guard lock(mutex_);
    for (const auto& weak : tracks_) {
        if (auto track = weak.lock())
            scratch_.push_back(std::move(track));
    }
}

std::shared_ptr<PixelBufferPool> CaptureSource::pool(VideoPixelFormat format, int width, int height)
{
    auto& entry = pools_[{format, width, height}];
    if (!entry)
        entry = makePixelBufferPool(format, width, height);
    return entry;
}

void CaptureSource::onVideoFrame(const NativeVideoFrame& frame)
{
    snapshotTracks();
    // Decode only as much as the largest track needs (MJPEG can decode at 1/2, 1/4, 1/8), and
    // nothing when no track has a sink that wants pixels.
    int minWidth = 0;
    int minHeight = 0;
    for (const auto& track : scratch_) {
        const auto [width, height] = track->wantedVideoSize(frame.width, frame.height);
        minWidth = std::max(minWidth, width);
        minHeight = std::max(minHeight, height);
    }
    std::shared_ptr<PixelBuffer> converted;
    if (minWidth > 0 && minHeight > 0) {
        converted = converter_.convert(frame, minWidth, minHeight, poolLookup_);
        if (!converted) {
            ++undecodableFrames_; // corrupt or short frames are skipped, never delivered
            scratch_.clear();
            return;
        }
    }
    FrameVariants variants(std::move(converted), poolLookup_, frame, *nativePool_);
    for (const auto& track : scratch_)
        track->deliverVideo(frame, variants);
    scratch_.clear();
}

void CaptureSource::onAudioChunk(const NativeAudioChunk& chunk)
{
    // The native samples live only during this call; tracks share one pooled copy.
    auto samples = audioPool_->acquire();
    const std::size_t count = static_cast<std::size_t>(chunk.frames) * chunk.channels;
    samples->assign(chunk.samples, chunk.samples + count);
    audioChains_.begin(chunk, samples);
    snapshotTracks();
    // A track that asks for echoCancellation needs the far end, which the control thread
    // opens (it may block); so does letting it go when no track asks any more.
    const bool echoWanted = anyWantsEchoCancellation(scratch_);
    if (echoWanted != echoWanted_ && !scratch_.empty()) {
        echoWanted_ = echoWanted;
        scratch_.front()->host()->post([weak = weak_from_this()] {
            if (auto self = weak.lock())
                self->refreshEchoReference();
        });
    }
    audioChains_.setEchoReference(echoWanted ? echoReference() : nullptr);
    // Read per chunk, so applyConstraints() takes effect at the next one.
    for (const auto& track : scratch_)
        track->deliverAudio(audioChains_.variant(track->audioVariant()));
    scratch_.clear();
}

void CaptureSource::onCaptureError(const Error& error)
{
    failed_.store(true);
    UM_LOG(Core, Warn) << device_.description.label << ": capture failed: " << error.toString();
    if (handlers_.onFailure)
        handlers_.onFailure(error);
}

void CaptureSource::onMuteChanged(bool muted)
{
    if (handlers_.onMuteChanged)
        handlers_.onMuteChanged(muted);
}

} // namespace usermedia
