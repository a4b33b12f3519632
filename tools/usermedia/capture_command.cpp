// SPDX-License-Identifier: MIT
// `usermedia capture`.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "commands.h"
#include "json_output.h"
#include "status_line.h"
#include "track_recorder.h"

namespace usermedia::cli {
namespace {

using std::chrono::nanoseconds;

// How often the command checks whether to stop, and how often it redraws the status line.
constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr int kPollsPerStatus = 5; // ~4 updates a second

std::atomic<bool> interruptRequested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

void onInterrupt(int /*signal*/)
{
    interruptRequested.store(true);
}

/** Ctrl-C (and SIGTERM) set a flag for its lifetime, so recording stops cleanly. */
class InterruptHandler
{
public:
    InterruptHandler()
    {
        interruptRequested.store(false);
        struct sigaction action = {};
        action.sa_handler = onInterrupt;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &previousInt_);
        sigaction(SIGTERM, &action, &previousTerm_);
    }
    ~InterruptHandler()
    {
        sigaction(SIGINT, &previousInt_, nullptr);
        sigaction(SIGTERM, &previousTerm_, nullptr);
    }
    InterruptHandler(const InterruptHandler&) = delete;
    InterruptHandler& operator=(const InterruptHandler&) = delete;

    bool requested() const { return interruptRequested.load(); }

private:
    struct sigaction previousInt_ = {};
    struct sigaction previousTerm_ = {};
};

enum class StopReason
{
    Duration,
    FrameLimit,
    Interrupted,
    TrackEnded,
    WriteFailed,
};

using Recorders = std::vector<std::unique_ptr<TrackRecorder>>;

struct Stop
{
    StopReason reason = StopReason::Duration;
    const TrackRecorder* recorder = nullptr; ///< the one that ended or failed
};

std::optional<Stop> shouldStop(const Recorders& recorders, const InterruptHandler& interrupt,
                               const Clock& clock, nanoseconds end)
{
    if (interrupt.requested())
        return Stop{StopReason::Interrupted};
    for (const auto& recorder : recorders) {
        if (recorder->writeError())
            return Stop{StopReason::WriteFailed, recorder.get()};
        if (recorder->track().readyState() == MediaStreamTrackState::Ended)
            return Stop{StopReason::TrackEnded, recorder.get()};
        if (recorder->full())
            return Stop{StopReason::FrameLimit, recorder.get()};
    }
    if (clock.now() >= end)
        return Stop{StopReason::Duration};
    return std::nullopt;
}

// The labels of the devices in use, as the library's in-use indicator reports them.
std::vector<std::string> inUseLabels(const MediaDevices& devices)
{
    std::vector<std::string> labels;
    for (const auto& device : devices.devicesInUse())
        labels.push_back(device.label);
    return labels;
}

// Colour only for a person looking at a terminal, and not for one who asked for none
// (https://no-color.org).
bool colorWanted()
{
    const char* noColor = std::getenv("NO_COLOR");
    return isatty(STDERR_FILENO) != 0 && (noColor == nullptr || *noColor == '\0');
}

class StatusLine
{
public:
    explicit StatusLine(bool enabled) : enabled_(enabled), color_(enabled && colorWanted()) {}
    ~StatusLine() { clear(); }
    StatusLine(const StatusLine&) = delete;
    StatusLine& operator=(const StatusLine&) = delete;

    // Without a terminal there is no status line: the marker is printed as a plain line when
    // recording starts and whenever the devices in use change, so logs show it too.
    void update(const Recorders& recorders, const MediaDevices& devices, nanoseconds elapsed)
    {
        auto labels = inUseLabels(devices);
        if (!enabled_) {
            if (labels != shownDevices_ && !labels.empty())
                printNote(recordingMarker(labels, false));
            shownDevices_ = std::move(labels);
            return;
        }
        CaptureStatus status;
        status.devices = std::move(labels);
        status.color = color_;
        status.elapsed = elapsed;
        for (const auto& recorder : recorders) {
            const RecorderStats stats = recorder->stats();
            status.dropped += stats.dropped;
            if (recorder->isVideo()) {
                status.videoFrames = stats.accepted;
                if (elapsed.count() > 0) {
                    status.videoFps = static_cast<double>(stats.accepted) * 1e9 /
                                      static_cast<double>(elapsed.count());
                }
            } else {
                status.hasAudio = true;
                if (auto level = recorder->takeRecentPeakDbfs())
                    audioDbfs_ = level;
                status.audioDbfs = audioDbfs_;
            }
        }
        std::cerr << '\r' << formatStatus(status) << "\x1b[K" << std::flush;
        shown_ = true;
    }

