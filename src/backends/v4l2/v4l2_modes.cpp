// SPDX-License-Identifier: MIT
#include "backends/v4l2/v4l2_modes.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>

#include <linux/videodev2.h>

namespace usermedia::v4l2 {
namespace {

// The sizes offered from a range, as Chromium and the browsers' users expect: the common camera
// sizes, 4:3 and 16:9, from QQVGA to 4K.
constexpr std::array<std::pair<int, int>, 22> kStandardSizes = {{
        {160, 120},   {176, 144},   {320, 180},   {320, 240},   {352, 288},   {424, 240},
        {640, 360},   {640, 480},   {800, 448},   {800, 600},   {848, 480},   {960, 540},
        {1024, 576},  {1024, 768},  {1280, 720},  {1280, 960},  {1280, 1024}, {1600, 900},
        {1600, 1200}, {1920, 1080}, {2560, 1440}, {3840, 2160},
}};

// Guards against drivers that enumerate without end.
constexpr std::uint32_t kMaxEntries = 512;

bool fits(int value, int min, int max, int step)
{
    return value >= min && value <= max && (step <= 1 || (value - min) % step == 0);
}

double rateOf(const v4l2_fract& interval)
{
    if (interval.numerator == 0 || interval.denominator == 0)
        return 0;
    return static_cast<double>(interval.denominator) / interval.numerator;
}

// Rates rounded to 1/1000 fps: 1001/30000 reads 29.97, not 29.97002997.
double rounded(double rate)
{
    return std::round(rate * 1000) / 1000;
}

// The frame rates of one format and size: one mode per discrete interval, or one ranged mode.
std::vector<std::pair<double, double>> rates(Sys& sys, int fd, std::uint32_t fourcc, int width,
                                             int height, std::uint32_t bufferType)
{
    std::vector<std::pair<double, double>> result;
    for (std::uint32_t index = 0; index < kMaxEntries; ++index) {
        v4l2_frmivalenum interval{};
        interval.index = index;
        interval.pixel_format = fourcc;
        interval.width = static_cast<std::uint32_t>(width);
        interval.height = static_cast<std::uint32_t>(height);
        if (sys.ioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &interval) < 0)
            break;
        if (interval.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
            const double rate = rounded(rateOf(interval.discrete));
            if (rate > 0)
                result.emplace_back(rate, rate);
            continue;
        }
        // Stepwise or continuous: the longest interval is the lowest rate.
        const double low = rounded(rateOf(interval.stepwise.max));
        const double high = rounded(rateOf(interval.stepwise.min));
        if (high > 0)
            result.emplace_back(std::min(low, high), high);
        break;
    }
    if (result.empty()) {
        // No interval enumeration: the current rate, else the common default.
        v4l2_streamparm parm{};
        parm.type = bufferType;
        double rate = 30;
        if (sys.ioctl(fd, VIDIOC_G_PARM, &parm) == 0 &&
            (parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME) != 0 &&
            rateOf(parm.parm.capture.timeperframe) > 0)
            rate = rounded(rateOf(parm.parm.capture.timeperframe));
        result.emplace_back(rate, rate);
    }
    std::sort(result.begin(), result.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
}

std::vector<std::pair<int, int>> frameSizes(Sys& sys, int fd, std::uint32_t fourcc,
                                            std::uint32_t bufferType)
{
    std::vector<std::pair<int, int>> sizes;
    for (std::uint32_t index = 0; index < kMaxEntries; ++index) {
        v4l2_frmsizeenum size{};
        size.index = index;
        size.pixel_format = fourcc;
        if (sys.ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &size) < 0)
            break;
        if (size.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            sizes.emplace_back(size.discrete.width, size.discrete.height);
            continue;
        }
        const auto& s = size.stepwise;
        const bool continuous = size.type == V4L2_FRMSIZE_TYPE_CONTINUOUS;
        return sizesWithin({static_cast<int>(s.min_width), static_cast<int>(s.max_width),
                            continuous ? 1 : static_cast<int>(s.step_width),
                            static_cast<int>(s.min_height), static_cast<int>(s.max_height),
                            continuous ? 1 : static_cast<int>(s.step_height)});
    }
    if (!sizes.empty())
        return sizes;
    // No size enumeration: keep the standard sizes the driver accepts unchanged.
    for (const auto& [width, height] : kStandardSizes) {
        v4l2_format format{};
        format.type = bufferType;
        if (bufferType == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
            format.fmt.pix_mp.width = static_cast<std::uint32_t>(width);
            format.fmt.pix_mp.height = static_cast<std::uint32_t>(height);
            format.fmt.pix_mp.pixelformat = fourcc;
        } else {
            format.fmt.pix.width = static_cast<std::uint32_t>(width);
            format.fmt.pix.height = static_cast<std::uint32_t>(height);
            format.fmt.pix.pixelformat = fourcc;
        }
        if (sys.ioctl(fd, VIDIOC_TRY_FMT, &format) < 0)
            continue;
        const bool mplane = bufferType == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
        const auto w = mplane ? format.fmt.pix_mp.width : format.fmt.pix.width;
        const auto h = mplane ? format.fmt.pix_mp.height : format.fmt.pix.height;
        if (static_cast<int>(w) == width && static_cast<int>(h) == height)
            sizes.emplace_back(width, height);
    }
    return sizes;
}

} // namespace

