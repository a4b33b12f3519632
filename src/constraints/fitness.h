// SPDX-License-Identifier: MIT
// The building blocks of the spec's fitness distance, shared by video and audio selection.
// https://w3c.github.io/mediacapture-main/#dfn-fitness-distance
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string_view>

#include <usermedia/constraints.h>

namespace usermedia::fitness {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Ideals beyond this magnitude are clamped, so that relative distances stay comparable
/// (an ideal width of 1e300 still prefers 3840 over 640).
inline constexpr double kMaxIdeal = 1e9;

/// Whether a constraint holds integers (ConstrainULong) or doubles (ConstrainDouble).
enum class Domain
{
    Integer,
    Real
};

/**
 * A numeric constraint reduced to what selection needs: the closed range its required
 * members (exact, min, max) allow, and its ideal. An absent constraint allows everything.
 * NaN in a required member makes the range empty; NaN in the ideal drops the ideal. For
 * ConstrainULong members, values are truncated as WebIDL's `unsigned long` conversion does.
 */
struct NumberRequirement
{
    bool present = false;
    double lo = -kInfinity;
    double hi = kInfinity;
    std::optional<double> ideal;

    bool isEmpty() const { return !(lo <= hi); }
    bool allows(double value) const { return lo <= value && value <= hi; }
    /// Whether [lo, hi] overlaps [a, b].
    bool overlaps(double a, double b) const { return std::max(lo, a) <= std::min(hi, b); }
    /// \p value moved into the range (the range must not be empty).
    double clamp(double value) const { return value < lo ? lo : (value > hi ? hi : value); }
    /// The intersection with another requirement; the ideal stays this one's.
    NumberRequirement intersect(const NumberRequirement& other) const;
};

NumberRequirement numberRequirement(const std::optional<ConstrainNumber>& constraint,
                                    Domain domain);

/** |a - b| / max(|a|, |b|), 0 when both are 0: the spec's relative distance. */
double relativeDistance(double a, double b);

/**
 * Fitness distance of \p actual for the ideal of \p requirement (the spec's step for numeric
 * constraints); 0 without an ideal. Required members are checked separately.
 */
double numberFitness(double actual, const NumberRequirement& requirement);

/**
 * How far a native capability (a value, or a range \p nativeMin..\p nativeMax such as a
 * camera's frame-rate range) is from what \p requirement asks: the relative distance to the
 * ideal moved into the allowed range or, without an ideal, to the nearest allowed value.
 * Used to prefer native modes that need the least cropping, scaling or decimation.
 */
double nativeDistance(double nativeMin, double nativeMax, const NumberRequirement& requirement);

/** Whether \p actual satisfies the required (exact) part of a string constraint. */
bool stringSatisfies(const std::optional<ConstrainString>& constraint,
                     std::optional<std::string_view> actual);

/** Spec: for string constraints, 0 if \p actual is one of the ideals, else 1; 0 without. */
double stringFitness(const std::optional<ConstrainString>& constraint,
                     std::optional<std::string_view> actual);

/** Whether \p actual satisfies the exact part of a boolean constraint. */
bool booleanSatisfies(const std::optional<ConstrainBoolean>& constraint, bool actual);

/** Spec: 0 if \p actual equals the ideal (or there is none), else 1. */
double booleanFitness(const std::optional<ConstrainBoolean>& constraint, bool actual);

/**
 * -1, 0 or 1 as \p x is below, equal to or above \p y, where values within a small relative
 * tolerance are equal, so that sums that differ only by rounding tie (and later criteria
 * decide). Thread: any (pure).
 */
inline int compareDistances(double x, double y)
{
    if (x == y)
        return 0;
    const double tolerance = 1e-12 * std::max(1.0, std::min(std::fabs(x), std::fabs(y)));
    if (x < y - tolerance)
        return -1;
    if (y < x - tolerance)
        return 1;
    return 0;
}

/** Lexicographic comparison of distance vectors by compareDistances(). */
inline bool lexicographicallyLess(const double* a, const double* b, std::size_t size)
{
    for (std::size_t i = 0; i < size; ++i) {
        if (const int order = compareDistances(a[i], b[i]))
            return order < 0;
    }
    return false;
}

} // namespace usermedia::fitness