    void clear()
    {
        if (shown_)
            std::cerr << "\r\x1b[K" << std::flush;
        shown_ = false;
    }

private:
    const bool enabled_;
    const bool color_;
    std::vector<std::string> shownDevices_;
    bool shown_ = false;
    std::optional<double> audioDbfs_;
};

// Main thread: waits until a stop condition holds, drawing the status line meanwhile. The
// recorders take only what is stamped inside the window, so polling late loses nothing.
Stop record(const Recorders& recorders, const MediaDevices& devices, const Clock& clock,
            const RecordingWindow& window)
{
    InterruptHandler interrupt;
    StatusLine status(isatty(STDERR_FILENO) != 0);
    for (int poll = 0;; ++poll) {
        if (auto stop = shouldStop(recorders, interrupt, clock, window.end))
            return *stop;
        if (poll % kPollsPerStatus == 0)
            status.update(recorders, devices, clock.now() - window.start);
        std::this_thread::sleep_for(kPollInterval);
    }
}

void printSummary(const TrackRecorder& recorder)
{
    const MediaStreamTrack& track = recorder.track();
    const RecorderStats stats = recorder.stats();
    std::cout << track.kind() << ": " << track.label() << " -> " << recorder.path() << "\n  "
              << settingsText(track.getSettings()) << "\n  ";
    char rate[32] = "-";
    if (recorder.isVideo()) {
        if (stats.measuredRate)
            (void)std::snprintf(rate, sizeof rate, "%.1f", *stats.measuredRate);
        std::cout << "frames " << stats.written << " written, " << stats.dropped << " dropped, "
                  << rate << " fps measured\n";
    } else {
        std::cout << "chunks " << stats.written << " written, " << stats.dropped
                  << " dropped, peak " << (stats.peakDbfs ? formatDbfs(*stats.peakDbfs) : "-")
                  << '\n';
    }
}

void stopTracks(const std::vector<MediaStreamTrack>& tracks)
{
    for (auto track : tracks)
        track.stop();
}

// Setting up failed half-way: drop the files already created, which hold no media yet.
void discard(Recorders& recorders)
{
    for (auto& recorder : recorders) {
        (void)recorder->finish();
        (void)std::remove(recorder->path().c_str());
    }
    recorders.clear();
}

// Whether \p track ended because its permission was taken back (`usermedia permissions deny`
// or reset from another shell), rather than because its device failed.
bool revoked(const Session& session, const MediaStreamTrack& track)
{
    if (session.policy() != PermissionPolicy::Prompt)
        return false;
    const auto name = track.kind() == "video" ? PermissionName::Camera : PermissionName::Microphone;
    return session.devices().queryPermission(name) != PermissionState::Granted;
}

int reportStop(const Stop& stop, const Session& session)
{
    switch (stop.reason) {
    case StopReason::Duration:
    case StopReason::FrameLimit:
        return kExitSuccess;
    case StopReason::Interrupted:
        printNote("interrupted: recording stopped; the files keep what was recorded");
        return kExitSuccess;
    case StopReason::TrackEnded:
        if (revoked(session, stop.recorder->track())) {
            printNote("permission for the " + stop.recorder->track().kind() + " (" +
                      stop.recorder->track().label() +
                      ") was revoked during capture; the files keep what was recorded");
            return kExitFailure;
        }
        printNote("the " + stop.recorder->track().kind() + " track (" +
                  stop.recorder->track().label() +
                  ") ended during capture (device unplugged or failed); the files keep what "
                  "was recorded");
        return kExitFailure;
    case StopReason::WriteFailed:
        return kExitFailure; // finish() reports the error
    }
    return kExitFailure;
}

} // namespace

