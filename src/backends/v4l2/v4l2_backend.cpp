// SPDX-License-Identifier: MIT
#include "backends/v4l2/v4l2_backend.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include <fcntl.h>
#include <linux/videodev2.h>

#include "backends/common/node_hotplug.h"
#include "backends/common/physical_device.h"
#include "backends/v4l2/v4l2_device.h"
#include "base/log.h"

namespace usermedia::v4l2 {
namespace {

// "video12" -> 12; -1 for anything else (v4l-subdev0, video, videoX).
int videoNumber(const std::string& name)
{
    constexpr std::string_view prefix = "video";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
        return -1;
    int number = 0;
    for (std::size_t i = prefix.size(); i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9' || number > 100000)
            return -1;
        number = number * 10 + (name[i] - '0');
    }
    return number;
}

std::string cString(const std::uint8_t* text, std::size_t size)
{
    std::string result(reinterpret_cast<const char*>(text),
                       strnlen(reinterpret_cast<const char*>(text), size));
    while (!result.empty() && result.back() == ' ')
        result.pop_back();
    return result;
}

class V4l2Backend final : public Backend
{
public:
    explicit V4l2Backend(BackendOptions options)
        : sys_(options.sys ? std::move(options.sys) : realSys()),
          clock_(options.clock ? std::move(options.clock) : systemClock()),
          options_(std::move(options)),
          hotplug_(
                  "v4l2", options_.deviceDirectory,
                  [](std::string_view name) { return videoNumber(std::string(name)) >= 0; },
                  options_.watchDirectory)
    {}

    std::string_view name() const override { return "v4l2"; }

    Result<void> probe() override
    {
        // Cameras may be plugged in later: the backend works wherever the directory exists.
        if (!sys_->realPath(options_.deviceDirectory))
            return Error{ErrorName::NotFoundError, "v4l2: no " + options_.deviceDirectory, {}, 0};
        return {};
    }

    std::vector<DeviceDescription> enumerate() override
    {
        std::vector<DeviceDescription> descriptions;
        std::lock_guard lock(mutex_);
        nodes_ = discover();
        for (const NodeInfo& node : nodes_)
            descriptions.push_back(node.description);
        return descriptions;
    }

    void watch(HotplugListener* listener) override { hotplug_.watch(listener); }

    Result<std::unique_ptr<Device>> open(std::string_view id) override
    {
        std::optional<NodeInfo> node;
        {
            std::lock_guard lock(mutex_);
            for (int attempt = 0; attempt < 2 && !node; ++attempt) {
                for (const NodeInfo& known : nodes_) {
                    if (known.description.id == id)
                        node = known;
                }
                if (!node && attempt == 0)
                    nodes_ = discover(); // not seen yet, or renumbered since
            }
        }
        if (!node)
            return Error{ErrorName::NotFoundError,
                         "v4l2: no camera with id '" + std::string(id) + "'",
                         {},
                         0};
        const int fd = sys_->open(node->path, O_RDWR | O_NONBLOCK);
        if (fd < 0) {
            const int error = errno;
            const bool gone = error == ENOENT || error == ENODEV || error == ENXIO;
            return Error{gone ? ErrorName::NotFoundError : ErrorName::NotReadableError,
                         "v4l2: open " + node->path + " ('" + node->description.label +
                                 "'): " + std::strerror(error),
                         {},
                         error};
        }
        return std::unique_ptr<Device>(std::make_unique<V4l2Device>(sys_, clock_, std::move(*node),
                                                                    fd, hotplug_.notifier()));
    }

private:
    std::vector<NodeInfo> discover()
    {
        std::vector<std::pair<int, std::string>> names;
        for (const std::string& name : sys_->listDirectory(options_.deviceDirectory)) {
            if (const int number = videoNumber(name); number >= 0)
                names.emplace_back(number, name);
        }
        std::sort(names.begin(), names.end());
        const auto byId = links("by-id");
        const auto byPath = links("by-path");
        std::vector<NodeInfo> nodes;
        std::map<std::string, int> seen;
        for (const auto& [number, name] : names) {
            auto node = inspect(name, byId, byPath);
            if (!node)
                continue;
            // Two nodes of one device with the same fallback identity stay distinct.
            if (const int count = seen[node->description.id]++; count > 0)
                node->description.id += "#" + std::to_string(count);
            nodes.push_back(std::move(*node));
        }
        return nodes;
    }

    // Symbolic links under <dev>/v4l/<kind> by the node they resolve to.
    std::map<std::string, std::string> links(const std::string& kind)
    {
        std::map<std::string, std::string> result;
        const std::string directory = options_.deviceDirectory + "/v4l/" + kind;
        auto names = sys_->listDirectory(directory);
        std::sort(names.begin(), names.end());
        for (const std::string& name : names) {
            if (auto target = sys_->realPath(directory + "/" + name); target)
                result.emplace(*target, name); // the first name (sorted) of a node wins
        }
        return result;
    }

