// SPDX-License-Identifier: MIT
#include "backends/v4l2/v4l2_device.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/mman.h>

#include "base/log.h"

namespace usermedia::v4l2 {
namespace {

constexpr std::uint32_t kBufferCount = 4;

bool isMultiPlanar(std::uint32_t type)
{
    return type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

// Bytes of one unpadded row of the first plane, and the plane layout for repacking: (rows,
// bytes per row, stride divisor) for each plane. 0 for compressed formats.
std::size_t rowBytes(NativePixelFormat format, int width)
{
    switch (format) {
    case NativePixelFormat::I420:
    case NativePixelFormat::YV12:
    case NativePixelFormat::NV12:
        return static_cast<std::size_t>(width);
    case NativePixelFormat::YUYV:
    case NativePixelFormat::UYVY:
        return static_cast<std::size_t>((width + 1) / 2) * 4;
    case NativePixelFormat::RGB24:
    case NativePixelFormat::BGR24:
        return static_cast<std::size_t>(width) * 3;
    case NativePixelFormat::BGRA:
        return static_cast<std::size_t>(width) * 4;
    case NativePixelFormat::Y16:
        return static_cast<std::size_t>(width) * 2;
    case NativePixelFormat::MJPEG:
        return 0;
    }
    return 0;
}

struct Plane
{
    int rows;
    std::size_t bytes;     // per row, unpadded
    std::uint32_t divisor; // the plane's stride is the first plane's divided by this
};

std::vector<Plane> planesOf(NativePixelFormat format, int width, int height)
{
    const int chromaRows = (height + 1) / 2;
    const auto chromaBytes = static_cast<std::size_t>((width + 1) / 2);
    switch (format) {
    case NativePixelFormat::I420:
    case NativePixelFormat::YV12:
        return {{height, static_cast<std::size_t>(width), 1},
                {chromaRows, chromaBytes, 2},
                {chromaRows, chromaBytes, 2}};
    case NativePixelFormat::NV12:
        return {{height, static_cast<std::size_t>(width), 1}, {chromaRows, chromaBytes * 2, 1}};
    case NativePixelFormat::MJPEG:
        return {};
    default:
        return {{height, rowBytes(format, width), 1}};
    }
}

std::size_t packedSize(NativePixelFormat format, int width, int height)
{
    std::size_t size = 0;
    for (const Plane& plane : planesOf(format, width, height))
        size += plane.bytes * static_cast<std::size_t>(plane.rows);
    return size;
}

std::string describeMode(const NativeVideoMode& mode)
{
    char rates[64];
    std::snprintf(rates, sizeof rates, "%g..%g", mode.minFrameRate, mode.maxFrameRate);
    return std::string(toString(mode.format)) + " " + std::to_string(mode.width) + "x" +
           std::to_string(mode.height) + " @ " + rates + " fps";
}

} // namespace

V4l2Device::V4l2Device(std::shared_ptr<Sys> sys, std::shared_ptr<Clock> clock, NodeInfo info,
                       int fd, std::function<void()> onGone)
    : sys_(std::move(sys)),
      clock_(std::move(clock)),
      info_(std::move(info)),
      onGone_(std::move(onGone)),
      fd_(fd)
{}

V4l2Device::~V4l2Device()
{
    stop();
    if (fd_ >= 0)
        sys_->close(fd_);
}

Error V4l2Device::failure(const std::string& call, int error) const
{
    return Error{ErrorName::NotReadableError,
                 "v4l2: " + call + " on " + info_.path + " ('" + info_.description.label +
                         "'): " + std::strerror(error),
                 {},
                 error};
}

Result<void> V4l2Device::configure(const NativeVideoMode& mode)
{
    if (thread_.joinable())
        return Error{ErrorName::InvalidStateError, "v4l2: configure() while capturing", {}, 0};
    for (const NativeVideoMode& offered : info_.description.videoModes) {
        if (offered.format == mode.format && offered.width == mode.width &&
            offered.height == mode.height && mode.maxFrameRate > 0 &&
            mode.minFrameRate <= mode.maxFrameRate && mode.minFrameRate >= offered.minFrameRate &&
            mode.maxFrameRate <= offered.maxFrameRate) {
            mode_ = mode;
            return {};
        }
    }
    return Error{ErrorName::NotFoundError,
                 "v4l2: '" + info_.description.label + "' (" + info_.path + ") has no mode " +
                         describeMode(mode),
                 {},
                 0};
}

Result<void> V4l2Device::configure(const NativeAudioMode& /*mode*/)
{
    return Error{ErrorName::NotFoundError,
                 "v4l2: '" + info_.description.label + "' is a camera, not a microphone",
                 {},
                 0};
}

Result<void> V4l2Device::setFormat(const NativeVideoMode& mode, std::uint32_t fourcc)
{
    v4l2_format format{};
    format.type = info_.bufferType;
    const bool mplane = isMultiPlanar(info_.bufferType);
    if (mplane) {
        format.fmt.pix_mp.width = static_cast<std::uint32_t>(mode.width);
        format.fmt.pix_mp.height = static_cast<std::uint32_t>(mode.height);
        format.fmt.pix_mp.pixelformat = fourcc;
        format.fmt.pix_mp.field = V4L2_FIELD_ANY;
    } else {
        format.fmt.pix.width = static_cast<std::uint32_t>(mode.width);
        format.fmt.pix.height = static_cast<std::uint32_t>(mode.height);
        format.fmt.pix.pixelformat = fourcc;
        format.fmt.pix.field = V4L2_FIELD_ANY;
    }
    if (sys_->ioctl(fd_, VIDIOC_S_FMT, &format) < 0)
        return failure("VIDIOC_S_FMT", errno);
    const std::uint32_t width = mplane ? format.fmt.pix_mp.width : format.fmt.pix.width;
    const std::uint32_t height = mplane ? format.fmt.pix_mp.height : format.fmt.pix.height;
    const std::uint32_t chosen =
            mplane ? format.fmt.pix_mp.pixelformat : format.fmt.pix.pixelformat;
    if (static_cast<int>(width) != mode.width || static_cast<int>(height) != mode.height ||
        chosen != fourcc)
        return Error{ErrorName::NotReadableError,
                     "v4l2: " + info_.path + " chose " + fourccName(chosen) + " " +
                             std::to_string(width) + "x" + std::to_string(height) + " for " +
                             fourccName(fourcc) + " " + std::to_string(mode.width) + "x" +
                             std::to_string(mode.height),
                     {},
                     0};
    if (mplane && format.fmt.pix_mp.num_planes != 1)
        return Error{ErrorName::NotReadableError,
                     "v4l2: " + info_.path + ": " + fourccName(fourcc) +
                             " in several memory planes is not supported",
                     {},
                     0};
    bytesPerLine_ =
            mplane ? format.fmt.pix_mp.plane_fmt[0].bytesperline : format.fmt.pix.bytesperline;
    sizeImage_ = mplane ? format.fmt.pix_mp.plane_fmt[0].sizeimage : format.fmt.pix.sizeimage;

    // The rate: the highest of the configured range, as a fraction the driver rounds to its
    // nearest interval. Drivers without V4L2_CAP_TIMEPERFRAME run at their only rate.
    v4l2_streamparm parm{};
    parm.type = info_.bufferType;
    if (sys_->ioctl(fd_, VIDIOC_G_PARM, &parm) == 0 &&
        (parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME) != 0) {
        parm.parm.capture.timeperframe.numerator = 1000;
        parm.parm.capture.timeperframe.denominator =
                static_cast<std::uint32_t>(std::lround(mode.maxFrameRate * 1000));
        if (sys_->ioctl(fd_, VIDIOC_S_PARM, &parm) < 0)
            return failure("VIDIOC_S_PARM", errno);
    }
    return {};
}

Result<void> V4l2Device::mapBuffers()
{
    v4l2_requestbuffers request{};
    request.count = kBufferCount;
    request.type = info_.bufferType;
    request.memory = V4L2_MEMORY_MMAP;
    if (sys_->ioctl(fd_, VIDIOC_REQBUFS, &request) < 0)
        return failure("VIDIOC_REQBUFS", errno);
    if (request.count < 2) {
        releaseBuffers();
        return failure("VIDIOC_REQBUFS", ENOMEM);
    }
    const bool mplane = isMultiPlanar(info_.bufferType);
    for (std::uint32_t index = 0; index < request.count; ++index) {
        v4l2_buffer buffer{};
        v4l2_plane planes[VIDEO_MAX_PLANES]{};
        buffer.index = index;
        buffer.type = info_.bufferType;
        buffer.memory = V4L2_MEMORY_MMAP;
        if (mplane) {
            buffer.m.planes = planes;
            buffer.length = VIDEO_MAX_PLANES;
        }
        if (sys_->ioctl(fd_, VIDIOC_QUERYBUF, &buffer) < 0) {
            const int error = errno;
            releaseBuffers();
            return failure("VIDIOC_QUERYBUF", error);
        }
        const std::size_t length = mplane ? planes[0].length : buffer.length;
        const auto offset = static_cast<off_t>(mplane ? planes[0].m.mem_offset : buffer.m.offset);
        void* data = sys_->mmap(length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, offset);
        if (data == MAP_FAILED) {
            const int error = errno;
            releaseBuffers();
            return failure("mmap", error);
        }
        buffers_.push_back({data, length});
    }
    for (std::uint32_t index = 0; index < buffers_.size(); ++index) {
        if (!requeue(index)) {
            const int error = errno;
            releaseBuffers();
            return failure("VIDIOC_QBUF", error);
        }
    }
    return {};
}

void V4l2Device::releaseBuffers()
{
    if (streaming_) {
        int type = static_cast<int>(info_.bufferType);
        sys_->ioctl(fd_, VIDIOC_STREAMOFF, &type);
        streaming_ = false;
    }
    for (const Buffer& buffer : buffers_)
        sys_->munmap(buffer.data, buffer.length);
    if (!buffers_.empty() && fd_ >= 0) {
        // Frees the driver's buffers; fails harmlessly on a vanished device.
        v4l2_requestbuffers request{};
        request.count = 0;
        request.type = info_.bufferType;
        request.memory = V4L2_MEMORY_MMAP;
        sys_->ioctl(fd_, VIDIOC_REQBUFS, &request);
    }
    buffers_.clear();
    packed_.clear();
    packed_.shrink_to_fit();
}

Result<void> V4l2Device::start(CaptureSink& sink)
{
    if (thread_.joinable())
        return Error{ErrorName::InvalidStateError,
                     "v4l2: '" + info_.description.label + "' is already capturing",
                     {},
                     0};
    if (fd_ < 0)
        return failure("open", ENODEV);
    const NativeVideoMode mode = mode_.value_or(info_.description.videoModes.front());
    const auto fourcc = info_.modes.fourccOf(mode.format);
    if (!fourcc)
        return Error{ErrorName::NotFoundError, "v4l2: no fourcc for " + describeMode(mode), {}, 0};
    if (auto set = setFormat(mode, *fourcc); !set)
        return set;
    // HDMI and SDI receivers (and vivid's HDMI/TV inputs) tell of a new source resolution with
    // this event; the capture thread restarts or ends the stream. Other drivers refuse it.
    v4l2_event_subscription subscription{};
    subscription.type = V4L2_EVENT_SOURCE_CHANGE;
    // The event's id is the input it concerns: the current one (0 when the driver has no
    // inputs to choose from).
    int input = 0;
    if (sys_->ioctl(fd_, VIDIOC_G_INPUT, &input) == 0 && input >= 0)
        subscription.id = static_cast<std::uint32_t>(input);
    if (sys_->ioctl(fd_, VIDIOC_SUBSCRIBE_EVENT, &subscription) < 0)
        UM_LOG(V4l2, Debug) << info_.path << ": no source change events: " << std::strerror(errno);
    if (auto mapped = mapBuffers(); !mapped)
        return mapped;
    int type = static_cast<int>(info_.bufferType);
    if (sys_->ioctl(fd_, VIDIOC_STREAMON, &type) < 0) {
        const int error = errno;
        releaseBuffers();
        return failure("VIDIOC_STREAMON", error);
    }
    streaming_ = true;
    stopFd_ = sys_->eventfd();
    if (stopFd_ < 0) {
        const int error = errno;
        releaseBuffers();
        return failure("eventfd", error);
    }
    // Rows padded beyond their pixels are packed into one buffer, allocated here, once.
    const std::size_t row = rowBytes(mode.format, mode.width);
    if (row != 0 && bytesPerLine_ > row)
        packed_.resize(packedSize(mode.format, mode.width, mode.height));
    mode_ = mode;
    firstSequence_.reset();
    frameBase_ = 0;
    nextFrameNumber_ = 0;
    thread_ = std::thread([this, &sink] { run(sink); });
    return {};
}

void V4l2Device::stop()
{
    if (!thread_.joinable())
        return;
    sys_->signal(stopFd_);
    thread_.join();
    releaseBuffers();
    if (stats_.sourceChanges > 0) {
        UM_LOG(V4l2, Info) << info_.path << ": the source changed resolution "
                           << stats_.sourceChanges.load() << " times; restarted "
                           << stats_.restarts.load() << " times";
    }
    sys_->close(stopFd_);
    stopFd_ = -1;
}

bool V4l2Device::requeue(std::uint32_t index)
{
    v4l2_buffer buffer{};
    v4l2_plane planes[VIDEO_MAX_PLANES]{};
    buffer.index = index;
    buffer.type = info_.bufferType;
    buffer.memory = V4L2_MEMORY_MMAP;
    if (isMultiPlanar(info_.bufferType)) {
        buffer.m.planes = planes;
        buffer.length = 1;
    }
    return sys_->ioctl(fd_, VIDIOC_QBUF, &buffer) == 0;
}

bool V4l2Device::sourceChanged()
{
    bool changed = false;
    v4l2_event event{};
    while (sys_->ioctl(fd_, VIDIOC_DQEVENT, &event) == 0) {
        if (event.type == V4L2_EVENT_SOURCE_CHANGE &&
            (event.u.src_change.changes & V4L2_EVENT_SRC_CH_RESOLUTION) != 0)
            changed = true;
        event = {};
    }
    return changed;
}

// Capture thread. A source change invalidates the queued buffers' size: stop the stream, free
// them, set the configured mode again and stream anew if the driver still gives it (a scaler,
// or the source came back to it); else the track ends, naming the new size.
std::optional<Error> V4l2Device::restart()
{
    ++stats_.sourceChanges;
    releaseBuffers();
    // HDMI and SDI receivers go on capturing the old timings until told the new ones, which
    // needs the buffers freed; inputs without DV timings (webcams, analog) say ENODATA/ENOTTY.
    v4l2_dv_timings timings{};
    if (sys_->ioctl(fd_, VIDIOC_QUERY_DV_TIMINGS, &timings) == 0) {
        if (sys_->ioctl(fd_, VIDIOC_S_DV_TIMINGS, &timings) < 0)
            return failure("VIDIOC_S_DV_TIMINGS after a source change", errno);
    } else if (errno == ENOLINK || errno == ENOLCK || errno == ERANGE) {
        // No signal, no lock, or timings out of range: nothing to capture.
        return failure("VIDIOC_QUERY_DV_TIMINGS after a source change", errno);
    }
    const auto fourcc = info_.modes.fourccOf(mode_->format);
    if (auto set = setFormat(*mode_, *fourcc); !set) {
        Error error = set.error();
        error.message = "v4l2: the source of " + info_.path + " ('" + info_.description.label +
                        "') changed resolution: " + error.message;
        return error;
    }
    if (auto mapped = mapBuffers(); !mapped)
        return mapped.error();
    int type = static_cast<int>(info_.bufferType);
    if (sys_->ioctl(fd_, VIDIOC_STREAMON, &type) < 0)
        return failure("VIDIOC_STREAMON after a source change", errno);
    streaming_ = true;
    const std::size_t row = rowBytes(mode_->format, mode_->width);
    if (row != 0 && bytesPerLine_ > row)
        packed_.resize(packedSize(mode_->format, mode_->width, mode_->height));
    // Frame numbers go on from where they were; the driver may count sequences from 0 again.
    frameBase_ = nextFrameNumber_;
    firstSequence_.reset();
    ++stats_.restarts;
    UM_LOG(V4l2, Debug) << info_.path << ": source changed; streaming again";
    return std::nullopt;
}

bool V4l2Device::dequeue(Dequeued& out)
{
    v4l2_buffer buffer{};
    v4l2_plane planes[VIDEO_MAX_PLANES]{};
    buffer.type = info_.bufferType;
    buffer.memory = V4L2_MEMORY_MMAP;
    const bool mplane = isMultiPlanar(info_.bufferType);
    if (mplane) {
        buffer.m.planes = planes;
        buffer.length = VIDEO_MAX_PLANES;
    }
    if (sys_->ioctl(fd_, VIDIOC_DQBUF, &buffer) < 0)
        return false;
    if (buffer.index >= buffers_.size()) {
        errno = EIO;
        return false;
    }
    out.index = buffer.index;
    out.bytesUsed = mplane ? planes[0].bytesused : buffer.bytesused;
    if (out.bytesUsed == 0)
        out.bytesUsed = static_cast<std::uint32_t>(buffers_[buffer.index].length);
    out.flags = buffer.flags;
    out.sequence = buffer.sequence;
    out.timestamp = std::chrono::seconds(buffer.timestamp.tv_sec) +
                    std::chrono::microseconds(buffer.timestamp.tv_usec);
    return true;
}

std::chrono::nanoseconds V4l2Device::timestampOf(const Dequeued& buffer) const
{
    // The driver stamps frames on CLOCK_MONOTONIC; the MediaDevices clock has its own epoch.
    // Carry the frame's age over: now on our clock minus how long ago the driver stamped it.
    const auto now = clock_->now();
    const auto type = buffer.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK;
    if (buffer.timestamp.count() == 0 || type == V4L2_BUF_FLAG_TIMESTAMP_COPY)
        return now;
    const auto age = sys_->monotonicNow() - buffer.timestamp;
    return now - std::clamp(age, std::chrono::nanoseconds(0),
                            std::chrono::nanoseconds(std::chrono::seconds(1)));
}

const std::uint8_t* V4l2Device::repack(const std::uint8_t* data)
{
    std::uint8_t* out = packed_.data();
    const std::uint8_t* in = data;
    for (const Plane& plane : planesOf(mode_->format, mode_->width, mode_->height)) {
        const std::size_t stride = bytesPerLine_ / plane.divisor;
        for (int row = 0; row < plane.rows; ++row) {
            std::memcpy(out, in, plane.bytes);
            out += plane.bytes;
            in += stride;
        }
    }
    return packed_.data();
}

void V4l2Device::deliver(CaptureSink& sink, const Dequeued& buffer)
{
    const Buffer& mapped = buffers_[buffer.index];
    const auto* data = static_cast<const std::uint8_t*>(mapped.data);
    std::size_t size = std::min<std::size_t>(buffer.bytesUsed, mapped.length);
    if (!packed_.empty()) {
        // The padded layout needs bytesPerLine for every row but the last one's padding.
        const std::size_t needed =
                static_cast<std::size_t>(bytesPerLine_) * static_cast<std::size_t>(mode_->height);
        if (size < std::min<std::size_t>(needed, sizeImage_)) {
            ++stats_.errorBuffers;
            return;
        }
        data = repack(data);
        size = packed_.size();
    } else if (mode_->format != NativePixelFormat::MJPEG &&
               size < packedSize(mode_->format, mode_->width, mode_->height)) {
        ++stats_.errorBuffers; // a short frame is garbage: count and skip it
        return;
    }
    if (!firstSequence_)
        firstSequence_ = buffer.sequence;
    NativeVideoFrame frame;
    frame.format = mode_->format;
    frame.width = mode_->width;
    frame.height = mode_->height;
    frame.data = data;
    frame.size = size;
    frame.timestamp = timestampOf(buffer);
    frame.frameNumber = frameBase_ + (buffer.sequence - *firstSequence_);
    if (frame.frameNumber < nextFrameNumber_) {
        // A repeated or backward sequence (vivid derives them from jiffies and may give two
        // buffers one): numbers still increase, and later gaps still show drops.
        frameBase_ += nextFrameNumber_ - frame.frameNumber;
        frame.frameNumber = nextFrameNumber_;
    }
    nextFrameNumber_ = frame.frameNumber + 1;
    ++stats_.delivered;
    sink.onVideoFrame(frame);
}

// Thread: the capture thread.
void V4l2Device::run(CaptureSink& sink)
{
    int timeouts = 0;
    bool muted = false;
    int error = 0;
    std::string call;
    std::optional<Error> ended; // a failure with its own message (a source change)
    while (error == 0 && !ended) {
        pollfd fds[2] = {{fd_, POLLIN | POLLPRI, 0}, {stopFd_, POLLIN, 0}};
        const int ready = sys_->poll(fds, 2, kFrameTimeoutMs);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            error = errno;
            call = "poll";
            break;
        }
        if (fds[1].revents != 0)
            return; // stop(): it releases the buffers after the join
        if (ready == 0) {
            // No frame for a second: muted at once, ended when it goes on.
            if (!muted) {
                muted = true;
                sink.onMuteChanged(true);
            }
            if (++timeouts >= kMaxTimeouts) {
                error = ETIMEDOUT;
                call = "waiting for a frame for " + std::to_string(kMaxTimeouts) + " s";
            }
            continue;
        }
        // An event (POLLPRI) first: buffers filled before a resolution change are of the old
        // size, and the restart drops them.
        if ((fds[0].revents & POLLPRI) != 0 && sourceChanged()) {
            ended = restart();
            continue;
        }
        // Drain every filled buffer; only the freshest is delivered (no stale build-up).
        std::optional<Dequeued> freshest;
        Dequeued buffer;
        while (dequeue(buffer)) {
            if ((buffer.flags & V4L2_BUF_FLAG_ERROR) != 0) {
                ++stats_.errorBuffers; // corrupted by the driver: never delivered
                requeue(buffer.index);
                continue;
            }
            if (freshest) {
                ++stats_.stale;
                requeue(freshest->index);
            }
            freshest = buffer;
        }
        const int dequeueError = errno;
        if (dequeueError != EAGAIN) {
            error = dequeueError;
            call = "VIDIOC_DQBUF";
        } else if (!freshest && (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
            // vb2 reports POLLERR when the queue failed or the node was unregistered.
            error = (fds[0].revents & POLLHUP) != 0 ? ENODEV : EIO;
            call = "poll";
        }
        if (freshest) {
            timeouts = 0;
            if (muted) {
                muted = false;
                sink.onMuteChanged(false);
            }
            deliver(sink, *freshest);
            if (!requeue(freshest->index) && error == 0) {
                error = errno;
                call = "VIDIOC_QBUF";
            }
        }
    }
    const int cause = ended ? ended->osError : error;
    const bool gone = cause == ENODEV || cause == ENXIO;
    if (stats_.errorBuffers > 0)
        UM_LOG(V4l2, Info) << info_.path << ": skipped " << stats_.errorBuffers.load()
                           << " error-flagged or short buffers";
    // The node failed: give back the buffers now (stop() may come much later), and on a
    // vanished device the fd too, so nothing of it stays open.
    releaseBuffers();
    if (gone) {
        sys_->close(fd_);
        fd_ = -1;
    }
    sink.onCaptureError(ended ? *ended : failure(call, error));
    if (gone && onGone_)
        onGone_();
}

} // namespace usermedia::v4l2
