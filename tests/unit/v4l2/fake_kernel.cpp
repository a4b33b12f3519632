// SPDX-License-Identifier: MIT
#include "fake_kernel.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/mman.h>

#include "backends/common/physical_device.h"

namespace usermedia::v4l2::testing {
namespace {

constexpr int kBufferShift = 16; // mmap offsets: buffer index << kBufferShift

std::uint32_t rowBytes(std::uint32_t fourcc, int width)
{
    switch (fourcc) {
    case V4L2_PIX_FMT_YUYV:
    case V4L2_PIX_FMT_UYVY:
        return static_cast<std::uint32_t>(width) * 2;
    case V4L2_PIX_FMT_RGB24:
    case V4L2_PIX_FMT_BGR24:
        return static_cast<std::uint32_t>(width) * 3;
    case V4L2_PIX_FMT_MJPEG:
        return 0;
    default: // YUV420, NV12: the luma row
        return static_cast<std::uint32_t>(width);
    }
}

std::uint32_t imageSize(std::uint32_t fourcc, std::uint32_t bytesPerLine, int width, int height)
{
    switch (fourcc) {
    case V4L2_PIX_FMT_YUV420:
    case V4L2_PIX_FMT_NV12:
        return bytesPerLine * static_cast<std::uint32_t>(height) * 3 / 2;
    case V4L2_PIX_FMT_MJPEG:
        return static_cast<std::uint32_t>(width * height);
    default:
        return bytesPerLine * static_cast<std::uint32_t>(height);
    }
}

} // namespace

void FakeKernel::addNode(FakeNode node)
{
    std::lock_guard lock(mutex_);
    const std::string name = node.name;
    nodes_[name].spec = std::move(node);
}

void FakeKernel::addLink(const std::string& path, const std::string& target)
{
    std::lock_guard lock(mutex_);
    links_[path] = target;
}

void FakeKernel::push(const std::string& name, const std::vector<FakeEvent>& events)
{
    {
        std::lock_guard lock(mutex_);
        auto& queue = nodes_.at(name).events;
        queue.insert(queue.end(), events.begin(), events.end());
    }
    changed_.notify_all();
}

bool FakeKernel::waitIdle(const std::string& name)
{
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] {
        const Node& node = nodes_.at(name);
        return node.events.empty() && node.queued.size() == node.buffers.size();
    });
}

int FakeKernel::calls(unsigned long request) const
{
    std::lock_guard lock(mutex_);
    auto it = calls_.find(request);
    return it == calls_.end() ? 0 : it->second;
}

int FakeKernel::openFds() const
{
    std::lock_guard lock(mutex_);
    return static_cast<int>(files_.size());
}

int FakeKernel::mappings() const
{
    std::lock_guard lock(mutex_);
    return static_cast<int>(maps_.size());
}

int FakeKernel::badMunmaps() const
{
    std::lock_guard lock(mutex_);
    return badMunmaps_;
}

int FakeKernel::open(const std::string& path, int /*flags*/)
{
    std::lock_guard lock(mutex_);
    const std::string prefix = "/dev/";
    const std::string name =
            path.compare(0, prefix.size(), prefix) == 0 ? path.substr(prefix.size()) : path;
    auto it = nodes_.find(name);
    if (it == nodes_.end() || it->second.gone) {
        errno = ENOENT;
        return -1;
    }
    if (it->second.spec.openErrno != 0) {
        errno = it->second.spec.openErrno;
        return -1;
    }
    const int fd = nextFd_++;
    files_[fd] = {name, 0};
    return fd;
}

int FakeKernel::close(int fd)
{
    std::lock_guard lock(mutex_);
    auto it = files_.find(fd);
    if (it == files_.end()) {
        errno = EBADF;
        return -1;
    }
    if (!it->second.node.empty()) {
        Node& node = nodes_.at(it->second.node);
        if (node.owner == fd) { // closing frees the buffers, as in vb2
            node.owner = -1;
            node.streaming = false;
            node.queued.clear();
        }
    }
    files_.erase(it);
    return 0;
}

