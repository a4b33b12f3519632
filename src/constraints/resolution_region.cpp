// SPDX-License-Identifier: MIT
#include "constraints/resolution_region.h"

#include <algorithm>
#include <cmath>

namespace usermedia {

namespace {

constexpr double kMaxDimension = 1e9;
constexpr double kMinAspectRatio = 1e-9;

double heightOf(ResolutionPoint p)
{
    return p.height;
}
double widthOf(ResolutionPoint p)
{
    return p.width;
}
double aspectOf(ResolutionPoint p)
{
    return p.aspectRatio();
}

double squaredDistance(ResolutionPoint a, ResolutionPoint b)
{
    const double dh = a.height - b.height;
    const double dw = a.width - b.width;
    return dh * dh + dw * dw;
}

bool nearlyEqual(double a, double b)
{
    return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

bool samePoint(ResolutionPoint a, ResolutionPoint b)
{
    return nearlyEqual(a.height, b.height) && nearlyEqual(a.width, b.width);
}

ResolutionPoint closestPointInSegment(ResolutionPoint p, ResolutionPoint a, ResolutionPoint b)
{
    const double dh = b.height - a.height;
    const double dw = b.width - a.width;
    const double lengthSquared = dh * dh + dw * dw;
    if (!(lengthSquared > 0))
        return a;
    double t = ((p.height - a.height) * dh + (p.width - a.width) * dw) / lengthSquared;
    t = std::clamp(t, 0.0, 1.0);
    return {a.height + t * dh, a.width + t * dw};
}

// Chromium's GetClosestPointToVertexOrSide: one vertex, or the nearest point of the side (or
// sides) that the equally close vertices span.
ResolutionPoint closestPointToVertexOrSide(const ResolutionPoint* vertices, std::size_t count,
                                           ResolutionPoint p)
{
    ResolutionPoint best = vertices[0];
    double bestDistance = squaredDistance(best, p);
    for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t j = i + 1; j < count; ++j) {
            const ResolutionPoint candidate = closestPointInSegment(p, vertices[i], vertices[j]);
            const double distance = squaredDistance(candidate, p);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
    }
    return best;
}

double validDimension(double value)
{
    return std::clamp(value, 0.0, kMaxDimension);
}

double validAspectRatio(double value)
{
    return std::clamp(value, kMinAspectRatio, kMaxDimension);
}

} // namespace

ResolutionRegion::ResolutionRegion(double minHeight, double maxHeight, double minWidth,
                                   double maxWidth, double minAspect, double maxAspect)
    : minHeight_(minHeight),
      maxHeight_(maxHeight),
      minWidth_(minWidth),
      maxWidth_(maxWidth),
      minAspect_(minAspect),
      maxAspect_(maxAspect)
{}

ResolutionRegion ResolutionRegion::upTo(double nativeHeight, double nativeWidth)
{
    return {1, nativeHeight, 1, nativeWidth, 0, fitness::kInfinity};
}

ResolutionRegion ResolutionRegion::exactly(double nativeHeight, double nativeWidth)
{
    return {nativeHeight, nativeHeight, nativeWidth, nativeWidth, 0, fitness::kInfinity};
}

ResolutionRegion ResolutionRegion::intersect(const fitness::NumberRequirement& height,
                                             const fitness::NumberRequirement& width,
                                             const fitness::NumberRequirement& aspectRatio) const
{
    return {std::max(minHeight_, height.lo),      std::min(maxHeight_, height.hi),
            std::max(minWidth_, width.lo),        std::min(maxWidth_, width.hi),
            std::max(minAspect_, aspectRatio.lo), std::min(maxAspect_, aspectRatio.hi)};
}

bool ResolutionRegion::isAspectRatioEmpty() const
{
    if (isHeightEmpty() || isWidthEmpty())
        return false;
    // The box holds the ratios [minWidth/maxHeight, maxWidth/minHeight]; heights are >= 1.
    return !(minAspectRatio() <= maxAspectRatio());
}

bool ResolutionRegion::contains(ResolutionPoint p) const
{
    return minHeight_ <= p.height && p.height <= maxHeight_ && minWidth_ <= p.width &&
           p.width <= maxWidth_ && minAspect_ <= p.aspectRatio() && p.aspectRatio() <= maxAspect_;
}

std::size_t ResolutionRegion::vertices(ResolutionPoint* out) const
{
    // An exact aspect ratio makes the region a segment of that ratio's line; clipping a
    // polygon to a line is numerically fragile, so compute its ends directly.
    if (minAspect_ == maxAspect_) {
        const Segment s = atAspectRatio(minAspect_);
        if (s.empty)
            return 0;
        out[0] = s.a;
        if (samePoint(s.a, s.b))
            return 1;
        out[1] = s.b;
        return 2;
    }

    // Sutherland-Hodgman: clip the box by w >= minAspect*h and w <= maxAspect*h.
    ResolutionPoint polygon[kMaxVertices];
    std::size_t count = 4;
    polygon[0] = {minHeight_, minWidth_};
    polygon[1] = {maxHeight_, minWidth_};
    polygon[2] = {maxHeight_, maxWidth_};
    polygon[3] = {minHeight_, maxWidth_};

    auto clip = [&](auto side) {
        ResolutionPoint clipped[kMaxVertices];
        std::size_t clippedCount = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const ResolutionPoint s = polygon[i];
            const ResolutionPoint e = polygon[(i + 1) % count];
            const double fs = side(s);
            const double fe = side(e);
            const bool sInside = fs >= -1e-9 * std::max(1.0, std::fabs(s.width));
            const bool eInside = fe >= -1e-9 * std::max(1.0, std::fabs(e.width));
            auto crossing = [&] {
                const double t = fs / (fs - fe);
                return ResolutionPoint{s.height + t * (e.height - s.height),
                                       s.width + t * (e.width - s.width)};
            };
            if (eInside) {
                if (!sInside && clippedCount < kMaxVertices)
                    clipped[clippedCount++] = crossing();
                if (clippedCount < kMaxVertices)
                    clipped[clippedCount++] = e;
            } else if (sInside && clippedCount < kMaxVertices) {
                clipped[clippedCount++] = crossing();
            }
        }
        std::copy(clipped, clipped + clippedCount, polygon);
        count = clippedCount;
    };
    if (minAspect_ > 0)
        clip([this](ResolutionPoint p) { return p.width - minAspect_ * p.height; });
    if (std::isfinite(maxAspect_))
        clip([this](ResolutionPoint p) { return maxAspect_ * p.height - p.width; });

