// SPDX-License-Identifier: MIT
// SelectSettings that explains itself: the same selection code as selectVideoSettings() and
// selectAudioSettings(), run with a recorder that reports every candidate (see
// usermedia/explain.h for the shape), plus the text helpers both kinds share.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <usermedia/constraints.h>
#include <usermedia/explain.h>
#include <usermedia/result.h>

#include "constraints/fitness.h"
#include "constraints/select_settings.h"

namespace usermedia {

/**
 * selectVideoSettings() / selectAudioSettings() that also fill \p explanation (replacing its
 * contents) with every candidate considered. The selection is the same one: the selectors run
 * one code path and only skip their pruning shortcuts when explaining, so they are slower
 * (every candidate's settings are computed) and allocate. With a null \p explanation they are
 * exactly the fast functions of select_settings.h.
 * Errors: as selectVideoSettings() / selectAudioSettings(). Thread: any (pure).
 */
Result<VideoSelection> selectVideoSettings(const MediaTrackConstraints& constraints,
                                           std::span<const VideoSourceCandidate> candidates,
                                           SelectionExplanation* explanation);
Result<AudioSelection> selectAudioSettings(const MediaTrackConstraints& constraints,
                                           std::span<const AudioSourceCandidate> candidates,
                                           SelectionExplanation* explanation);

/** The explanation alone. Thread: any (pure). */
SelectionExplanation explainVideoSelection(const MediaTrackConstraints& constraints,
                                           std::span<const VideoSourceCandidate> candidates);
SelectionExplanation explainAudioSelection(const MediaTrackConstraints& constraints,
                                           std::span<const AudioSourceCandidate> candidates);

namespace explain {

/**
 * Collects the candidates of one selection run and orders them at the end. The selectors call
 * it only when an explanation was asked for. Thread: one thread.
 */
class Recorder
{
public:
    explicit Recorder(MediaDeviceKind kind) { out_.kind = kind; }

    /** A candidate a required constraint rules out (report.excluded is set). */
    void addExcluded(CandidateReport report);
    /** An eligible candidate with its ranking key (compared lexicographically, smaller wins). */
    void addEligible(CandidateReport report, std::span<const double> key);
    /** The last candidate added is the best so far (the selector accepted it). */
    void chooseLast() { chosen_ = out_.candidates.size() - 1; }
    std::size_t size() const { return out_.candidates.size(); }
    /** On failure: the nearest alternative in words, kept for the explanation. */
    void setNearest(std::string text) { nearest_ = std::move(text); }
    const std::string& nearest() const { return nearest_; }

    /**
     * The explanation: the chosen candidate first, the other eligible ones by key, then the
     * excluded ones by shortfall; ranks assigned.
     */
    SelectionExplanation finish(std::vector<std::string> alternatives, std::string summary);

private:
    SelectionExplanation out_;
    std::vector<std::vector<double>> keys_; // parallel to out_.candidates; empty when excluded
    std::optional<std::size_t> chosen_;
    std::string nearest_;
};

/** A number for people: "3840", "29.97", "1.77778" (%.6g). */
std::string number(double value);

/** "width >= 4000", "width <= 100", "width 640", "width 320..640", or an empty range. */
std::string requirementText(std::string_view name, const fitness::NumberRequirement& requirement);

/**
 * How far \p reachMin..\p reachMax is from the required range of \p requirement: 0 when they
 * overlap, 1 when the range is empty, else the relative distance between the nearest ends.
 */
double shortfall(const fitness::NumberRequirement& requirement, double reachMin, double reachMax);

/**
 * Why the values \p reachMin..\p reachMax (what a candidate can deliver) miss the required range
 * of \p requirement: e.g. {"width", "width >= 4000", "this mode reaches at most 3840", 0.04}.
 * \p unit follows numbers in the offered text (" fps", " Hz"; may be empty).
 */
CandidateExclusion numberExclusion(std::string_view name,
                                   const fitness::NumberRequirement& requirement, double reachMin,
                                   double reachMax, std::string_view unit);

/** Why \p actual (a device's id, group or facing mode) misses a required string constraint. */
CandidateExclusion stringExclusion(std::string_view name, const ConstrainString& constraint,
                                   std::optional<std::string_view> actual,
                                   std::string_view subject);

/** ["a", "b"] for messages. */
std::string quotedList(const std::vector<std::string>& values);

NativeModeInfo modeInfo(const NativeVideoMode& mode);
NativeModeInfo modeInfo(const NativeAudioMode& mode);
/** "3840x2160 i420 @ 20 fps" (a range as "15-30 fps"), or "48000 Hz, 2 channels, 16 bit". */
std::string modeText(const NativeModeInfo& mode);
std::string modeText(const NativeVideoMode& mode);
std::string modeText(const NativeAudioMode& mode);
/** What a track would get, short: "1280x720 @ 30 fps, crop-and-scale" or "48000 Hz, 1 channel". */
std::string settingsText(const MediaTrackSettings& settings);

/**
 * The summary of a successful selection, from its finished explanation: "chose <deviceId>:
 * native 640x480 i420 @ 30 fps -> 640x480 @ 30 fps, crop-and-scale (fitness distance 0); 12
 * candidates, 2 excluded".
 */
std::string chosenSummary(const SelectionExplanation& explanation);

/** The basic set with one required constraint turned into an ideal, and how it was changed. */
struct Relaxation
{
    std::string constraint;  ///< the member relaxed, e.g. "width"
    std::string description; ///< e.g. "width >= 4000 relaxed to ideal 4000"
    MediaTrackConstraints constraints;
};

/**
 * Every way to relax one required member of the basic set (exact/min/max become an ideal),
 * for the members \p names, in that order. Members without required parts are left out.
 */
std::vector<Relaxation> relaxations(const MediaTrackConstraints& constraints,
                                    std::span<const std::string_view> names);

} // namespace explain

} // namespace usermedia