FakeKernel::Node* FakeKernel::nodeOf(int fd)
{
    auto it = files_.find(fd);
    if (it == files_.end() || it->second.node.empty())
        return nullptr;
    return &nodes_.at(it->second.node);
}

const FakeFormat* FakeKernel::findFormat(const Node& node, std::uint32_t fourcc) const
{
    for (const FakeFormat& format : node.spec.formats) {
        if (format.fourcc == fourcc)
            return &format;
    }
    return nullptr;
}

void FakeKernel::setFormat(Node& node, v4l2_pix_format& pix) const
{
    if (findFormat(node, pix.pixelformat) == nullptr)
        pix.pixelformat = node.spec.formats.front().fourcc;
    if (node.sourceSize) {
        pix.width = static_cast<std::uint32_t>(node.sourceSize->first);
        pix.height = static_cast<std::uint32_t>(node.sourceSize->second);
    }
    const std::uint32_t row = rowBytes(pix.pixelformat, static_cast<int>(pix.width));
    pix.bytesperline = row == 0 ? 0 : row + node.spec.padding;
    pix.sizeimage = imageSize(pix.pixelformat, pix.bytesperline, static_cast<int>(pix.width),
                              static_cast<int>(pix.height));
    pix.field = V4L2_FIELD_NONE;
}

int FakeKernel::ioctl(int fd, unsigned long request, void* argument)
{
    int result = 0;
    {
        std::lock_guard lock(mutex_);
        ++calls_[request];
        Node* node = nodeOf(fd);
        if (node == nullptr) {
            errno = EBADF;
            return -1;
        }
        if (node->gone) {
            errno = ENODEV;
            return -1;
        }
        result = deviceIoctl(fd, *node, request, argument);
    }
    changed_.notify_all();
    return result;
}

