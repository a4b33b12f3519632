// SPDX-License-Identifier: MIT
// Why a request resolved as it did: every candidate SelectSettings considered, and what to
// change when nothing fits. Filled by MediaDevices::explain(); not in the spec.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <usermedia/media_device_info.h>
#include <usermedia/settings.h>

namespace usermedia {

/**
 * \brief One native mode of a device, as a backend reports it. Video modes fill format, size and
 * frame-rate range; audio modes fill sampleRate, channelCount, sampleSize and latency.
 */
struct NativeModeInfo
{
    std::string format; ///< "i420", "nv12", "yuyv", "mjpeg", ...; empty for audio
    int width = 0;
    int height = 0;
    double minFrameRate = 0; ///< equal to maxFrameRate for a discrete rate
    double maxFrameRate = 0;
    int sampleRate = 0;
    int channelCount = 0;
    int sampleSize = 0; ///< bits
    double latency = 0; ///< seconds

    bool operator==(const NativeModeInfo&) const = default;
};

/** \brief Why a candidate cannot be used: the first required constraint it fails, and by how much.
 */
struct CandidateExclusion
{
    /// The constraint's name ("width", "deviceId", ...); empty when the native mode itself is
    /// unusable (zero size, no frame rate).
    std::string constraint;
    /// What the constraint requires, e.g. "width >= 4000", "deviceId one of [\"a\"]".
    std::string required;
    /// What this candidate can offer instead, e.g. "this mode reaches at most 3840".
    std::string offered;
    /// How far the candidate is from the requirement, relative: |offered - required| /
    /// max(|offered|, |required|) for numbers (0.04 for 3840 against >= 4000), 1 for strings.
    double shortfall = 1;

    /** \brief "width: needs width >= 4000, this mode reaches at most 3840". */
    std::string message() const
    {
        return (constraint.empty() ? std::string("mode") : constraint) + ": needs " + required +
               ", " + offered;
    }

    bool operator==(const CandidateExclusion&) const = default;
};

/**
 * \brief One candidate of SelectSettings: a device with one native mode (and, for cameras, one
 * resize mode), and either the settings it would give or why it is excluded.
 */
struct CandidateReport
{
    std::string deviceId;
    std::size_t deviceIndex = 0; ///< position among the devices of this kind (enumeration order)
    NativeModeInfo mode;
    std::string resizeMode; ///< cameras: "none" or "crop-and-scale"; empty for microphones
    /// Set when a required constraint of the basic set rules the candidate out; then settings,
    /// fitnessDistance and rank are not meaningful.
    std::optional<CandidateExclusion> excluded;
    /// What a track would get from this candidate (eligible candidates only).
    MediaTrackSettings settings;
    /// The spec's fitness distance of settings for the basic set (0 = every ideal met).
    double fitnessDistance = 0;
    /// Per advanced set, in order: whether this candidate satisfies it (advanced sets that
    /// conflict with earlier kept ones count as not satisfied, as SelectSettings applies them).
    std::vector<bool> advancedSatisfied;
    /// 1 for the chosen candidate, 2 for the runner-up, ...; 0 when excluded.
    std::size_t rank = 0;
    bool chosen = false;
};

/**
 * \brief The whole of one kind's selection (video or audio).
 *
 * candidates holds every candidate: the chosen one first, then the other eligible ones in rank
 * order, then the excluded ones, nearest (smallest shortfall) first.
 */
struct SelectionExplanation
{
    MediaDeviceKind kind = MediaDeviceKind::VideoInput;
    std::vector<CandidateReport> candidates;
    /// When nothing fits: the nearest satisfiable alternatives, e.g. "no camera mode reaches
    /// width >= 4000; the widest is 3840x2160 (i420, 20 fps) on fake_device_0_id", and requests
    /// that would succeed with one required constraint relaxed to an ideal.
    std::vector<std::string> alternatives;
    /// One line: what was chosen and why, or why nothing could be.
    std::string summary;
};

} // namespace usermedia
