// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>

#include <usermedia/media_stream_track.h>

#include "base/random_id.h"
#include "core/track_impl.h"
#include "pipeline/audio/sample_convert.h"
#include "pipeline/convert.h"

namespace usermedia {

using TrackImpl = MediaStreamTrack::Impl;

// ---- Impl -------------------------------------------------------------------------------

std::shared_ptr<TrackImpl> TrackImpl::create(std::shared_ptr<TrackHost> host,
                                             std::shared_ptr<CaptureSource> source, Init init)
{
    auto track =
            std::shared_ptr<TrackImpl>(new TrackImpl(std::move(host), source, std::move(init)));
    source->attach(track);
    return track;
}

namespace {
// The audio variant in one word, so the capture thread reads it without a lock: three switch
// bits, then the channel count (8 bits), then the sample rate.
std::uint64_t packAudioVariant(const MediaTrackSettings& s)
{
    const auto channels =
            static_cast<std::uint64_t>(std::clamp(s.channelCount.value_or(0), 0, 255));
    const auto rate = static_cast<std::uint64_t>(std::max(s.sampleRate.value_or(0), 0));
    return (s.echoCancellation.value_or(false) ? 1U : 0U) |
           (s.noiseSuppression.value_or(false) ? 2U : 0U) |
           (s.autoGainControl.value_or(false) ? 4U : 0U) | (channels << 3U) | (rate << 11U);
}
} // namespace

audio::AudioVariantKey TrackImpl::audioVariant() const
{
    const std::uint64_t bits = audioVariant_.load();
    audio::AudioVariantKey key;
    key.processing = {(bits & 1U) != 0, (bits & 2U) != 0, (bits & 4U) != 0};
    key.channels = static_cast<int>((bits >> 3U) & 0xFFU);
    key.sampleRate = static_cast<int>(bits >> 11U);
    return key;
}

TrackImpl::Impl(std::shared_ptr<TrackHost> host, std::shared_ptr<CaptureSource> source, Init init)
    : id_(randomUuid()),
      host_(std::move(host)),
      init_(std::move(init)),
      source_(std::move(source)),
      settings_(init_.settings),
      constraints_(init_.constraints)
{
    audioVariant_.store(packAudioVariant(settings_));
}

TrackImpl::~Impl()
{
    if (source_)
        source_->detach(this);
    // The last track may die on a capture thread (a frame in flight held it). The source and
    // the context go to the control thread to be released there: releasing them here could
    // mean stopping the device, or destroying the context, from a thread they must join.
    // Both are moved into the task: had this thread kept a reference, it could be the last.
    TrackHost& target = *host_;
    target.post([host = std::move(host_), source = std::move(source_)]() mutable {
        source.reset();
        host.reset();
    });
}

MediaStreamTrackState TrackImpl::readyState() const
{
    std::lock_guard lock(mutex_);
    return state_;
}

MediaTrackSettings TrackImpl::settings() const
{
    std::lock_guard lock(mutex_);
    return settings_;
}

MediaTrackConstraints TrackImpl::constraints() const
{
    std::lock_guard lock(mutex_);
    return constraints_;
}

std::shared_ptr<CaptureSource> TrackImpl::source() const
{
    std::lock_guard lock(mutex_);
    return source_;
}

void TrackImpl::stop()
{
    std::shared_ptr<CaptureSource> source;
    std::vector<std::shared_ptr<Sink>> sinks;
    {
        std::lock_guard lock(mutex_);
        state_ = MediaStreamTrackState::Ended;
        source = std::move(source_);
        sinks = sinks_;
    }
    // As removeSink(): once stop() returns no sink is running or will run, so whatever the
    // sinks refer to may go (a sink that stops its own track holds only its own lock).
    for (const auto& sink : sinks) {
        std::lock_guard callLock(sink->callMutex);
        sink->removed = true;
    }
    if (source) {
        source->detach(this);
        host_->release(std::move(source));
    }
}

std::shared_ptr<TrackImpl> TrackImpl::clone()
{
    Init init = init_;
    std::shared_ptr<CaptureSource> source;
    {
        std::lock_guard lock(mutex_);
        init.settings = settings_;
        init.constraints = constraints_;
        source = source_;
    }
    if (!source) {
        // The clone of an ended track is ended too (spec: clone copies readyState).
        auto ended = std::shared_ptr<TrackImpl>(new TrackImpl(host_, nullptr, std::move(init)));
        ended->state_ = MediaStreamTrackState::Ended;
        ended->enabled_.store(enabled());
        return ended;
    }
    auto copy = create(host_, std::move(source), std::move(init));
    copy->enabled_.store(enabled());
    return copy;
}

void TrackImpl::update(MediaTrackSettings settings, MediaTrackConstraints constraints)
{
    std::lock_guard lock(mutex_);
    settings_ = std::move(settings);
    constraints_ = std::move(constraints);
    audioVariant_.store(packAudioVariant(settings_));
    // A new frame rate starts a new decimation grid; the capture thread resets it.
    regrid_.store(true);
}

void TrackImpl::endFromSource()
{
    std::shared_ptr<CaptureSource> source;
    {
        std::lock_guard lock(mutex_);
        if (state_ == MediaStreamTrackState::Ended)
            return;
        state_ = MediaStreamTrackState::Ended;
        source = std::move(source_);
    }
    if (source) {
        source->detach(this);
        host_->release(std::move(source));
    }
    fire("ended");
}

void TrackImpl::setMuted(bool muted)
{
    if (readyState() != MediaStreamTrackState::Live || muted_.exchange(muted) == muted)
        return;
    fire(muted ? "mute" : "unmute");
}

void TrackImpl::fire(const std::string& type)
{
    std::vector<std::function<void()>> listeners;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [listenerType, entry] : listeners_) {
            if (listenerType == type)
                listeners.push_back(entry.second);
        }
    }
    for (auto& listener : listeners)
        listener();
}