int FakeKernel::deviceIoctl(int fd, Node& node, unsigned long request, void* argument)
{
    auto fail = [](int error) {
        errno = error;
        return -1;
    };
    switch (request) {
    case VIDIOC_QUERYCAP: {
        auto* cap = static_cast<v4l2_capability*>(argument);
        *cap = {};
        std::strncpy(reinterpret_cast<char*>(cap->driver), "fake", sizeof cap->driver - 1);
        std::strncpy(reinterpret_cast<char*>(cap->card), node.spec.card.c_str(),
                     sizeof cap->card - 1);
        std::strncpy(reinterpret_cast<char*>(cap->bus_info), node.spec.bus.c_str(),
                     sizeof cap->bus_info - 1);
        cap->device_caps = node.spec.caps;
        cap->capabilities = node.spec.caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        auto* desc = static_cast<v4l2_fmtdesc*>(argument);
        if (desc->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || desc->index >= node.spec.formats.size())
            return fail(EINVAL);
        desc->pixelformat = node.spec.formats[desc->index].fourcc;
        return 0;
    }
    case VIDIOC_ENUM_FRAMESIZES: {
        auto* size = static_cast<v4l2_frmsizeenum*>(argument);
        const FakeFormat* format = findFormat(node, size->pixel_format);
        if (format == nullptr)
            return fail(EINVAL);
        if (format->range) {
            if (size->index != 0)
                return fail(EINVAL);
            size->type = format->continuousSizes ? V4L2_FRMSIZE_TYPE_CONTINUOUS
                                                 : V4L2_FRMSIZE_TYPE_STEPWISE;
            size->stepwise = *format->range;
            return 0;
        }
        if (size->index >= format->sizes.size())
            return fail(EINVAL);
        size->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        size->discrete.width = static_cast<std::uint32_t>(format->sizes[size->index].first);
        size->discrete.height = static_cast<std::uint32_t>(format->sizes[size->index].second);
        return 0;
    }
    case VIDIOC_ENUM_FRAMEINTERVALS: {
        auto* interval = static_cast<v4l2_frmivalenum*>(argument);
        const FakeFormat* format = findFormat(node, interval->pixel_format);
        if (format == nullptr)
            return fail(EINVAL);
        if (format->intervalRange) {
            if (interval->index != 0)
                return fail(EINVAL);
            interval->type = format->continuousIntervals ? V4L2_FRMIVAL_TYPE_CONTINUOUS
                                                         : V4L2_FRMIVAL_TYPE_STEPWISE;
            interval->stepwise = *format->intervalRange;
            return 0;
        }
        if (interval->index >= format->intervals.size())
            return fail(EINVAL);
        interval->type = V4L2_FRMIVAL_TYPE_DISCRETE;
        interval->discrete = format->intervals[interval->index];
        return 0;
    }
    case VIDIOC_TRY_FMT:
    case VIDIOC_S_FMT: {
        auto* format = static_cast<v4l2_format*>(argument);
        if (format->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
            return fail(EINVAL);
        if (request == VIDIOC_S_FMT && node.owner >= 0 && node.owner != fd)
            return fail(EBUSY);
        setFormat(node, format->fmt.pix);
        if (request == VIDIOC_S_FMT) {
            node.fourcc = format->fmt.pix.pixelformat;
            node.width = static_cast<int>(format->fmt.pix.width);
            node.height = static_cast<int>(format->fmt.pix.height);
            node.bytesPerLine = format->fmt.pix.bytesperline;
            node.sizeImage = format->fmt.pix.sizeimage;
        }
        return 0;
    }
    case VIDIOC_G_PARM:
    case VIDIOC_S_PARM: {
        auto* parm = static_cast<v4l2_streamparm*>(argument);
        if (request == VIDIOC_S_PARM)
            node.timePerFrame = parm->parm.capture.timeperframe;
        parm->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        parm->parm.capture.timeperframe = node.timePerFrame;
        return 0;
    }
    case VIDIOC_REQBUFS: {
        auto* request_ = static_cast<v4l2_requestbuffers*>(argument);
        if (node.owner >= 0 && node.owner != fd)
            return fail(EBUSY);
        if (request_->memory != V4L2_MEMORY_MMAP)
            return fail(EINVAL);
        node.queued.clear();
        node.streaming = false;
        node.buffers.clear();
        if (request_->count == 0) {
            node.owner = -1;
            return 0;
        }
        node.owner = fd;
        request_->count = std::min<std::uint32_t>(request_->count, 8);
        for (std::uint32_t i = 0; i < request_->count; ++i)
            node.buffers.emplace_back(node.sizeImage);
        return 0;
    }
    case VIDIOC_QUERYBUF: {
        auto* buffer = static_cast<v4l2_buffer*>(argument);
        if (node.owner != fd || buffer->index >= node.buffers.size())
            return fail(EINVAL);
        buffer->length = static_cast<std::uint32_t>(node.buffers[buffer->index].size());
        buffer->m.offset = buffer->index << kBufferShift;
        return 0;
    }
    case VIDIOC_QBUF: {
        auto* buffer = static_cast<v4l2_buffer*>(argument);
        if (node.owner != fd || buffer->index >= node.buffers.size() ||
            std::find(node.queued.begin(), node.queued.end(), buffer->index) != node.queued.end())
            return fail(EINVAL);
        node.queued.push_back(buffer->index);
        return 0;
    }
    case VIDIOC_DQBUF: {
        auto* buffer = static_cast<v4l2_buffer*>(argument);
        if (node.owner != fd || !node.streaming)
            return fail(EINVAL);
        if (!node.events.empty() && node.events.front().kind == FakeEvent::Kind::Vanish) {
            node.events.pop_front();
            node.gone = true;
            return fail(ENODEV);
        }
        if (node.events.empty() || node.events.front().kind == FakeEvent::Kind::Timeout ||
            node.events.front().kind == FakeEvent::Kind::SourceChange || node.queued.empty())
            return fail(EAGAIN);
        const FakeEvent event = node.events.front();
        node.events.pop_front();
        const std::uint32_t index = node.queued.front();
        node.queued.pop_front();
        auto& data = node.buffers[index];
        std::fill(data.begin(), data.end(), event.fill);
        buffer->index = index;
        buffer->bytesused = event.bytesUsed != 0 ? event.bytesUsed : node.sizeImage;
        buffer->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
        if (event.kind == FakeEvent::Kind::ErrorFrame)
            buffer->flags |= V4L2_BUF_FLAG_ERROR;
        buffer->sequence =
                event.repeatSequence && node.sequence > 0 ? node.sequence - 1 : node.sequence++;
        const auto stamp = kNow - event.age;
        buffer->timestamp.tv_sec = static_cast<time_t>(stamp.count() / 1000000000);
        buffer->timestamp.tv_usec = static_cast<suseconds_t>((stamp.count() % 1000000000) / 1000);
        return 0;
    }
    case VIDIOC_STREAMON:
        if (node.owner != fd)
            return fail(EINVAL);
        if (node.spec.streamOnErrno != 0)
            return fail(node.spec.streamOnErrno);
        node.streaming = true;
        return 0;
    case VIDIOC_SUBSCRIBE_EVENT: {
        const auto* subscription = static_cast<const v4l2_event_subscription*>(argument);
        if (!node.spec.sourceChangeEvents || subscription->type != V4L2_EVENT_SOURCE_CHANGE)
            return fail(EINVAL);
        // The kernel accepts any id; events come only for the one of the current input.
        node.subscribed =
                node.subscribed || subscription->id == static_cast<unsigned>(node.spec.input);
        return 0;
    }
    case VIDIOC_G_INPUT:
        *static_cast<int*>(argument) = node.spec.input;
        return 0;
    case VIDIOC_DQEVENT: {
        if (!node.subscribed || node.events.empty() ||
            node.events.front().kind != FakeEvent::Kind::SourceChange)
            return fail(ENOENT);
        const FakeEvent event = node.events.front();
        node.events.pop_front();
        if (node.spec.dvTimings)
            node.signal = {event.width, event.height}; // S_DV_TIMINGS applies it
        else if (event.width > 0)
            node.sourceSize = std::make_pair(event.width, event.height);
        else
            node.sourceSize.reset();
        auto* out = static_cast<v4l2_event*>(argument);
        *out = {};
        out->type = V4L2_EVENT_SOURCE_CHANGE;
        out->u.src_change.changes = V4L2_EVENT_SRC_CH_RESOLUTION;
        return 0;
    }
    case VIDIOC_QUERY_DV_TIMINGS: {
        if (!node.spec.dvTimings)
            return fail(ENODATA);
        if (node.signal.first < 0)
            return fail(ENOLINK);
        auto* timings = static_cast<v4l2_dv_timings*>(argument);
        *timings = {};
        timings->type = V4L2_DV_BT_656_1120;
        timings->bt.width = static_cast<std::uint32_t>(node.signal.first);
        timings->bt.height = static_cast<std::uint32_t>(node.signal.second);
        return 0;
    }
    case VIDIOC_S_DV_TIMINGS: {
        if (!node.spec.dvTimings)
            return fail(ENODATA);
        if (node.streaming || !node.buffers.empty())
            return fail(EBUSY);
        const auto* timings = static_cast<const v4l2_dv_timings*>(argument);
        const std::pair<int, int> size{static_cast<int>(timings->bt.width),
                                       static_cast<int>(timings->bt.height)};
        node.timingsSet.push_back(size);
        if (size.first > 0)
            node.sourceSize = size;
        else
            node.sourceSize.reset();
        return 0;
    }
    case VIDIOC_STREAMOFF:
        if (node.owner != fd)
            return fail(EINVAL);
        node.streaming = false;
        node.queued.clear();
        return 0;
    default:
        return fail(ENOTTY);
    }
}

void* FakeKernel::mmap(std::size_t length, int /*protection*/, int /*flags*/, int fd, off_t offset)
{
    std::lock_guard lock(mutex_);
    Node* node = nodeOf(fd);
    const auto index = static_cast<std::size_t>(offset >> kBufferShift);
    if (node == nullptr || node->owner != fd || index >= node->buffers.size() ||
        node->buffers[index].size() != length) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    void* data = node->buffers[index].data();
    maps_[data] = length;
    return data;
}

int FakeKernel::munmap(void* address, std::size_t length)
{
    std::lock_guard lock(mutex_);
    auto it = maps_.find(address);
    if (it == maps_.end() || it->second != length) {
        ++badMunmaps_;
        errno = EINVAL;
        return -1;
    }
    maps_.erase(it);
    return 0;
}

short FakeKernel::readiness(const OpenFile& file)
{
    if (file.node.empty())
        return file.counter > 0 ? POLLIN : 0;
    Node& node = nodes_.at(file.node);
    if (node.gone)
        return POLLERR | POLLHUP;
    if (node.events.empty())
        return 0;
    switch (node.events.front().kind) {
    case FakeEvent::Kind::Vanish:
        return POLLERR;
    case FakeEvent::Kind::Timeout:
        return 0;
    case FakeEvent::Kind::SourceChange:
        return node.subscribed ? POLLPRI : 0;
    default:
        return node.queued.empty() ? 0 : POLLIN;
    }
}

int FakeKernel::poll(pollfd* fds, nfds_t count, int /*timeoutMs*/)
{
    std::unique_lock lock(mutex_);
    // A guard against a test that forgot to push: never wait forever.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        int ready = 0;
        bool timeout = false;
        for (nfds_t i = 0; i < count; ++i) {
            fds[i].revents = 0;
            auto it = files_.find(fds[i].fd);
            if (it == files_.end()) {
                fds[i].revents = POLLNVAL;
            } else {
                fds[i].revents = readiness(it->second);
                if (!it->second.node.empty()) {
                    auto& events = nodes_.at(it->second.node).events;
                    timeout = timeout ||
                              (!events.empty() && events.front().kind == FakeEvent::Kind::Timeout);
                }
            }
            if (fds[i].revents != 0)
                ++ready;
        }
        if (ready > 0)
            return ready;
        if (timeout) {
            for (auto& [fd, file] : files_) {
                if (!file.node.empty()) {
                    auto& events = nodes_.at(file.node).events;
                    if (!events.empty() && events.front().kind == FakeEvent::Kind::Timeout) {
                        events.pop_front();
                        break;
                    }
                }
            }
            return 0;
        }
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout)
            return 0;
    }
}