    // Drop repeated points (a degenerate box repeats its corners).
    std::size_t unique = 0;
    for (std::size_t i = 0; i < count; ++i) {
        bool seen = false;
        for (std::size_t j = 0; j < unique && !seen; ++j)
            seen = samePoint(out[j], polygon[i]);
        if (!seen)
            out[unique++] = polygon[i];
    }
    return unique;
}

ResolutionPoint ResolutionRegion::closestPointTo(ResolutionPoint p) const
{
    if (contains(p))
        return p;
    ResolutionPoint v[kMaxVertices];
    const std::size_t count = vertices(v);
    if (count == 0) {
        return {std::clamp(p.height, minHeight_, maxHeight_),
                std::clamp(p.width, minWidth_, maxWidth_)};
    }
    ResolutionPoint best = v[0];
    double bestDistance = squaredDistance(best, p);
    // Outside a convex polygon, the nearest point lies on its boundary.
    for (std::size_t i = 0; i < count && count > 1; ++i) {
        const ResolutionPoint candidate = closestPointInSegment(p, v[i], v[(i + 1) % count]);
        const double distance = squaredDistance(candidate, p);
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

ResolutionRegion::Segment ResolutionRegion::atHeight(double height) const
{
    Segment s;
    if (!(minHeight_ <= height && height <= maxHeight_))
        return s;
    const double lo = std::max(minWidth_, minAspect_ * height);
    const double hi = std::min(maxWidth_, maxAspect_ * height);
    if (lo <= hi)
        s = {{height, lo}, {height, hi}, false};
    return s;
}

ResolutionRegion::Segment ResolutionRegion::atWidth(double width) const
{
    Segment s;
    if (!(minWidth_ <= width && width <= maxWidth_))
        return s;
    const double lo = std::max(minHeight_, width / maxAspect_);
    const double hi = minAspect_ > 0 ? std::min(maxHeight_, width / minAspect_) : maxHeight_;
    if (lo <= hi)
        s = {{lo, width}, {hi, width}, false};
    return s;
}

ResolutionRegion::Segment ResolutionRegion::atAspectRatio(double ratio) const
{
    Segment s;
    if (!(minAspect_ <= ratio && ratio <= maxAspect_) || !(ratio > 0))
        return s;
    const double lo = std::max(minHeight_, minWidth_ / ratio);
    const double hi = std::min(maxHeight_, maxWidth_ / ratio);
    if (lo <= hi)
        s = {{lo, lo * ratio}, {hi, hi * ratio}, false};
    return s;
}

std::size_t ResolutionRegion::closestVertices(double (*key)(ResolutionPoint), double value,
                                              ResolutionPoint* out) const
{
    ResolutionPoint v[kMaxVertices];
    const std::size_t count = vertices(v);
    double best = fitness::kInfinity;
    std::size_t found = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const double diff = std::fabs(key(v[i]) - value);
        if (found > 0 && nearlyEqual(diff, best)) {
            out[found++] = v[i];
        } else if (diff < best) {
            best = diff;
            out[0] = v[i];
            found = 1;
        }
    }
    return found;
}

ResolutionPoint ResolutionRegion::closestPointToIdealAspectRatio(double ratio, double defaultHeight,
                                                                 double defaultWidth) const
{
    const ResolutionPoint defaultPoint{defaultHeight, defaultWidth};
    if (const Segment line = atAspectRatio(ratio); !line.empty) {
        // On the ideal ratio's line: between keeping the default height and keeping the
        // default width, nearest the default size.
        const ResolutionPoint target =
                closestPointInSegment(defaultPoint, {defaultHeight, defaultHeight * ratio},
                                      {defaultWidth / ratio, defaultWidth});
        return closestPointInSegment(target, line.a, line.b);
    }
    ResolutionPoint closest[kMaxVertices];
    const std::size_t count = closestVertices(aspectOf, ratio, closest);
    if (count == 0)
        return closestPointTo(defaultPoint);
    const double actual = closest[0].aspectRatio();
    const ResolutionPoint target =
            closestPointInSegment(defaultPoint, {defaultHeight, defaultHeight * actual},
                                  {defaultWidth / actual, defaultWidth});
    return closestPointToVertexOrSide(closest, count, target);
}

ResolutionPoint ResolutionRegion::closestPointToIdeal(const ResolutionIdeals& ideals,
                                                      double defaultHeight,
                                                      double defaultWidth) const
{
    const double defaultAspect = defaultWidth / defaultHeight;
    const int idealCount = int(ideals.height.has_value()) + int(ideals.width.has_value()) +
                           int(ideals.aspectRatio.has_value());
    if (idealCount == 0)
        return closestPointToIdealAspectRatio(defaultAspect, defaultHeight, defaultWidth);

    if (idealCount == 1) {
        ResolutionPoint closest[kMaxVertices];
        if (ideals.height) {
            const double height = validDimension(*ideals.height);
            if (const Segment line = atHeight(height); !line.empty)
                return closestPointInSegment({height, height * defaultAspect}, line.a, line.b);
            const std::size_t count = closestVertices(heightOf, height, closest);
            if (count == 0)
                return closestPointTo({height, height * defaultAspect});
            return closestPointToVertexOrSide(
                    closest, count, {closest[0].height, closest[0].height * defaultAspect});
        }
        if (ideals.width) {
            const double width = validDimension(*ideals.width);
            if (const Segment line = atWidth(width); !line.empty)
                return closestPointInSegment({width / defaultAspect, width}, line.a, line.b);
            const std::size_t count = closestVertices(widthOf, width, closest);
            if (count == 0)
                return closestPointTo({width / defaultAspect, width});
            return closestPointToVertexOrSide(closest, count,
                                              {closest[0].width / defaultAspect, closest[0].width});
        }
        return closestPointToIdealAspectRatio(validAspectRatio(*ideals.aspectRatio), defaultHeight,
                                              defaultWidth);
    }

    double height = 0;
    double width = 0;
    if (ideals.height) {
        height = validDimension(*ideals.height);
        width = ideals.width ? validDimension(*ideals.width)
                             : height * validAspectRatio(*ideals.aspectRatio);
    } else {
        width = validDimension(*ideals.width);
        height = width / validAspectRatio(*ideals.aspectRatio);
    }
    return closestPointTo({height, width});
}

} // namespace usermedia
