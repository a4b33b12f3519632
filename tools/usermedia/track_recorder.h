// SPDX-License-Identifier: MIT
// Records one track to a file (video to .y4m, audio to .wav) through a bounded queue, so that
// the capture thread never waits for the disk; counts what it writes and drops.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <usermedia/error.h>
#include <usermedia/media_stream_track.h>
#include <usermedia/result.h>

namespace usermedia::cli {

/**
 * \brief Which items a recorder takes: those stamped in [start, end) on the MediaDevices clock,
 * at most maxItems of them. Timestamps, not arrival times, decide, so a 1 s recording of a
 * 30 fps camera holds 30 frames however late the command notices that the second is over.
 */
struct RecordingWindow
{
    std::chrono::nanoseconds start{0};
    std::chrono::nanoseconds end = std::chrono::nanoseconds::max();
    std::optional<std::uint64_t> maxItems;
};

struct RecorderStats
{
    std::uint64_t accepted = 0; ///< frames or chunks queued for the file
    std::uint64_t written = 0;  ///< of those, the ones in the file (all of them after finish())
    std::uint64_t dropped = 0;  ///< the queue was full or the file failed: not in the file
    /// Items per second between the first and the last accepted item's timestamps.
    std::optional<double> measuredRate;
    /// Audio: the loudest sample so far, in dBFS (-inf for silence).
    std::optional<double> peakDbfs;
};

/**
 * \brief One track's recording: a Y4mWriter or WavWriter behind a QueuedWriter, fed by a sink.
 *
 * Thread: create(), start(), finish() on one control thread (the command's main thread); stats(),
 * full(), writeError() and takeRecentPeakDbfs() from any thread. The sink runs on the capture
 * thread: it only filters by the window, queues and counts.
 */
class TrackRecorder
{
public:
    /**
     * \brief Creates the output file `<prefix>.y4m` (video, I420 at the track's settings) or
     * `<prefix>.wav` (audio, 16-bit at the track's sample rate and channel count).
     * Errors: AbortError naming the path when the file cannot be created; TypeError when the
     * track's settings lack what the file header needs.
     */
    static Result<std::unique_ptr<TrackRecorder>> create(const MediaStreamTrack& track,
                                                         const std::string& prefix);

    virtual ~TrackRecorder() = default;
    TrackRecorder(const TrackRecorder&) = delete;
    TrackRecorder& operator=(const TrackRecorder&) = delete;

    const MediaStreamTrack& track() const { return track_; }
    const std::string& path() const { return path_; }
    bool isVideo() const { return track_.kind() == "video"; }

    /** \brief Adds the sink: from now on items in \p window go to the file. Call once. */
    virtual void start(const RecordingWindow& window) = 0;
    /**
     * \brief Removes the sink, writes what is queued and closes the file. Idempotent.
     * Errors: the first write or close error (AbortError naming the path).
     */
    virtual Result<void> finish() = 0;
    virtual RecorderStats stats() const = 0;
    /** \brief The error that stopped the file, if writing failed. */
    virtual std::optional<Error> writeError() const = 0;

    /** \brief True once window.maxItems items were accepted. */
    bool full() const;
    /** \brief Audio: the loudest sample since the last call, in dBFS; for a level meter. */
    std::optional<double> takeRecentPeakDbfs();

protected:
    TrackRecorder(MediaStreamTrack track, std::string path)
        : track_(std::move(track)),
          path_(std::move(path))
    {}

    // Capture thread: the only writer of these counters (one sink, one capture thread).
    bool admit(std::chrono::nanoseconds timestamp) const;
    void accepted(std::chrono::nanoseconds timestamp);
    void measuredPeak(int peak);
    RecorderStats baseStats() const;

    RecordingWindow window_;
    std::atomic<std::uint64_t> accepted_{0};

private:
    const MediaStreamTrack track_;
    const std::string path_;
    std::atomic<std::int64_t> firstTimestamp_{0};
    std::atomic<std::int64_t> lastTimestamp_{0};
    std::atomic<int> peak_{-1};       ///< -1: no audio measured yet
    std::atomic<int> recentPeak_{-1}; ///< reset by takeRecentPeakDbfs()
};

/** \brief 20·log10(peak / 32768): 0 dBFS is full scale; -inf for silence. Thread: any. */
double dbfsFromPeak(int peak);

} // namespace usermedia::cli