std::vector<std::pair<int, int>> FakeKernel::timingsSet(const std::string& name) const
{
    std::lock_guard lock(mutex_);
    auto it = nodes_.find(name);
    return it == nodes_.end() ? std::vector<std::pair<int, int>>{} : it->second.timingsSet;
}

int FakeKernel::eventfd()
{
    std::lock_guard lock(mutex_);
    const int fd = nextFd_++;
    files_[fd] = {};
    return fd;
}

int FakeKernel::signal(int eventFd)
{
    {
        std::lock_guard lock(mutex_);
        auto it = files_.find(eventFd);
        if (it == files_.end() || !it->second.node.empty()) {
            errno = EBADF;
            return -1;
        }
        ++it->second.counter;
    }
    changed_.notify_all();
    return 0;
}

std::vector<std::string> FakeKernel::listDirectory(const std::string& path)
{
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    if (path == "/dev") {
        for (const auto& [name, node] : nodes_) {
            if (!node.gone)
                names.push_back(name);
        }
    }
    for (const auto& [link, target] : links_) {
        const auto slash = link.rfind('/');
        if (link.substr(0, slash) == path)
            names.push_back(link.substr(slash + 1));
    }
    return names;
}

std::optional<std::string> FakeKernel::realPath(const std::string& path)
{
    std::lock_guard lock(mutex_);
    if (path == "/dev")
        return path;
    if (auto it = links_.find(path); it != links_.end())
        return it->second;
    for (const auto& [name, node] : nodes_) {
        if (node.gone)
            continue;
        if (path == "/dev/" + name)
            return path;
        if (path == "/sys/class/video4linux/" + name + "/device")
            return node.spec.sysfsDevice;
    }
    // Elsewhere (a test's scratch sysfs tree of real symbolic links): the real filesystem.
    if (path.rfind("/dev/", 0) != 0 && path.rfind("/sys/", 0) != 0)
        return backends::canonicalPath(path);
    return std::nullopt;
}

} // namespace usermedia::v4l2::testing
