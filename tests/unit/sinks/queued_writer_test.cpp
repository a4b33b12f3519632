// SPDX-License-Identifier: MIT
#include "sinks/queued_writer.h"

#include <latch>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sinks/wav_writer.h"
#include "sinks/y4m_writer.h"

#include "unit/sinks/sink_test_support.h"

namespace usermedia {
namespace {

using testing::makeAudio;
using testing::makeSolidFrame;
using testing::parseWav;
using testing::readFile;
using testing::TempDir;

/**
 * A writer the test drives: every write() announces itself on `entered`, then waits for `gate`
 * to open, and records the item (or fails on `failOn`). No wall-clock waits anywhere.
 */
struct ControlledWriter
{
    std::latch gate{1};
    std::counting_semaphore<> entered{0};
    std::mutex mutex;
    std::vector<int> items; // guarded by mutex
    int failOn = -1;

    Result<void> write(int item)
    {
        entered.release();
        gate.wait();
        if (item == failOn)
            return Error{ErrorName::AbortError, "disk gone at item " + std::to_string(item), {}, 0};
        std::lock_guard lock(mutex);
        items.push_back(item);
        return {};
    }

    std::vector<int> written()
    {
        std::lock_guard lock(mutex);
        return items;
    }

    QueuedWriter<int>::WriteFunction writeFunction()
    {
        return [this](const int& item) {
            return write(item);
        };
    }
};

TEST(QueuedWriter, DropsAndCountsWhenTheWriterIsSlow)
{
    ControlledWriter writer;
    QueuedWriter<int> queue(2, writer.writeFunction());
    EXPECT_EQ(queue.capacity(), 2U);
    ASSERT_TRUE(queue.push(1));
    writer.entered.acquire(); // the worker holds item 1 and is blocked: the queue is empty

    EXPECT_TRUE(queue.push(2));
    EXPECT_TRUE(queue.push(3));
    EXPECT_FALSE(queue.push(4)); // full: dropped at once instead of waiting
    EXPECT_FALSE(queue.push(5));
    EXPECT_EQ(queue.dropped(), 2U);
    EXPECT_EQ(queue.pending(), 2U);

    writer.gate.count_down();
    ASSERT_TRUE(queue.close());
    EXPECT_EQ(writer.written(), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(queue.written(), 3U);
    EXPECT_EQ(queue.dropped(), 2U);
    EXPECT_FALSE(queue.lastError());
}

TEST(QueuedWriter, CloseDrainsEverythingQueued)
{
    ControlledWriter writer;
    int closeCalls = 0;
    std::vector<int> writtenAtClose;
    QueuedWriter<int> queue(8, writer.writeFunction(), [&]() -> Result<void> {
        ++closeCalls;
        writtenAtClose = writer.written();
        return {};
    });
    ASSERT_TRUE(queue.push(0));
    writer.entered.acquire();
    for (int i = 1; i < 8; ++i)
        ASSERT_TRUE(queue.push(i));
    EXPECT_EQ(queue.pending(), 7U);

    writer.gate.count_down();
    ASSERT_TRUE(queue.close());
    const std::vector<int> all = {0, 1, 2, 3, 4, 5, 6, 7};
    EXPECT_EQ(writer.written(), all);
    EXPECT_EQ(writtenAtClose, all); // the close function runs after the last write
    EXPECT_EQ(closeCalls, 1);
    EXPECT_TRUE(queue.close()); // a second close does not run it again
    EXPECT_EQ(closeCalls, 1);
    EXPECT_FALSE(queue.push(9)); // closed: refused and counted
    EXPECT_EQ(queue.dropped(), 1U);
}

TEST(QueuedWriter, TheFirstWriteErrorStopsTheWorkerAndIsReported)
{
    ControlledWriter writer;
    writer.failOn = 2;
    bool closeCalled = false;
    QueuedWriter<int> queue(8, writer.writeFunction(), [&]() -> Result<void> {
        closeCalled = true;
        return {};
    });
    ASSERT_TRUE(queue.push(1));
    writer.entered.acquire();
    for (int i = 2; i <= 4; ++i)
        ASSERT_TRUE(queue.push(i));
    writer.gate.count_down();

    Result<void> closed = queue.close();
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().name, ErrorName::AbortError);
    EXPECT_EQ(closed.error().message, "disk gone at item 2");
    ASSERT_TRUE(queue.lastError());
    EXPECT_EQ(queue.lastError()->message, "disk gone at item 2");
    EXPECT_EQ(writer.written(), (std::vector<int>{1}));
    EXPECT_EQ(queue.written(), 1U);
    EXPECT_EQ(queue.dropped(), 2U); // items 3 and 4 never reached the writer
    EXPECT_TRUE(closeCalled);       // the file still gets finalized
    EXPECT_FALSE(queue.close());    // and the error stays
}

TEST(QueuedWriter, PushAfterAWriteErrorIsRefused)
{
    ControlledWriter writer;
    writer.failOn = 1;
    writer.gate.count_down();
    QueuedWriter<int> queue(4, writer.writeFunction());
    ASSERT_TRUE(queue.push(1));
    // The worker records the failure just after the write returns; wait for it on its state.
    while (!queue.lastError())
        std::this_thread::yield();
    EXPECT_FALSE(queue.push(2));
    EXPECT_EQ(queue.dropped(), 1U);
    EXPECT_FALSE(queue.close());
    EXPECT_EQ(queue.written(), 0U);
    EXPECT_TRUE(writer.written().empty());
}

TEST(QueuedWriter, ACloseErrorIsReportedWhenEveryWriteSucceeded)
{
    ControlledWriter writer;
    writer.gate.count_down();
    QueuedWriter<int> queue(4, writer.writeFunction(), []() -> Result<void> {
        return Error{ErrorName::AbortError, "fsync failed", {}, 0};
    });
    ASSERT_TRUE(queue.push(1));
    Result<void> closed = queue.close();
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().message, "fsync failed");
    EXPECT_EQ(writer.written(), (std::vector<int>{1}));
}

TEST(QueuedWriter, TheDestructorDrainsAndJoins)
{
    ControlledWriter writer;
    {
        QueuedWriter<int> queue(4, writer.writeFunction());
        ASSERT_TRUE(queue.push(1));
        ASSERT_TRUE(queue.push(2));
        writer.gate.count_down();
    }
    EXPECT_EQ(writer.written(), (std::vector<int>{1, 2}));
}

TEST(QueuedWriter, RecordsVideoFramesToAY4mFile)
{
    TempDir dir;
    const std::string path = dir.file("queued.y4m");
    auto writer = Y4mWriter::create(path, 4, 4, 30);
    ASSERT_TRUE(writer);
    auto queue = makeQueuedWriter<VideoFrame>(std::move(*writer));
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(queue->push(makeSolidFrame(VideoPixelFormat::NV12, 4, 4, 10, 20, 30)));
    ASSERT_TRUE(queue->close());
    EXPECT_EQ(queue->written(), 3U);
    const std::size_t header = std::string("YUV4MPEG2 W4 H4 F30:1 Ip A1:1 C420jpeg\n").size();
    EXPECT_EQ(readFile(path).size(), header + std::size_t{3} * (6 + 24));
}

TEST(QueuedWriter, RecordsAudioToAWavFileAndReportsMismatches)
{
    TempDir dir;
    const std::string path = dir.file("queued.wav");
    auto writer = WavWriter::create(path, 8000, 1, WavSampleFormat::S16);
    ASSERT_TRUE(writer);
    auto queue = makeQueuedWriter<AudioBuffer>(std::move(*writer), 4);
    ASSERT_TRUE(queue->push(makeAudio<float>(8000, 1, std::vector<float>(80, 0.5F))));
    ASSERT_TRUE(queue->push(makeAudio<float>(8000, 2, std::vector<float>(160, 0.5F))));
    Result<void> closed = queue->close();
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().name, ErrorName::TypeError);
    auto wav = parseWav(readFile(path)); // closed and patched despite the error
    ASSERT_TRUE(wav);
    EXPECT_EQ(wav->data.size(), 160U);
}

} // namespace
} // namespace usermedia