ListenerId TrackImpl::addEventListener(std::string_view type, std::function<void()> listener)
{
    if ((type != "ended" && type != "mute" && type != "unmute") || !listener)
        return 0;
    std::lock_guard lock(mutex_);
    const ListenerId id = nextId_++;
    listeners_.emplace_back(std::string(type), std::make_pair(id, std::move(listener)));
    return id;
}

void TrackImpl::removeEventListener(ListenerId id)
{
    std::lock_guard lock(mutex_);
    std::erase_if(listeners_, [id](const auto& entry) { return entry.second.first == id; });
}

SinkId TrackImpl::addSink(std::shared_ptr<Sink> sink)
{
    std::lock_guard lock(mutex_);
    sink->id = nextId_++;
    sinks_.push_back(sink);
    return sink->id;
}

SinkId TrackImpl::addVideoSink(std::function<void(const VideoFrame&)> sink, VideoPixelFormat format)
{
    if (init_.kind != MediaDeviceKind::VideoInput || !sink)
        return 0;
    auto entry = std::make_shared<Sink>();
    entry->video = std::move(sink);
    entry->videoFormat = format;
    return addSink(std::move(entry));
}

SinkId TrackImpl::addAudioSink(std::function<void(const AudioBuffer&)> sink, SampleFormat format)
{
    if (init_.kind != MediaDeviceKind::AudioInput || !sink)
        return 0;
    auto entry = std::make_shared<Sink>();
    entry->audio = std::move(sink);
    entry->sampleFormat = format;
    return addSink(std::move(entry));
}

void TrackImpl::removeSink(SinkId id)
{
    std::shared_ptr<Sink> removed;
    {
        std::lock_guard lock(mutex_);
        const auto it = std::find_if(sinks_.begin(), sinks_.end(),
                                     [id](const auto& sink) { return sink->id == id; });
        if (it == sinks_.end())
            return;
        removed = *it;
        sinks_.erase(it);
    }
    std::lock_guard callLock(removed->callMutex); // waits for a call in flight
    removed->removed = true;
}

MediaStreamTrackStats TrackImpl::stats() const
{
    MediaStreamTrackStats stats;
    stats.deliveredFrames = delivered_.load();
    stats.discardedFrames = discarded_.load();
    stats.totalFrames = stats.deliveredFrames + stats.discardedFrames;
    stats.decimatedFrames = decimated_.load();
    stats.frameRate = measuredRate_.load();
    stats.lastFrameNumber = lastDeliveredNumber_.load();
    return stats;
}

