// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <usermedia/export.h>
#include <usermedia/result.h>

namespace usermedia {

/**
 * \brief ConstrainULong / ConstrainDouble: a bare value or {exact, ideal, min, max}.
 *
 * A bare value is an `ideal` in the basic set and an `exact` in an advanced set, as the spec
 * says; the JSON parser records it that way, and C++ code states which it means.
 * \see https://w3c.github.io/mediacapture-main/#dom-constraindouble
 */
struct ConstrainNumber
{
    std::optional<double> exact;
    std::optional<double> ideal;
    std::optional<double> min;
    std::optional<double> max;

    static ConstrainNumber exactly(double v)
    {
        ConstrainNumber c;
        c.exact = v;
        return c;
    }
    static ConstrainNumber idealOf(double v)
    {
        ConstrainNumber c;
        c.ideal = v;
        return c;
    }
    static ConstrainNumber atLeast(double v)
    {
        ConstrainNumber c;
        c.min = v;
        return c;
    }
    static ConstrainNumber atMost(double v)
    {
        ConstrainNumber c;
        c.max = v;
        return c;
    }
    static ConstrainNumber between(double lo, double hi)
    {
        ConstrainNumber c;
        c.min = lo;
        c.max = hi;
        return c;
    }

    bool operator==(const ConstrainNumber&) const = default;
};

/** \brief ConstrainBoolean: a bare value or {exact, ideal}. */
struct ConstrainBoolean
{
    std::optional<bool> exact;
    std::optional<bool> ideal;

    static ConstrainBoolean exactly(bool v)
    {
        ConstrainBoolean c;
        c.exact = v;
        return c;
    }
    static ConstrainBoolean idealOf(bool v)
    {
        ConstrainBoolean c;
        c.ideal = v;
        return c;
    }

    bool operator==(const ConstrainBoolean&) const = default;
};

/** \brief ConstrainDOMString: a string, a list of strings, or {exact, ideal} of either. */
struct ConstrainString
{
    std::optional<std::vector<std::string>> exact;
    std::optional<std::vector<std::string>> ideal;

    static ConstrainString exactly(std::vector<std::string> v)
    {
        ConstrainString c;
        c.exact = std::move(v);
        return c;
    }
    static ConstrainString idealOf(std::vector<std::string> v)
    {
        ConstrainString c;
        c.ideal = std::move(v);
        return c;
    }

    bool operator==(const ConstrainString&) const = default;
};

/**
 * \brief MediaTrackConstraintSet: one set of constraints; absent members do not constrain.
 * \see https://w3c.github.io/mediacapture-main/#dom-mediatrackconstraintset
 */
struct MediaTrackConstraintSet
{
    std::optional<ConstrainNumber> width;
    std::optional<ConstrainNumber> height;
    std::optional<ConstrainNumber> aspectRatio;
    std::optional<ConstrainNumber> frameRate;
    std::optional<ConstrainString> facingMode;
    std::optional<ConstrainString> resizeMode;
    std::optional<ConstrainNumber> sampleRate;
    std::optional<ConstrainNumber> sampleSize;
    std::optional<ConstrainBoolean> echoCancellation;
    std::optional<ConstrainBoolean> autoGainControl;
    std::optional<ConstrainBoolean> noiseSuppression;
    std::optional<ConstrainNumber> latency;
    std::optional<ConstrainNumber> channelCount;
    std::optional<ConstrainString> deviceId;
    std::optional<ConstrainString> groupId;

    bool operator==(const MediaTrackConstraintSet&) const = default;
};

/**
 * \brief MediaTrackConstraints: the basic set plus an ordered list of advanced sets.
 * \see https://w3c.github.io/mediacapture-main/#dom-mediatrackconstraints
 */
struct MediaTrackConstraints : MediaTrackConstraintSet
{
    std::vector<MediaTrackConstraintSet> advanced;

    bool operator==(const MediaTrackConstraints&) const = default;
};

/**
 * \brief MediaStreamConstraints: which kinds to capture, and how.
 *
 * An empty optional means `false` (not requested); an engaged one means requested, with the
 * given constraints (`true` is an empty MediaTrackConstraints).
 * \see https://w3c.github.io/mediacapture-main/#dom-mediastreamconstraints
 */
struct MediaStreamConstraints
{
    std::optional<MediaTrackConstraints> video;
    std::optional<MediaTrackConstraints> audio;

    bool operator==(const MediaStreamConstraints&) const = default;
};

/**
 * \brief Parses MediaStreamConstraints from JSON text with the JavaScript shape, e.g.
 * `{"video": {"width": {"min": 640, "ideal": 1280}}, "audio": true}`; also accepts the legacy
 * shape `{"video": {"mandatory": {"minWidth": 640}, "optional": [{"maxFrameRate": 15}]}}`.
 *
 * \return the constraints, or TypeError naming the member (a JSON path such as
 *         `video.width.min`) and, for malformed JSON, the byte offset.
 * Errors: TypeError; OverconstrainedError for an unknown name in a legacy `mandatory` object
 * (the legacy API requires every mandatory constraint; `constraint` names it). Thread: any (pure).
 * Requests for no media are accepted here; getUserMedia() rejects them with TypeError.
 */
UM_EXPORT Result<MediaStreamConstraints> parseMediaStreamConstraints(std::string_view json);

/**
 * \brief Parses one MediaTrackConstraints (the argument of applyConstraints) from JSON.
 * Errors: TypeError. Thread: any (pure).
 */
UM_EXPORT Result<MediaTrackConstraints> parseMediaTrackConstraints(std::string_view json);

/** \brief JSON text for constraints, in the JavaScript shape. Thread: any (pure). */
UM_EXPORT std::string toJson(const MediaTrackConstraints& constraints);

} // namespace usermedia