std::optional<NativePixelFormat> nativeFormat(std::uint32_t fourcc)
{
    switch (fourcc) {
    case V4L2_PIX_FMT_YUV420:
        return NativePixelFormat::I420;
    case V4L2_PIX_FMT_YVU420:
        return NativePixelFormat::YV12;
    case V4L2_PIX_FMT_NV12:
        return NativePixelFormat::NV12;
    case V4L2_PIX_FMT_YUYV:
        return NativePixelFormat::YUYV;
    case V4L2_PIX_FMT_UYVY:
        return NativePixelFormat::UYVY;
    case V4L2_PIX_FMT_MJPEG:
    case V4L2_PIX_FMT_JPEG:
        return NativePixelFormat::MJPEG;
    case V4L2_PIX_FMT_RGB24:
        return NativePixelFormat::RGB24;
    case V4L2_PIX_FMT_BGR24:
        return NativePixelFormat::BGR24;
    case V4L2_PIX_FMT_ABGR32: // bytes B, G, R, A
    case V4L2_PIX_FMT_XBGR32:
        return NativePixelFormat::BGRA;
    case V4L2_PIX_FMT_Y16:
        return NativePixelFormat::Y16;
    default:
        return std::nullopt;
    }
}

std::string fourccName(std::uint32_t fourcc)
{
    std::string name;
    for (int shift = 0; shift < 32; shift += 8) {
        const char c = static_cast<char>((fourcc >> shift) & 0xff);
        name += (c >= 32 && c < 127) ? c : '?';
    }
    while (!name.empty() && name.back() == ' ')
        name.pop_back();
    return name;
}

std::vector<std::pair<int, int>> sizesWithin(const SizeRange& range)
{
    std::vector<std::pair<int, int>> sizes;
    auto add = [&](int width, int height) {
        if (fits(width, range.minWidth, range.maxWidth, range.stepWidth) &&
            fits(height, range.minHeight, range.maxHeight, range.stepHeight) &&
            std::find(sizes.begin(), sizes.end(), std::pair{width, height}) == sizes.end())
            sizes.emplace_back(width, height);
    };
    add(range.minWidth, range.minHeight);
    for (const auto& [width, height] : kStandardSizes)
        add(width, height);
    add(range.maxWidth, range.maxHeight);
    std::sort(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) {
        return static_cast<long long>(a.first) * a.second <
                       static_cast<long long>(b.first) * b.second ||
               (static_cast<long long>(a.first) * a.second ==
                        static_cast<long long>(b.first) * b.second &&
                a.first < b.first);
    });
    return sizes;
}

std::optional<std::uint32_t> NodeModes::fourccOf(NativePixelFormat format) const
{
    for (const auto& [native, fourcc] : fourccs) {
        if (native == format)
            return fourcc;
    }
    return std::nullopt;
}

NodeModes enumerateModes(Sys& sys, int fd, std::uint32_t bufferType)
{
    NodeModes result;
    for (std::uint32_t index = 0; index < kMaxEntries; ++index) {
        v4l2_fmtdesc description{};
        description.index = index;
        description.type = bufferType;
        if (sys.ioctl(fd, VIDIOC_ENUM_FMT, &description) < 0)
            break;
        const auto native = nativeFormat(description.pixelformat);
        if (!native || result.fourccOf(*native)) // e.g. both MJPG and JPEG: the first wins
            continue;
        result.fourccs.emplace_back(*native, description.pixelformat);
        for (const auto& [width, height] :
             frameSizes(sys, fd, description.pixelformat, bufferType)) {
            for (const auto& [low, high] :
                 rates(sys, fd, description.pixelformat, width, height, bufferType))
                result.modes.push_back({*native, width, height, low, high});
        }
    }
    return result;
}

} // namespace usermedia::v4l2
