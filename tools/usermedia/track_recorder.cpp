// SPDX-License-Identifier: MIT
#include "track_recorder.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <utility>

#include "sinks/queued_writer.h"
#include "sinks/wav_writer.h"
#include "sinks/y4m_writer.h"

namespace usermedia::cli {
namespace {

// The audio queue holds 1 s of 10 ms chunks; video keeps the default (1 s at 30 fps).
constexpr std::size_t kAudioQueueCapacity = 100;

Error missingSetting(const MediaStreamTrack& track, const char* member)
{
    return Error{ErrorName::TypeError,
                 "the " + track.kind() + " track '" + track.label() + "' reports no " + member +
                         ": cannot write the file header",
                 {},
                 0};
}

// Raises `target` to at least `value`; the capture thread is the only writer, the reader may
// reset it, so a lost race only costs one meter update.
void raise(std::atomic<int>& target, int value)
{
    int current = target.load(std::memory_order_relaxed);
    while (value > current && !target.compare_exchange_weak(current, value)) {
    }
}

template <typename Item>
class QueueRecorder final : public TrackRecorder
{
public:
    QueueRecorder(MediaStreamTrack track, std::string path,
                  std::unique_ptr<QueuedWriter<Item>> queue)
        : TrackRecorder(std::move(track), std::move(path)),
          queue_(std::move(queue))
    {}

    ~QueueRecorder() override { (void)finish(); }

    QueueRecorder(const QueueRecorder&) = delete;
    QueueRecorder& operator=(const QueueRecorder&) = delete;

    void start(const RecordingWindow& window) override
    {
        window_ = window;
        MediaStreamTrack handle = track(); // a handle: the copy is the same track
        if constexpr (std::is_same_v<Item, VideoFrame>) {
            sink_ = handle.addVideoSink([this](const VideoFrame& frame) { onItem(frame); },
                                        VideoPixelFormat::I420);
        } else {
            sink_ = handle.addAudioSink([this](const AudioBuffer& buffer) { onItem(buffer); },
                                        SampleFormat::S16);
        }
    }

    Result<void> finish() override
    {
        if (sink_ != 0) {
            MediaStreamTrack handle = track();
            handle.removeSink(sink_); // after this the sink does not run again
            sink_ = 0;
        }
        return queue_->close();
    }

    RecorderStats stats() const override
    {
        RecorderStats stats = baseStats();
        stats.written = queue_->written();
        stats.dropped = queue_->dropped();
        return stats;
    }

    std::optional<Error> writeError() const override { return queue_->lastError(); }

private:
    // Capture thread: no I/O, no waiting; push() hands the item over or drops and counts it.
    void onItem(const Item& item)
    {
        if (!admit(item.timestamp()))
            return;
        if (!queue_->push(item))
            return;
        if constexpr (std::is_same_v<Item, AudioBuffer>) {
            int peak = 0;
            for (const std::int16_t sample : item.s16())
                peak = std::max(peak, std::abs(static_cast<int>(sample)));
            measuredPeak(peak);
        }
        accepted(item.timestamp());
    }

    std::unique_ptr<QueuedWriter<Item>> queue_;
    SinkId sink_ = 0;
};

std::string extensionFor(bool video)
{
    return video ? ".y4m" : ".wav";
}

} // namespace

Result<std::unique_ptr<TrackRecorder>> TrackRecorder::create(const MediaStreamTrack& track,
                                                             const std::string& prefix)
{
    const MediaTrackSettings settings = track.getSettings();
    const bool video = track.kind() == "video";
    std::string path = prefix + extensionFor(video);
    if (video) {
        if (!settings.width || !settings.height)
            return missingSetting(track, "size");
        if (!settings.frameRate)
            return missingSetting(track, "frame rate");
        auto writer =
                Y4mWriter::create(path, *settings.width, *settings.height, *settings.frameRate);
        if (!writer)
            return writer.error();
        auto queue = makeQueuedWriter<VideoFrame>(std::move(*writer));
        return std::unique_ptr<TrackRecorder>(
                new QueueRecorder<VideoFrame>(track, std::move(path), std::move(queue)));
    }
    if (!settings.sampleRate)
        return missingSetting(track, "sample rate");
    auto writer = WavWriter::create(path, *settings.sampleRate, settings.channelCount.value_or(1),
                                    WavSampleFormat::S16);
    if (!writer)
        return writer.error();
    auto queue = makeQueuedWriter<AudioBuffer>(std::move(*writer), kAudioQueueCapacity);
    return std::unique_ptr<TrackRecorder>(
            new QueueRecorder<AudioBuffer>(track, std::move(path), std::move(queue)));
}

bool TrackRecorder::full() const
{
    return window_.maxItems && accepted_.load() >= *window_.maxItems;
}

std::optional<double> TrackRecorder::takeRecentPeakDbfs()
{
    const int peak = recentPeak_.exchange(-1);
    if (peak < 0)
        return std::nullopt;
    return dbfsFromPeak(peak);
}

bool TrackRecorder::admit(std::chrono::nanoseconds timestamp) const
{
    return timestamp >= window_.start && timestamp < window_.end && !full();
}

void TrackRecorder::accepted(std::chrono::nanoseconds timestamp)
{
    if (accepted_.load(std::memory_order_relaxed) == 0)
        firstTimestamp_.store(timestamp.count());
    lastTimestamp_.store(timestamp.count());
    accepted_.fetch_add(1);
}

void TrackRecorder::measuredPeak(int peak)
{
    raise(peak_, peak);
    raise(recentPeak_, peak);
}

RecorderStats TrackRecorder::baseStats() const
{
    RecorderStats stats;
    stats.accepted = accepted_.load();
    const auto span = lastTimestamp_.load() - firstTimestamp_.load();
    if (stats.accepted >= 2 && span > 0)
        stats.measuredRate =
                static_cast<double>(stats.accepted - 1) * 1e9 / static_cast<double>(span);
    if (const int peak = peak_.load(); peak >= 0)
        stats.peakDbfs = dbfsFromPeak(peak);
    return stats;
}

double dbfsFromPeak(int peak)
{
    if (peak <= 0)
        return -std::numeric_limits<double>::infinity();
    return 20.0 * std::log10(static_cast<double>(peak) / 32768.0);
}

} // namespace usermedia::cli
