// SPDX-License-Identifier: MIT
// What a fake device is: its description (as any backend reports it), its audio tone and the
// faults to inject. Parsed from the JSON description format documented in README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <usermedia/result.h>

#include "backends/backend.h"

namespace usermedia::fake {

/** How open() fails, if it does. */
enum class OpenFault
{
    None,
    Busy,    ///< NotReadableError, osError EBUSY
    Denied,  ///< NotReadableError, osError EACCES
    Missing, ///< NotFoundError
};

/** No frames for forFrames frame periods once afterFrames frames were produced. */
struct StallFault
{
    std::uint64_t afterFrames = 0;
    std::uint64_t forFrames = 0;

    bool operator==(const StallFault&) const = default;
};

/** Faults counted in frames: video frames, or 10 ms chunks for audio. */
struct FakeFaults
{
    OpenFault open = OpenFault::None;
    /// After this many delivered frames the device disappears (onCaptureError, hotplug).
    std::optional<std::uint64_t> unplugAfterFrames;
    std::optional<StallFault> stall;

    bool operator==(const FakeFaults&) const = default;
};

/** The audio signal: a tone, and a louder beep in the first 100 ms of each clock second. */
struct ToneSettings
{
    double frequency = 440;
    double beepFrequency = 1000;

    bool operator==(const ToneSettings&) const = default;
};

struct FakeDeviceSpec
{
    DeviceDescription description;
    FakeFaults faults;
    ToneSettings tone;
};

/**
 * \brief Parses `{"devices": [...]}` (or a bare array) into device specs.
 * \param sourceName names the text in error messages (a file path, or "inline JSON").
 * \return the devices in order. Errors: TypeError naming \p sourceName and the offending member
 *   path (e.g. `devices[1].modes[0].width`), or for malformed JSON the byte offset and line.
 * Thread: any.
 */
Result<std::vector<FakeDeviceSpec>> parseFakeDevices(std::string_view jsonText,
                                                     std::string_view sourceName);

/** \brief The built-in "default" set: one webcam and one microphone. Thread: any. */
std::vector<FakeDeviceSpec> defaultFakeDevices();

} // namespace usermedia::fake
