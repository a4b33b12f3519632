// SPDX-License-Identifier: MIT
// The shared /dev watcher on a scratch directory: matching entries created, removed or renamed
// fire the callback; others do not; the directory itself may come later or go and come back.
// Waits are on a condition variable (hang guards), never sleeps.
#include "backends/common/directory_watcher.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <gtest/gtest.h>

namespace usermedia::backends {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class Counter
{
public:
    void bump()
    {
        std::lock_guard lock(mutex_);
        ++count_;
        changed_.notify_all();
    }
    bool waitFor(int count)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return count_ >= count; });
    }
    int count()
    {
        std::lock_guard lock(mutex_);
        return count_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int count_ = 0;
};

class DirectoryWatcherTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "um-watch-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
    }
    void TearDown() override
    {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }
    static void touch(const fs::path& path) { std::ofstream(path).put('x'); }

    // Only names starting with "node" count.
    static bool isNode(std::string_view name) { return name.rfind("node", 0) == 0; }

    fs::path root_;
    Counter counter_;
};

TEST_F(DirectoryWatcherTest, MatchingEntriesFireAndOthersDoNot)
{
    const fs::path dir = root_ / "snd";
    fs::create_directory(dir);
    DirectoryWatcher watcher(dir.string(), isNode, [this] { counter_.bump(); });
    ASSERT_TRUE(watcher.start());
    ASSERT_TRUE(watcher.start()); // once
    EXPECT_TRUE(watcher.running());
    touch(dir / "other");
    touch(dir / "node1");
    ASSERT_TRUE(counter_.waitFor(1));
    // "other" came first and "node1" is one batch or two: no more than that counted so far.
    const int created = counter_.count();
    EXPECT_LE(created, 2);
    fs::rename(dir / "node1", dir / "node2");
    ASSERT_TRUE(counter_.waitFor(created + 1));
    const int renamed = counter_.count();
    fs::remove(dir / "node2");
    ASSERT_TRUE(counter_.waitFor(renamed + 1));
    // Something unrelated, then a marker: the marker's event is the only one counted.
    const int removed = counter_.count();
    touch(dir / "other2");
    fs::remove(dir / "other");
    touch(dir / "node3");
    ASSERT_TRUE(counter_.waitFor(removed + 1));
    watcher.stop();
    EXPECT_FALSE(watcher.running());
    EXPECT_EQ(counter_.count(), removed + 1);
    // Stopped: nothing fires any more.
    touch(dir / "node4");
    EXPECT_EQ(counter_.count(), removed + 1);
}

// devtmpfs creates /dev/snd with the first sound card and removes it with the last.
TEST_F(DirectoryWatcherTest, ADirectoryThatAppearsLaterOrComesBackIsWatched)
{
    const fs::path dir = root_ / "snd";
    DirectoryWatcher watcher(dir.string(), isNode, [this] { counter_.bump(); });
    ASSERT_TRUE(watcher.start());
    fs::create_directory(dir);
    ASSERT_TRUE(counter_.waitFor(1)); // its creation is a change
    const int created = counter_.count();
    touch(dir / "node1");
    ASSERT_TRUE(counter_.waitFor(created + 1));
    const int added = counter_.count();
    fs::remove_all(dir);
    ASSERT_TRUE(counter_.waitFor(added + 1));
    const int gone = counter_.count();
    fs::create_directory(dir);
    ASSERT_TRUE(counter_.waitFor(gone + 1));
    const int back = counter_.count();
    touch(dir / "node2");
    ASSERT_TRUE(counter_.waitFor(back + 1));
}

TEST_F(DirectoryWatcherTest, RestartsAfterStop)
{
    DirectoryWatcher watcher(root_.string(), isNode, [this] { counter_.bump(); });
    ASSERT_TRUE(watcher.start());
    watcher.stop();
    watcher.stop(); // twice is fine
    ASSERT_TRUE(watcher.start());
    touch(root_ / "node1");
    ASSERT_TRUE(counter_.waitFor(1));
}

} // namespace
} // namespace usermedia::backends