    std::optional<NodeInfo> inspect(const std::string& name,
                                    const std::map<std::string, std::string>& byId,
                                    const std::map<std::string, std::string>& byPath)
    {
        const std::string path = options_.deviceDirectory + "/" + name;
        const int fd = sys_->open(path, O_RDWR | O_NONBLOCK);
        if (fd < 0) {
            UM_LOG(V4l2, Debug) << "open " << path << ": " << std::strerror(errno);
            return std::nullopt;
        }
        std::optional<NodeInfo> node;
        v4l2_capability capability{};
        if (sys_->ioctl(fd, VIDIOC_QUERYCAP, &capability) == 0) {
            const std::uint32_t caps = (capability.capabilities & V4L2_CAP_DEVICE_CAPS) != 0
                                               ? capability.device_caps
                                               : capability.capabilities;
            // Capture nodes only: metadata, output, VBI and radio nodes have neither bit.
            const bool single = (caps & V4L2_CAP_VIDEO_CAPTURE) != 0;
            const bool multi = (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) != 0;
            if ((single || multi) && (caps & V4L2_CAP_STREAMING) != 0) {
                NodeInfo info;
                info.path = path;
                info.bufferType =
                        single ? V4L2_BUF_TYPE_VIDEO_CAPTURE : V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
                // Enumerating every format x size x interval costs hundreds of ioctls; a node
                // that is still the same device (same card, bus and caps) keeps its modes.
                const std::string identity =
                        cString(capability.card, sizeof capability.card) + '\n' +
                        cString(capability.bus_info, sizeof capability.bus_info) + '\n' +
                        std::to_string(caps);
                auto cached = modeCache_.find(path);
                if (cached != modeCache_.end() && cached->second.first == identity) {
                    info.modes = cached->second.second;
                } else {
                    info.modes = enumerateModes(*sys_, fd, info.bufferType);
                    modeCache_[path] = {identity, info.modes};
                }
                if (!info.modes.modes.empty()) {
                    describe(info, name, capability, byId, byPath);
                    node = std::move(info);
                } else {
                    UM_LOG(V4l2, Info) << path << ": no pixel format usermedia can convert";
                }
            }
        }
        sys_->close(fd);
        return node;
    }

    void describe(NodeInfo& info, const std::string& name, const v4l2_capability& capability,
                  const std::map<std::string, std::string>& byId,
                  const std::map<std::string, std::string>& byPath)
    {
        DeviceDescription& d = info.description;
        d.kind = MediaDeviceKind::VideoInput;
        d.label = cString(capability.card, sizeof capability.card);
        const std::string bus = cString(capability.bus_info, sizeof capability.bus_info);
        if (d.label.empty())
            d.label = name;
        d.videoModes = info.modes.modes;
        // The stable identity: udev's by-id link (vendor, model, serial), else the by-path
        // link (the port), else the bus and card, which survive renumbering of /dev/videoN.
        const auto real = sys_->realPath(info.path).value_or(info.path);
        if (auto it = byId.find(real); it != byId.end())
            d.id = "v4l2:by-id:" + it->second;
        else if (auto at = byPath.find(real); at != byPath.end())
            d.id = "v4l2:by-path:" + at->second;
        else
            d.id = "v4l2:" + bus + ":" + d.label;
        // The physical device (backends/common/physical_device.h), shared with the sound
        // card of a webcam's microphone.
        const std::string link = options_.sysfsDirectory + "/class/video4linux/" + name + "/device";
        d.groupId = backends::groupIdOfDeviceLink(link, [this](const std::string& path) {
                        return sys_->realPath(path);
                    }).value_or("v4l2-bus:" + bus);
    }

    const std::shared_ptr<Sys> sys_;
    const std::shared_ptr<Clock> clock_;
    const BackendOptions options_;
    std::mutex mutex_;
    std::vector<NodeInfo> nodes_; // the last discovery, for open()
    // Modes by node path and device identity; guarded by mutex_, like nodes_.
    std::map<std::string, std::pair<std::string, NodeModes>> modeCache_;
    backends::NodeHotplug hotplug_; // last: its watcher stops before the members go
};

} // namespace

std::unique_ptr<Backend> createV4l2Backend(BackendOptions options)
{
    return std::make_unique<V4l2Backend>(std::move(options));
}

std::unique_ptr<Backend> createV4l2Backend(std::shared_ptr<Clock> clock)
{
    BackendOptions options;
    options.clock = std::move(clock);
    return createV4l2Backend(std::move(options));
}

} // namespace usermedia::v4l2