// Counts one delivery and measures the rate over the deliveries of the last second of capture
// time (the frames' own timestamps, so a ManualClock measures exactly): from the newest back,
// the deliveries up to the first one more than a second older. That runs per track per frame,
// so rather than walk a second of entries back each time, the window's length is kept
// (recentWithin_): while timestamps only grow, entries only ever leave it at its old end. After
// a timestamp earlier than the one before (a device clock that jumped back) the entries are not
// in order, and the walk is done in full as long as the window reaches back past that point.
void TrackImpl::countDelivery(std::chrono::nanoseconds timestamp, std::uint64_t frameNumber)
{
    // The capture thread is the only writer: plain stores (release, for stats() on another
    // thread) rather than locked read-modify-writes.
    delivered_.store(delivered_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    lastDeliveredNumber_.store(frameNumber, std::memory_order_release);
    constexpr std::size_t kSize = std::tuple_size_v<decltype(recent_)>;
    const bool backwards =
            recentCount_ > 0 && timestamp < recent_[(recentNext_ + kSize - 1) % kSize];
    const bool incremental =
            !backwards && (recentWithin_ < recentInOrder_ || recentInOrder_ >= recentCount_);
    const std::size_t newest = recentNext_;
    recent_[newest] = timestamp;
    recentNext_ = (recentNext_ + 1) % kSize;
    recentCount_ = std::min(recentCount_ + 1, kSize);
    recentInOrder_ = backwards ? 1 : std::min(recentInOrder_ + 1, kSize);
    const auto back = [&](std::size_t steps) {
        return recent_[(newest + kSize - steps) % kSize];
    };
    std::size_t within = 1; // deliveries from the newest back within a second of it
    if (incremental) {
        within = std::min(recentWithin_ + 1, recentCount_);
        while (within > 1 && timestamp - back(within - 1) > std::chrono::seconds(1))
            --within;
    } else {
        while (within < recentCount_ && timestamp - back(within) <= std::chrono::seconds(1))
            ++within;
    }
    recentWithin_ = within;
    const double span = std::chrono::duration<double>(timestamp - back(within - 1)).count();
    measuredRate_.store(within > 1 && span > 0 ? static_cast<double>(within - 1) / span : 0.0,
                        std::memory_order_release);
}

std::pair<int, int> TrackImpl::wantedVideoSize(int nativeWidth, int nativeHeight) const
{
    if (!enabled())
        return {0, 0}; // black frames need no pixels from the source
    std::lock_guard lock(mutex_);
    if (state_ != MediaStreamTrackState::Live)
        return {0, 0};
    const bool wantsPixels = std::any_of(sinks_.begin(), sinks_.end(), [](const auto& sink) {
        return sink->video && sink->videoFormat != VideoPixelFormat::Native;
    });
    if (!wantsPixels)
        return {0, 0};
    return {settings_.width.value_or(nativeWidth), settings_.height.value_or(nativeHeight)};
}

void TrackImpl::snapshotSinks()
{
    sinkScratch_.clear();
    std::lock_guard lock(mutex_);
    sinkScratch_.insert(sinkScratch_.end(), sinks_.begin(), sinks_.end());
}

// Frame-rate decimation: frame times are mapped onto a grid of 1/rate slots starting at the
// first frame; a frame is taken when it opens a new slot. A 30 fps source feeding a 20 fps
// track thus takes 2 of every 3 frames, evenly (never two drops in a row, never a burst).
bool TrackImpl::takeFrame(std::chrono::nanoseconds timestamp, double rate, double sourceRate)
{
    // Load first: the exchange is a locked instruction, and a regrid is rare.
    if (regrid_.load(std::memory_order_relaxed) && regrid_.exchange(false)) {
        firstTimestamp_ = std::chrono::nanoseconds(-1);
        lastSlot_ = -1;
    }
    if (rate <= 0 || rate >= sourceRate - 1e-6)
        return true;
    if (firstTimestamp_.count() < 0)
        firstTimestamp_ = timestamp;
    const double seconds = std::chrono::duration<double>(timestamp - firstTimestamp_).count();
    // Half a source period of slack absorbs jitter in the device's timestamps.
    const auto slot = static_cast<std::int64_t>(std::floor((seconds + 0.5 / sourceRate) * rate));
    if (slot <= lastSlot_)
        return false;
    lastSlot_ = slot;
    return true;
}

namespace {

// The layout names VideoFrame::nativeFormat() reports (static storage).
std::string_view nativeFormatName(NativePixelFormat format)
{
    switch (format) {
    case NativePixelFormat::I420:
        return "I420";
    case NativePixelFormat::NV12:
        return "NV12";
    case NativePixelFormat::YV12:
        return "YV12";
    case NativePixelFormat::YUYV:
        return "YUYV";
    case NativePixelFormat::UYVY:
        return "UYVY";
    case NativePixelFormat::MJPEG:
        return "MJPEG";
    case NativePixelFormat::RGB24:
        return "RGB24";
    case NativePixelFormat::BGR24:
        return "BGR24";
    case NativePixelFormat::BGRA:
        return "BGRA";
    case NativePixelFormat::Y16:
        return "Y16";
    }
    return "unknown";
}

} // namespace

void TrackImpl::deliverVideo(const NativeVideoFrame& frame, FrameVariants& variants)
{
    // Everything this frame needs from the track's state, under one lock: this runs for every
    // track of the source on every frame, so with many tracks each lock taken here counts.
    int width = 0;
    int height = 0;
    double rate = 0;
    double sourceRate = 0;
    {
        std::lock_guard lock(mutex_);
        if (state_ != MediaStreamTrackState::Live)
            return;
        width = settings_.width.value_or(frame.width);
        height = settings_.height.value_or(frame.height);
        rate = settings_.frameRate.value_or(0);
        // No strong reference to the source here: this runs on its capture thread, and had the
        // track been stopped meanwhile, a reference dropped here could be the source's last one,
        // stopping the device from the very thread it must join.
        if (source_)
            sourceRate = source_->videoMode().maxFrameRate;
        sinkScratch_.assign(sinks_.begin(), sinks_.end());
    }
    // Frames the source skipped (gaps in its numbering) count as discarded by this track.
    if (sawFrame_ && frame.frameNumber > lastFrameNumber_ + 1)
        discarded_.fetch_add(frame.frameNumber - lastFrameNumber_ - 1);
    sawFrame_ = true;
    lastFrameNumber_ = frame.frameNumber;

    if (!takeFrame(frame.timestamp, rate, sourceRate)) {
        decimated_.fetch_add(1);
        sinkScratch_.clear();
        return;
    }
    const bool isEnabled = enabled();
    for (const auto& sink : sinkScratch_) {
        if (!sink->video)
            continue;
        VideoFrame::Init init;
        std::shared_ptr<const void> owner;
        if (isEnabled && sink->videoFormat == VideoPixelFormat::Native) {
            const auto& native = variants.native();
            init.format = VideoPixelFormat::Native;
            init.width = native->width;
            init.height = native->height;
            init.planes[0] = {native->bytes.data(), 0};
            init.dataSize = native->bytes.size();
            init.nativeFormat = nativeFormatName(native->format);
            owner = native;
        } else {
            std::shared_ptr<PixelBuffer> buffer;
            if (isEnabled) {
                buffer = variants.get(sink->videoFormat, width, height);
                if (!buffer)
                    continue; // the sink arrived after the source decided what to convert
            } else {
                // Disabled tracks deliver black frames at the same pace (spec: "enabled");
                // native sinks get black I420.
                const VideoPixelFormat format = sink->videoFormat == VideoPixelFormat::NV12
                                                        ? VideoPixelFormat::NV12
                                                        : VideoPixelFormat::I420;
                if (!black_ || black_->width() != width || black_->height() != height ||
                    black_->format() != format) {
                    black_ = std::make_shared<PixelBuffer>(format, width, height);
                    black_->fillBlack();
                }
                buffer = black_;
            }
            init = buffer->describe();
            owner = std::move(buffer);
        }
        init.timestamp = frame.timestamp;
        init.frameNumber = frame.frameNumber;
        init.deviceTimestamp = frame.deviceTimestamp;
        const VideoFrame delivered(init, std::move(owner));
        std::lock_guard callLock(sink->callMutex);
        if (!sink->removed)
            sink->video(delivered);
    }
    sinkScratch_.clear();
    countDelivery(frame.timestamp, frame.frameNumber);
}

void TrackImpl::deliverAudio(const audio::AudioVariantChunk& chunk)
{
    if (readyState() != MediaStreamTrackState::Live)
        return;
    const std::shared_ptr<std::vector<float>>& samples = chunk.samples;
    std::shared_ptr<std::vector<float>> data = samples;
    if (!enabled()) {
        // Disabled tracks deliver silence (spec: "enabled").
        if (!silence_ || silence_->size() != samples->size())
            silence_ = std::make_shared<std::vector<float>>(samples->size(), 0.0F);
        data = silence_;
    }
    std::shared_ptr<std::vector<std::int16_t>> s16;
    snapshotSinks();
    for (const auto& sink : sinkScratch_) {
        if (!sink->audio)
            continue;
        AudioBuffer::Init init;
        init.sampleRate = chunk.sampleRate;
        init.channels = chunk.channels;
        init.frames = chunk.frames;
        init.timestamp = chunk.timestamp;
        init.firstFrame = chunk.firstFrame;
        std::shared_ptr<const void> owner = data;
        init.format = sink->sampleFormat;
        if (sink->sampleFormat == SampleFormat::S16) {
            if (!s16) {
                if (!s16Pool_)
                    s16Pool_ = ObjectPool<std::vector<std::int16_t>>::create(
                            [] { return std::make_unique<std::vector<std::int16_t>>(); });
                s16 = s16Pool_->acquire();
                s16->resize(data->size());
                audio::toS16(*data, s16->data());
            }
            init.data = s16->data();
            owner = s16;
        } else {
            init.data = data->data();
        }
        const AudioBuffer delivered(init, std::move(owner));
        std::lock_guard callLock(sink->callMutex);
        if (!sink->removed)
            sink->audio(delivered);
    }
    sinkScratch_.clear();
    countDelivery(chunk.timestamp, chunk.firstFrame);
}

// ---- handle -----------------------------------------------------------------------------

MediaStreamTrack::MediaStreamTrack(std::shared_ptr<Impl> impl) : impl_(std::move(impl))
{}

std::string MediaStreamTrack::kind() const
{
    return impl_->kind() == MediaDeviceKind::AudioInput ? "audio" : "video";
}

std::string MediaStreamTrack::id() const
{
    return impl_->id();
}

std::string MediaStreamTrack::label() const
{
    return impl_->label();
}

bool MediaStreamTrack::enabled() const
{
    return impl_->enabled();
}

void MediaStreamTrack::setEnabled(bool enabled)
{
    impl_->setEnabled(enabled);
}

bool MediaStreamTrack::muted() const
{
    return impl_->muted();
}

MediaStreamTrackState MediaStreamTrack::readyState() const
{
    return impl_->readyState();
}

void MediaStreamTrack::stop()
{
    impl_->stop();
}

MediaStreamTrack MediaStreamTrack::clone() const
{
    return MediaStreamTrack(impl_->clone());
}

MediaTrackCapabilities MediaStreamTrack::getCapabilities() const
{
    return impl_->capabilities();
}

MediaTrackConstraints MediaStreamTrack::getConstraints() const
{
    return impl_->constraints();
}

MediaTrackSettings MediaStreamTrack::getSettings() const
{
    return impl_->settings();
}

Promise<void> MediaStreamTrack::applyConstraints(const MediaTrackConstraints& constraints)
{
    return impl_->host()->applyConstraints(impl_, constraints);
}

ListenerId MediaStreamTrack::addEventListener(std::string_view type, std::function<void()> listener)
{
    return impl_->addEventListener(type, std::move(listener));
}

void MediaStreamTrack::removeEventListener(ListenerId id)
{
    impl_->removeEventListener(id);
}

SinkId MediaStreamTrack::addVideoSink(std::function<void(const VideoFrame&)> sink,
                                      VideoPixelFormat format)
{
    return impl_->addVideoSink(std::move(sink), format);
}

SinkId MediaStreamTrack::addAudioSink(std::function<void(const AudioBuffer&)> sink,
                                      SampleFormat format)
{
    return impl_->addAudioSink(std::move(sink), format);
}

void MediaStreamTrack::removeSink(SinkId id)
{
    impl_->removeSink(id);
}

MediaStreamTrackStats MediaStreamTrack::getStats() const
{
    return impl_->stats();
}

} // namespace usermedia
