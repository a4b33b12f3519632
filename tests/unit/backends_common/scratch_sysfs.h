// SPDX-License-Identifier: MIT
// A scratch sysfs tree of real directories and symbolic links, laid out as the kernel does:
// /devices/<path>/<subsystem>/<node>/device -> the device, /class/<subsystem>/<node> -> the node.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>

#include "unit/core/temp_dir.h"

namespace usermedia::testing {

class ScratchSysfs
{
public:
    ScratchSysfs()
    {
        std::error_code error;
        if (!directory_.path().empty())
            root_ = std::filesystem::canonical(directory_.path(), error).string();
    }

    /** Canonical (links resolved, as the backends will see it); empty when it failed. */
    const std::string& root() const { return root_; }

    /**
     * Adds node \p node of \p subsystem ("video4linux", "sound") under the device at \p device
     * ("/devices/platform/vivid.0"): the node's directory with its "device" link, and the class
     * link. Returns the node's devpath ("/devices/.../<subsystem>/<node>").
     */
    std::string addNode(const std::string& device, const std::string& subsystem,
                        const std::string& node)
    {
        const std::string devpath = device + "/" + subsystem + "/" + node;
        std::filesystem::create_directories(root_ + devpath);
        std::filesystem::create_directory_symlink("../..", root_ + devpath + "/device");
        std::filesystem::create_directories(root_ + "/class/" + subsystem);
        std::filesystem::create_directory_symlink("../.." + devpath,
                                                  root_ + "/class/" + subsystem + "/" + node);
        return devpath;
    }

private:
    TempDir directory_;
    std::string root_;
};

} // namespace usermedia::testing
