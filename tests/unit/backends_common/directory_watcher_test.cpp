// SPDX-License-Identifier: MIT
// base's DirectoryWatcher and the backends' NodeHotplug on a scratch directory: matching entries
// created, removed or renamed fire the callback; others do not; the directory itself may come
// later or go and come back; with Watch::Contents a rewritten file counts too.
// Waits are on a condition variable (hang guards), never sleeps.
#include "base/directory_watcher.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "backends/common/node_hotplug.h"

#include "unit/backends_common/counting_listener.h"
#include "unit/core/temp_dir.h"

namespace usermedia::backends {
namespace {

namespace fs = std::filesystem;

class DirectoryWatcherTest : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_FALSE(scratch_.path().empty()); }
    static void touch(const fs::path& path) { std::ofstream(path).put('x'); }

    // Only names starting with "node" count.
    static bool isNode(std::string_view name) { return name.rfind("node", 0) == 0; }

    const testing::TempDir scratch_;
    const fs::path root_ = scratch_.path();
    testing::CountingListener counter_;
};

TEST_F(DirectoryWatcherTest, MatchingEntriesFireAndOthersDoNot)
{
    const fs::path dir = root_ / "snd";
    fs::create_directory(dir);
    DirectoryWatcher watcher(dir.string(), isNode, [this] { counter_.onDevicesChanged(); });
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
    DirectoryWatcher watcher(dir.string(), isNode, [this] { counter_.onDevicesChanged(); });
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

TEST_F(DirectoryWatcherTest, ContentsWatchSeesAFileRewrittenInPlace)
{
    const fs::path file = root_ / "node-file";
    touch(file);
    DirectoryWatcher attributes(root_.string(), isNode, [this] { counter_.onDevicesChanged(); });
    testing::CountingListener contents;
    DirectoryWatcher both(
            root_.string(), isNode, [&contents] { contents.onDevicesChanged(); },
            DirectoryWatcher::Watch::Contents);
    ASSERT_TRUE(attributes.start());
    ASSERT_TRUE(both.start());
    std::ofstream(file, std::ios::app).put('y'); // written and closed, not created
    ASSERT_TRUE(contents.waitFor(1));
    // A later change both see, so the attribute-only watcher had its chance at the write.
    touch(root_ / "node-new");
    ASSERT_TRUE(counter_.waitFor(1));
    ASSERT_TRUE(contents.waitFor(2));
    EXPECT_EQ(counter_.count(), 1);
}

TEST_F(DirectoryWatcherTest, RestartsAfterStop)
{
    DirectoryWatcher watcher(root_.string(), isNode, [this] { counter_.onDevicesChanged(); });
    ASSERT_TRUE(watcher.start());
    watcher.stop();
    watcher.stop(); // twice is fine
    ASSERT_TRUE(watcher.start());
    touch(root_ / "node1");
    ASSERT_TRUE(counter_.waitFor(1));
}

// A backend's watch(): the listener hears the watcher and open devices (the notifier), and the
// notifier outlives the backend harmlessly; tests may keep the watcher off.
TEST_F(DirectoryWatcherTest, NodeHotplugTellsTheListenerFromTheWatcherAndTheNotifier)
{
    std::function<void()> notifier;
    {
        NodeHotplug hotplug("test", root_.string(), isNode, true);
        notifier = hotplug.notifier();
        hotplug.watch(&counter_);
        touch(root_ / "node1");
        ASSERT_TRUE(counter_.waitFor(1));
        const int watched = counter_.count();
        notifier();
        EXPECT_EQ(counter_.count(), watched + 1);
        hotplug.watch(nullptr);
        notifier(); // no listener
        touch(root_ / "node2");
        EXPECT_EQ(counter_.count(), watched + 1);
    }
    notifier(); // the backend is gone
    testing::CountingListener off;
    NodeHotplug disabled("test", root_.string(), isNode, false);
    disabled.watch(&off);
    disabled.notifier()();
    EXPECT_EQ(off.count(), 1);
    DirectoryWatcher marker(root_.string(), isNode, [this] { counter_.onDevicesChanged(); });
    const int before = counter_.count();
    ASSERT_TRUE(marker.start());
    touch(root_ / "node4");
    ASSERT_TRUE(counter_.waitFor(before + 1)); // node4 was seen here...
    EXPECT_EQ(off.count(), 1);                 // ...and not by the disabled watcher
}

} // namespace
} // namespace usermedia::backends
