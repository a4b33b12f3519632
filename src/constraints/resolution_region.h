// SPDX-License-Identifier: MIT
// The set of output sizes a camera mode can deliver under some constraints, as a convex region
// of the (height, width) plane: a box of heights and widths cut by a range of aspect ratios.
// Selection works on this continuous region and rounds at the end, which is how Chromium
// chooses crop-and-scale sizes (its ResolutionSet); the spec leaves that choice open.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>

#include "constraints/fitness.h"

namespace usermedia {

/** A point of the region: a (possibly fractional) output size. */
struct ResolutionPoint
{
    double height = 0;
    double width = 0;

    double aspectRatio() const { return width / height; }
};

/** Ideal values of the basic constraint set that steer the choice of the output size. */
struct ResolutionIdeals
{
    std::optional<double> height;
    std::optional<double> width;
    std::optional<double> aspectRatio;
};

class ResolutionRegion
{
public:
    /** All sizes from 1x1 up to \p nativeWidth x \p nativeHeight (crop-and-scale). */
    static ResolutionRegion upTo(double nativeHeight, double nativeWidth);
    /** Only the native size (resizeMode "none"). */
    static ResolutionRegion exactly(double nativeHeight, double nativeWidth);

    /** The part of the region that also satisfies the given required ranges. */
    ResolutionRegion intersect(const fitness::NumberRequirement& height,
                               const fitness::NumberRequirement& width,
                               const fitness::NumberRequirement& aspectRatio) const;

    bool isHeightEmpty() const { return !(minHeight_ <= maxHeight_); }
    bool isWidthEmpty() const { return !(minWidth_ <= maxWidth_); }
    /** Whether no size of the box has an allowed aspect ratio (the box itself not empty). */
    bool isAspectRatioEmpty() const;
    bool isEmpty() const { return isHeightEmpty() || isWidthEmpty() || isAspectRatioEmpty(); }

    double minHeight() const { return minHeight_; }
    double maxHeight() const { return maxHeight_; }
    double minWidth() const { return minWidth_; }
    double maxWidth() const { return maxWidth_; }
    /** The aspect ratios the region's sizes can have (for a non-empty region). */
    double minAspectRatio() const { return std::max(minWidth_ / maxHeight_, minAspect_); }
    double maxAspectRatio() const { return std::min(maxWidth_ / minHeight_, maxAspect_); }

    /**
     * The size to deliver: the point closest to the ideals; without ideals, the one that keeps
     * the native (\p defaultHeight x \p defaultWidth) aspect ratio and size as well as the
     * region allows. Follows Chromium's ResolutionSet::SelectClosestPointToIdeal:
     * - no ideal: closest point to the default size along its aspect ratio;
     * - one ideal dimension: on that line, keeping the default aspect ratio;
     * - an ideal aspect ratio alone: on that ratio's line, nearest the default size;
     * - two or three ideals: the point nearest the ideal (height, width).
     * The region must not be empty. Thread: any (pure).
     */
    ResolutionPoint closestPointToIdeal(const ResolutionIdeals& ideals, double defaultHeight,
                                        double defaultWidth) const;

private:
    static constexpr std::size_t kMaxVertices = 8;

    struct Segment
    {
        ResolutionPoint a;
        ResolutionPoint b;
        bool empty = true;
    };

    ResolutionRegion(double minHeight, double maxHeight, double minWidth, double maxWidth,
                     double minAspect, double maxAspect);

    std::size_t vertices(ResolutionPoint* out) const;
    bool contains(ResolutionPoint p) const;
    ResolutionPoint closestPointTo(ResolutionPoint p) const;
    Segment atHeight(double height) const;
    Segment atWidth(double width) const;
    Segment atAspectRatio(double ratio) const;
    /** The vertices whose key (height, width or aspect ratio) is closest to \p value. */
    std::size_t closestVertices(double (*key)(ResolutionPoint), double value,
                                ResolutionPoint* out) const;
    ResolutionPoint closestPointToIdealAspectRatio(double ratio, double defaultHeight,
                                                   double defaultWidth) const;

    double minHeight_;
    double maxHeight_;
    double minWidth_;
    double maxWidth_;
    double minAspect_;
    double maxAspect_;
};

} // namespace usermedia