CLI::App* addCaptureCommand(CLI::App& app, CaptureCommand& command)
{
    auto* capture = app.add_subcommand("capture", "Record video to PREFIX.y4m and audio to "
                                                  "PREFIX.wav");
    // The short description is listed by `usermedia --help`; the details go below the options.
    const std::string details =
            "Open the camera and/or microphone (getUserMedia) and record: video as I420 to\n"
            "PREFIX.y4m, audio as 16-bit PCM to PREFIX.wav, at the tracks' settings. Stops after\n"
            "--duration seconds, after --frames video frames, on Ctrl-C (keeping what was\n"
            "recorded), or when a device goes away or its permission is revoked (`usermedia\n"
            "permissions deny`). Prints a summary per track; on a terminal a live status line\n"
            "shows a red \"\u25CF recording\" marker with the device names, and progress (without\n"
            "a terminal the marker is a plain line). Without --constraints, --video or --audio:\n"
            "both.";
    addConstraintOptions(*capture, command.constraints);
    capture->add_option("--duration", command.durationSeconds, "Seconds to record (default 5)")
            ->type_name("SECONDS")
            ->check(CLI::Range(0.001, 31'536'000.0));
    capture->add_option("--output", command.outputPrefix,
                        "Output path without extension (default \"capture\")")
            ->type_name("PREFIX");
    capture->add_option("--frames", command.maxFrames, "Stop after this many video frames")
            ->type_name("N")
            ->check(CLI::PositiveNumber);
    addCommonOptions(*capture, command.common);
    capture->footer(details + "\n\n" + capture->get_footer() +
                    "\n\nExit status: 0 when the recording completed or was interrupted with "
                    "Ctrl-C,\n1 when the request failed, a device went away or a file could not "
                    "be written,\n2 for usage errors.\n\nExamples:\n"
                    "  usermedia capture --fake --allow --duration 3 --output /tmp/test\n"
                    "  usermedia capture --video 1280x720@30 --frames 100 --output clip\n"
                    "  usermedia capture --constraints '{\"audio\": {\"channelCount\": 2}}'");
    return capture;
}

int runCapture(const CaptureCommand& command)
{
    auto constraints = resolveConstraints(command.constraints);
    if (!constraints) {
        printError(constraints.error());
        return kExitFailure;
    }
    if (command.maxFrames > 0 && !constraints->video) {
        printNote("--frames counts video frames, but no video is requested");
        return kExitUsage;
    }
    auto session = Session::open(command.common);
    if (!session) {
        printError(session.error());
        return kExitFailure;
    }
    const auto stream = session->devices().getUserMedia(*constraints).wait();
    if (!stream) {
        session->reportError(stream.error());
        return kExitFailure;
    }
    const auto tracks = stream->getTracks();

    Recorders recorders;
    for (const auto& track : tracks) {
        auto recorder = TrackRecorder::create(track, command.outputPrefix);
        if (!recorder) {
            printError(recorder.error());
            discard(recorders);
            stopTracks(tracks);
            return kExitFailure;
        }
        recorders.push_back(std::move(*recorder));
    }

    const auto clock = session->devices().clock();
    RecordingWindow window;
    window.start = clock->now();
    window.end = window.start + std::chrono::duration_cast<nanoseconds>(
                                        std::chrono::duration<double>(command.durationSeconds));
    for (auto& recorder : recorders) {
        RecordingWindow own = window;
        if (recorder->isVideo() && command.maxFrames > 0)
            own.maxItems = command.maxFrames;
        recorder->start(own);
    }
    const Stop stop = record(recorders, session->devices(), *clock, window);

    int exitCode = reportStop(stop, *session);
    for (auto& recorder : recorders) {
        if (auto finished = recorder->finish(); !finished) {
            printError(finished.error());
            exitCode = kExitFailure;
        }
    }
    stopTracks(tracks);
    for (const auto& recorder : recorders)
        printSummary(*recorder);
    return exitCode;
}

} // namespace usermedia::cli
