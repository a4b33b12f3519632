// SPDX-License-Identifier: MIT
#include "constraints/fitness.h"

#include <algorithm>
#include <cmath>

namespace usermedia::fitness {

namespace {

double toDomain(double value, Domain domain)
{
    return domain == Domain::Integer && std::isfinite(value) ? std::trunc(value) : value;
}

} // namespace

NumberRequirement NumberRequirement::intersect(const NumberRequirement& other) const
{
    NumberRequirement result = *this;
    result.present = present || other.present;
    result.lo = std::max(lo, other.lo);
    result.hi = std::min(hi, other.hi);
    return result;
}

NumberRequirement numberRequirement(const std::optional<ConstrainNumber>& constraint, Domain domain)
{
    NumberRequirement req;
    if (!constraint)
        return req;
    req.present = true;
    bool poisoned = false; // a NaN bound can be satisfied by nothing
    auto raise = [&](const std::optional<double>& bound) {
        if (!bound)
            return;
        const double v = toDomain(*bound, domain);
        if (std::isnan(v)) {
            poisoned = true;
        } else {
            req.lo = std::max(req.lo, v);
        }
    };
    auto lower = [&](const std::optional<double>& bound) {
        if (!bound)
            return;
        const double v = toDomain(*bound, domain);
        if (std::isnan(v)) {
            poisoned = true;
        } else {
            req.hi = std::min(req.hi, v);
        }
    };
    raise(constraint->min);
    raise(constraint->exact);
    lower(constraint->max);
    lower(constraint->exact);
    if (poisoned) {
        req.lo = kInfinity;
        req.hi = -kInfinity;
    }
    if (constraint->ideal && !std::isnan(*constraint->ideal))
        req.ideal = std::clamp(toDomain(*constraint->ideal, domain), -kMaxIdeal, kMaxIdeal);
    return req;
}

double relativeDistance(double a, double b)
{
    const double scale = std::max(std::fabs(a), std::fabs(b));
    if (scale == 0)
        return 0;
    return std::fabs(a - b) / scale;
}

double numberFitness(double actual, const NumberRequirement& requirement)
{
    // Spec, fitness distance for numeric constraints: (actual == ideal) ? 0 : |actual - ideal| /
    // max(...).
    return requirement.ideal ? relativeDistance(actual, *requirement.ideal) : 0.0;
}

double nativeDistance(double nativeMin, double nativeMax, const NumberRequirement& requirement)
{
    if (!requirement.present || requirement.isEmpty())
        return 0.0;
    if (requirement.ideal) {
        const double target = requirement.clamp(*requirement.ideal);
        return relativeDistance(std::clamp(target, nativeMin, nativeMax), target);
    }
    if (requirement.overlaps(nativeMin, nativeMax))
        return 0.0;
    return nativeMax < requirement.lo ? relativeDistance(nativeMax, requirement.lo)
                                      : relativeDistance(nativeMin, requirement.hi);
}

namespace {

bool contains(const std::vector<std::string>& list, std::string_view value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

} // namespace

bool stringSatisfies(const std::optional<ConstrainString>& constraint,
                     std::optional<std::string_view> actual)
{
    // An empty exact list constrains nothing (Chromium reads it that way too).
    if (!constraint || !constraint->exact || constraint->exact->empty())
        return true;
    return actual && contains(*constraint->exact, *actual);
}

double stringFitness(const std::optional<ConstrainString>& constraint,
                     std::optional<std::string_view> actual)
{
    if (!constraint || !constraint->ideal || constraint->ideal->empty())
        return 0.0;
    return actual && contains(*constraint->ideal, *actual) ? 0.0 : 1.0;
}

bool booleanSatisfies(const std::optional<ConstrainBoolean>& constraint, bool actual)
{
    return !constraint || !constraint->exact || *constraint->exact == actual;
}

double booleanFitness(const std::optional<ConstrainBoolean>& constraint, bool actual)
{
    return !constraint || !constraint->ideal || *constraint->ideal == actual ? 0.0 : 1.0;
}

} // namespace usermedia::fitness
