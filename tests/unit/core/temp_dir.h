// SPDX-License-Identifier: MIT
// A fresh directory per test, removed afterwards: each test gets its own permission store.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace usermedia::testing {

class TempDir
{
public:
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "um-perm-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr)
            path_ = pattern;
    }
    ~TempDir()
    {
        std::error_code ignored;
        if (!path_.empty())
            std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

} // namespace usermedia::testing
