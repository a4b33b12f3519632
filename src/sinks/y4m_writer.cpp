// SPDX-License-Identifier: MIT
#include "sinks/y4m_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include <libyuv/convert.h>
#include <libyuv/scale.h>

#include "sinks/sink_error.h"

namespace usermedia {
namespace {

constexpr std::string_view kFrameTag = "FRAME\n";
constexpr double kMaxFrameRate = 1e6;

/** Where the planes of a tightly packed I420 picture lie in one buffer. */
struct I420Layout
{
    int width = 0;
    int height = 0;
    std::uint8_t* y = nullptr;
    std::uint8_t* u = nullptr;
    std::uint8_t* v = nullptr;

    int chromaWidth() const { return (width + 1) / 2; }
};

int chromaSize(int extent)
{
    return (extent + 1) / 2;
}

std::size_t i420Size(int width, int height)
{
    const auto luma = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const auto chroma = static_cast<std::size_t>(chromaSize(width)) *
                        static_cast<std::size_t>(chromaSize(height));
    return luma + 2 * chroma;
}

I420Layout i420Layout(std::uint8_t* base, int width, int height)
{
    I420Layout layout{width, height};
    layout.y = base;
    layout.u = layout.y + static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    layout.v = layout.u + static_cast<std::size_t>(chromaSize(width)) *
                                  static_cast<std::size_t>(chromaSize(height));
    return layout;
}

Error badFrame(const std::string& why)
{
    return sinkError(ErrorName::TypeError, "y4m: invalid video frame: " + why);
}

/** Checks what libyuv will read: a valid picture with every plane present and wide enough. */
Result<void> checkFrame(const VideoFrame& frame)
{
    if (!frame.valid())
        return badFrame("the frame holds no pixels");
    if (frame.width() <= 0 || frame.height() <= 0 || frame.width() > Y4mWriter::kMaxDimension ||
        frame.height() > Y4mWriter::kMaxDimension) {
        return badFrame("size " + std::to_string(frame.width()) + "x" +
                        std::to_string(frame.height()) + " is outside 1.." +
                        std::to_string(Y4mWriter::kMaxDimension));
    }
    const int chromaWidth = chromaSize(frame.width());
    for (int index = 0; index < frame.planeCount(); ++index) {
        const VideoPlane& plane = frame.plane(index);
        int minStride = frame.width();
        if (index > 0)
            minStride = frame.format() == VideoPixelFormat::NV12 ? 2 * chromaWidth : chromaWidth;
        if (plane.data == nullptr)
            return badFrame("plane " + std::to_string(index) + " has no data");
        if (plane.stride < minStride) {
            return badFrame("plane " + std::to_string(index) + " stride " +
                            std::to_string(plane.stride) + " is shorter than a row (" +
                            std::to_string(minStride) + " bytes)");
        }
    }
    return {};
}

/** Copies or converts a checked frame into \p out, which has the frame's size. */
int copyToI420(const VideoFrame& frame, const I420Layout& out)
{
    const int chromaWidth = out.chromaWidth();
    if (frame.format() == VideoPixelFormat::NV12) {
        return libyuv::NV12ToI420(frame.plane(0).data, frame.plane(0).stride, frame.plane(1).data,
                                  frame.plane(1).stride, out.y, out.width, out.u, chromaWidth,
                                  out.v, chromaWidth, out.width, out.height);
    }
    return libyuv::I420Copy(frame.plane(0).data, frame.plane(0).stride, frame.plane(1).data,
                            frame.plane(1).stride, frame.plane(2).data, frame.plane(2).stride,
                            out.y, out.width, out.u, chromaWidth, out.v, chromaWidth, out.width,
                            out.height);
}

int scaleI420(const std::uint8_t* y, int strideY, const std::uint8_t* u, int strideU,
              const std::uint8_t* v, int strideV, int width, int height, const I420Layout& out)
{
    // Box filtering averages every source pixel when shrinking (no aliasing), as Chromium's
    // video scaler does; growing falls back to bilinear inside libyuv.
    return libyuv::I420Scale(y, strideY, u, strideU, v, strideV, width, height, out.y, out.width,
                             out.u, out.chromaWidth(), out.v, out.chromaWidth(), out.width,
                             out.height, libyuv::kFilterBox);
}

} // namespace

Result<FrameRateFraction> frameRateFraction(double frameRate)
{
    if (!std::isfinite(frameRate) || frameRate <= 0 || frameRate > kMaxFrameRate) {
        return sinkError(ErrorName::TypeError, "y4m: frame rate " + std::to_string(frameRate) +
                                                       " is not in (0, 1e6] frames per second");
    }
    const double whole = std::round(frameRate);
    if (whole >= 1 && std::abs(frameRate - whole) <= 1e-9 * frameRate)
        return FrameRateFraction{static_cast<int>(whole), 1};

    // NTSC-derived rates are N*1000/1001, reported rounded to two or three decimals.
    const double ntscBase = std::round(frameRate * 1.001);
    if (ntscBase >= 1 && ntscBase * 1000 <= std::numeric_limits<int>::max() &&
        std::abs(frameRate - ntscBase * 1000 / 1001) <= 2e-4 * frameRate) {
        return FrameRateFraction{static_cast<int>(ntscBase) * 1000, 1001};
    }

    // Continued fractions: the convergents h/k are the best approximations with small terms.
    constexpr std::int64_t kMaxTerm = std::numeric_limits<int>::max();
    std::int64_t h0 = 0;
    std::int64_t h1 = 1;
    std::int64_t k0 = 1;
    std::int64_t k1 = 0;
    double rest = frameRate;
    FrameRateFraction best{1, 1};
    for (int step = 0; step < 64; ++step) {
        const double a = std::floor(rest);
        if (a > static_cast<double>(kMaxTerm))
            break;
        const auto term = static_cast<std::int64_t>(a);
        const std::int64_t h2 = term * h1 + h0;
        const std::int64_t k2 = term * k1 + k0;
        if (h2 > kMaxTerm || k2 > kMaxTerm)
            break;
        if (h2 > 0)
            best = FrameRateFraction{static_cast<int>(h2), static_cast<int>(k2)};
        if (std::abs(frameRate - static_cast<double>(h2) / static_cast<double>(k2)) <=
            1e-9 * frameRate) {
            break;
        }
        const double fraction = rest - a;
        if (fraction <= 0)
            break;
        rest = 1 / fraction;
        h0 = std::exchange(h1, h2);
        k0 = std::exchange(k1, k2);
    }
    return best;
}

Result<std::unique_ptr<Y4mWriter>> Y4mWriter::create(const std::string& path, int width, int height,
                                                     double frameRate)
{
    if (width <= 0 || height <= 0 || width > kMaxDimension || height > kMaxDimension) {
        return sinkError(ErrorName::TypeError, "y4m: size " + std::to_string(width) + "x" +
                                                       std::to_string(height) + " is outside 1.." +
                                                       std::to_string(kMaxDimension));
    }
    Result<FrameRateFraction> rate = frameRateFraction(frameRate);
    if (!rate)
        return rate.error();
    Result<OutputFile> file = OutputFile::create(path);
    if (!file)
        return file.error();

    const std::string header = "YUV4MPEG2 W" + std::to_string(width) + " H" +
                               std::to_string(height) + " F" + std::to_string(rate->numerator) +
                               ":" + std::to_string(rate->denominator) + " Ip A1:1 C420jpeg\n";
    Result<void> written =
            file->append({reinterpret_cast<const std::uint8_t*>(header.data()), header.size()});
    if (!written)
        return written.error();
    return std::unique_ptr<Y4mWriter>(new Y4mWriter(std::move(*file), width, height, *rate));
}

Y4mWriter::Y4mWriter(OutputFile file, int width, int height, FrameRateFraction frameRate)
    : file_(std::move(file)),
      width_(width),
      height_(height),
      frameRate_(frameRate),
      record_(kFrameTag.size() + i420Size(width, height))
{
    std::copy(kFrameTag.begin(), kFrameTag.end(), record_.begin());
}

Y4mWriter::~Y4mWriter()
{
    (void)close();
}

Result<void> Y4mWriter::write(const VideoFrame& frame)
{
    if (closed_)
        return sinkError(ErrorName::InvalidStateError, "y4m: '" + path() + "' is already closed");
    if (failure_)
        return *failure_;
    if (Result<void> checked = checkFrame(frame); !checked)
        return checked;

    const I420Layout out = i420Layout(record_.data() + kFrameTag.size(), width_, height_);
    const bool scaled = frame.width() != width_ || frame.height() != height_;
    int status = 0;
    if (!scaled) {
        status = copyToI420(frame, out);
    } else if (frame.format() == VideoPixelFormat::I420) {
        status = scaleI420(frame.plane(0).data, frame.plane(0).stride, frame.plane(1).data,
                           frame.plane(1).stride, frame.plane(2).data, frame.plane(2).stride,
                           frame.width(), frame.height(), out);
    } else {
        // libyuv scales planar I420 only: convert at the frame's own size, then scale. The
        // buffer is reused, so it grows only when the track's size changes.
        unscaled_.resize(i420Size(frame.width(), frame.height()));
        const I420Layout source = i420Layout(unscaled_.data(), frame.width(), frame.height());
        status = copyToI420(frame, source);
        if (status == 0) {
            status = scaleI420(source.y, source.width, source.u, source.chromaWidth(), source.v,
                               source.chromaWidth(), source.width, source.height, out);
        }
    }
    if (status != 0) // Arguments were checked above: this would be a libyuv bug.
        return badFrame("libyuv refused the frame (status " + std::to_string(status) + ")");

    Result<void> written = file_.append(record_);
    if (!written) {
        failure_ = written.error();
        return written;
    }
    ++framesWritten_;
    if (scaled)
        ++scaledFrames_;
    return {};
}

Result<void> Y4mWriter::close()
{
    closed_ = true;
    return file_.close();
}

} // namespace usermedia
