// SPDX-License-Identifier: MIT
// A fake kernel behind the V4L2 seam: capture nodes with scripted formats, sizes and intervals,
// fault injection (open/S_FMT/STREAMON errors, error-flagged buffers, poll timeouts, a node that
// vanishes) and bookkeeping of fds and mappings so tests can check nothing leaks.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <linux/videodev2.h>

#include "backends/v4l2/v4l2_sys.h"

namespace usermedia::v4l2::testing {

struct FakeFormat
{
    std::uint32_t fourcc = V4L2_PIX_FMT_YUYV;
    std::vector<std::pair<int, int>> sizes;             ///< discrete sizes
    std::optional<v4l2_frmsize_stepwise> range;         ///< or a stepwise range
    bool continuousSizes = false;                       ///< report the range as continuous
    std::vector<v4l2_fract> intervals = {{1, 30}};      ///< discrete intervals
    std::optional<v4l2_frmival_stepwise> intervalRange; ///< or a range
    bool continuousIntervals = false;
};

struct FakeNode
{
    std::string name = "video0";
    std::string card = "Fake Camera";
    std::string bus = "usb-0000:00:14.0-1";
    std::uint32_t caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
    std::vector<FakeFormat> formats;
    std::optional<std::string> sysfsDevice; ///< what /sys/class/video4linux/<name>/device is
    int openErrno = 0;
    int streamOnErrno = 0;
    std::uint32_t padding = 0;      ///< bytes added to every row (bytesperline > width * bpp)
    bool sourceChangeEvents = true; ///< VIDIOC_SUBSCRIBE_EVENT(V4L2_EVENT_SOURCE_CHANGE) works
    /// An HDMI receiver: a source change is queried (VIDIOC_QUERY_DV_TIMINGS) and S_FMT follows
    /// only once VIDIOC_S_DV_TIMINGS set it; otherwise ENODATA, and S_FMT follows at once.
    bool dvTimings = false;
    int input = 0; ///< VIDIOC_G_INPUT; source change events come for this id only
};

/** What the next DQBUF (or poll) sees. */
struct FakeEvent
{
    enum class Kind
    {
        Frame,      ///< a good frame, every byte \p fill
        ErrorFrame, ///< V4L2_BUF_FLAG_ERROR
        Timeout,    ///< poll returns 0 once
        Vanish,     ///< the node is unplugged: POLLERR, ENODEV
        /// The source's resolution changes to \p width x \p height (0 x 0: S_FMT may choose any
        /// size again, as with a scaler; a negative width: the signal is lost): POLLPRI and
        /// V4L2_EVENT_SOURCE_CHANGE when subscribed; from then on S_FMT gives that size.
        SourceChange,
    };
    Kind kind = Kind::Frame;
    std::uint8_t fill = 0;
    std::uint32_t bytesUsed = 0;     ///< 0: the whole image
    std::chrono::nanoseconds age{0}; ///< how long before monotonicNow() the driver stamped it
    bool repeatSequence = false;     ///< Frame: the previous buffer's sequence again
    int width = 0;                   ///< SourceChange: the new size
    int height = 0;
};

class FakeKernel final : public Sys
{
public:
    void addNode(FakeNode node);
    /** A symbolic link (e.g. /dev/v4l/by-id/usb-cam -> /dev/video0). */
    void addLink(const std::string& path, const std::string& target);
    /** Queues events for a node, atomically (one poll sees them all). */
    void push(const std::string& name, const std::vector<FakeEvent>& events);

    /** Waits (10 s guard) until every event was consumed and every buffer is queued again. */
    bool waitIdle(const std::string& name);

    /** How many times \p request was made (any fd). */
    int calls(unsigned long request) const;

    int openFds() const;    ///< fds open now (device nodes and eventfds)
    int mappings() const;   ///< buffers mapped now
    int badMunmaps() const; ///< munmap of something not mapped
    /** The sizes VIDIOC_S_DV_TIMINGS set on \p name, in order. */
    std::vector<std::pair<int, int>> timingsSet(const std::string& name) const;
    std::chrono::nanoseconds now() const { return kNow; }

    static constexpr std::chrono::nanoseconds kNow = std::chrono::seconds(100);

    int open(const std::string& path, int flags) override;
    int close(int fd) override;
    int ioctl(int fd, unsigned long request, void* argument) override;
    void* mmap(std::size_t length, int protection, int flags, int fd, off_t offset) override;
    int munmap(void* address, std::size_t length) override;
    int poll(pollfd* fds, nfds_t count, int timeoutMs) override;
    int eventfd() override;
    int signal(int eventFd) override;
    std::vector<std::string> listDirectory(const std::string& path) override;
    std::optional<std::string> realPath(const std::string& path) override;
    std::chrono::nanoseconds monotonicNow() override { return kNow; }

private:
    struct Node
    {
        FakeNode spec;
        std::deque<FakeEvent> events;
        bool gone = false;
        std::uint32_t fourcc = 0;
        int width = 0;
        int height = 0;
        std::uint32_t bytesPerLine = 0;
        std::uint32_t sizeImage = 0;
        v4l2_fract timePerFrame{1, 30};
        int owner = -1; ///< the fd holding the buffers
        std::vector<std::vector<std::uint8_t>> buffers;
        std::deque<std::uint32_t> queued;
        bool streaming = false;
        std::uint32_t sequence = 0;
        bool subscribed = false;                       ///< to V4L2_EVENT_SOURCE_CHANGE
        std::optional<std::pair<int, int>> sourceSize; ///< what S_FMT gives after a change
        std::pair<int, int> signal{0, 0};              ///< what QUERY_DV_TIMINGS finds
        std::vector<std::pair<int, int>> timingsSet;   ///< every S_DV_TIMINGS
    };
    struct OpenFile
    {
        std::string node; ///< empty for an eventfd
        std::uint64_t counter = 0;
    };

    int deviceIoctl(int fd, Node& node, unsigned long request, void* argument);
    const FakeFormat* findFormat(const Node& node, std::uint32_t fourcc) const;
    void setFormat(Node& node, v4l2_pix_format& pix) const;
    short readiness(const OpenFile& file);
    Node* nodeOf(int fd);

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, Node> nodes_;
    std::map<std::string, std::string> links_;
    std::map<int, OpenFile> files_;
    std::map<const void*, std::size_t> maps_;
    int badMunmaps_ = 0;
    std::map<unsigned long, int> calls_;
    int nextFd_ = 100;
};

} // namespace usermedia::v4l2::testing
