// SPDX-License-Identifier: MIT
// The live status line `usermedia capture` shows on a terminal while it records.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace usermedia::cli {

struct CaptureStatus
{
    /// The labels of the devices being recorded from (MediaDevices::devicesInUse()).
    std::vector<std::string> devices;
    /// Draw the marker in red (ANSI): only on a terminal.
    bool color = false;
    std::chrono::nanoseconds elapsed{0};
    std::optional<std::uint64_t> videoFrames; ///< empty without a video track
    std::optional<double> videoFps;
    std::uint64_t dropped = 0;
    bool hasAudio = false;
    std::optional<double> audioDbfs; ///< the latest level; empty before the first chunk
};

/**
 * \brief "● recording Fake Camera, Fake Microphone": the in-use marker, with "● recording" in
 * red when \p color is set. Thread: any (pure).
 */
std::string recordingMarker(const std::vector<std::string>& devices, bool color);

/**
 * \brief "● recording Fake Camera  00:03  frames 91  29.9 fps  dropped 0  audio -12 dBFS
 * ▮▮▮▮▮▯▯▯", the marker as recordingMarker() draws it. Thread: any (pure).
 */
std::string formatStatus(const CaptureStatus& status);

/** \brief "-12 dBFS", or "-inf dBFS" for silence. Thread: any (pure). */
std::string formatDbfs(double dbfs);

/** \brief An 8-cell meter from -60 dBFS (empty) to 0 dBFS (full). Thread: any (pure). */
std::string levelMeter(double dbfs);

} // namespace usermedia::cli
