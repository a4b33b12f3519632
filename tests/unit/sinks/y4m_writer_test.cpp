// SPDX-License-Identifier: MIT
#include "sinks/y4m_writer.h"

#include <cerrno>
#include <cmath>
#include <csignal>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit/sinks/sink_test_support.h"

namespace usermedia {
namespace {

using testing::makeFrame;
using testing::makeSolidFrame;
using testing::readFile;
using testing::TempDir;

std::uint8_t pattern(int plane, int row, int byte)
{
    return static_cast<std::uint8_t>(plane * 60 + row * 7 + byte * 3 + 1);
}

std::string header(int width, int height, const std::string& rate)
{
    return "YUV4MPEG2 W" + std::to_string(width) + " H" + std::to_string(height) + " F" + rate +
           " Ip A1:1 C420jpeg\n";
}

void appendString(std::vector<std::uint8_t>& out, const std::string& text)
{
    out.insert(out.end(), text.begin(), text.end());
}

/** The FRAME record a correct writer produces for makeFrame(format, w, h, _, pattern). */
std::vector<std::uint8_t> expectedRecord(VideoPixelFormat format, int width, int height)
{
    const int chromaWidth = (width + 1) / 2;
    const int chromaHeight = (height + 1) / 2;
    std::vector<std::uint8_t> out;
    appendString(out, "FRAME\n");
    for (int row = 0; row < height; ++row) {
        for (int x = 0; x < width; ++x)
            out.push_back(pattern(0, row, x));
    }
    for (int component = 0; component < 2; ++component) {
        for (int row = 0; row < chromaHeight; ++row) {
            for (int x = 0; x < chromaWidth; ++x) {
                const bool planar = format == VideoPixelFormat::I420;
                out.push_back(planar ? pattern(1 + component, row, x)
                                     : pattern(1, row, 2 * x + component));
            }
        }
    }
    return out;
}

std::unique_ptr<Y4mWriter> createWriter(const std::string& path, int width, int height,
                                        double rate = 30)
{
    auto writer = Y4mWriter::create(path, width, height, rate);
    EXPECT_TRUE(writer) << writer.error().message;
    return writer ? std::move(*writer) : nullptr;
}

TEST(FrameRateFraction, WholeRatesAreOverOne)
{
    EXPECT_EQ(*frameRateFraction(30), (FrameRateFraction{30, 1}));
    EXPECT_EQ(*frameRateFraction(1), (FrameRateFraction{1, 1}));
    EXPECT_EQ(*frameRateFraction(120), (FrameRateFraction{120, 1}));
}

TEST(FrameRateFraction, NtscRatesAreOver1001)
{
    EXPECT_EQ(*frameRateFraction(29.97), (FrameRateFraction{30000, 1001}));
    EXPECT_EQ(*frameRateFraction(23.976), (FrameRateFraction{24000, 1001}));
    EXPECT_EQ(*frameRateFraction(59.94), (FrameRateFraction{60000, 1001}));
    EXPECT_EQ(*frameRateFraction(14.985), (FrameRateFraction{15000, 1001}));
    EXPECT_EQ(*frameRateFraction(30000.0 / 1001), (FrameRateFraction{30000, 1001}));
}

TEST(FrameRateFraction, OtherRatesAreTheSimplestFraction)
{
    EXPECT_EQ(*frameRateFraction(7.5), (FrameRateFraction{15, 2}));
    EXPECT_EQ(*frameRateFraction(12.5), (FrameRateFraction{25, 2}));
    EXPECT_EQ(*frameRateFraction(0.5), (FrameRateFraction{1, 2}));
    EXPECT_EQ(*frameRateFraction(1.0 / 3), (FrameRateFraction{1, 3}));
    EXPECT_EQ(*frameRateFraction(2.0 / 3), (FrameRateFraction{2, 3}));
    EXPECT_EQ(*frameRateFraction(29.5), (FrameRateFraction{59, 2}));
    EXPECT_EQ(*frameRateFraction(10.25), (FrameRateFraction{41, 4}));
}

TEST(FrameRateFraction, RejectsRatesThatAreNotPositiveFinite)
{
    for (double bad : {0.0, -30.0, std::nan(""), HUGE_VAL, 2e6}) {
        Result<FrameRateFraction> rate = frameRateFraction(bad);
        ASSERT_FALSE(rate) << bad;
        EXPECT_EQ(rate.error().name, ErrorName::TypeError);
    }
}

TEST(Y4mWriter, WritesTheHeaderWithTheRateAsAFraction)
{
    TempDir dir;
    const std::string path = dir.file("header.y4m");
    auto writer = createWriter(path, 640, 480, 29.97);
    ASSERT_TRUE(writer);
    EXPECT_EQ(writer->frameRate(), (FrameRateFraction{30000, 1001}));
    ASSERT_TRUE(writer->close());
    const std::vector<std::uint8_t> bytes = readFile(path);
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), header(640, 480, "30000:1001"));
}

TEST(Y4mWriter, CopiesI420WithPaddedStridesExactly)
{
    TempDir dir;
    const std::string path = dir.file("i420.y4m");
    auto writer = createWriter(path, 6, 4, 7.5);
    ASSERT_TRUE(writer);
    const VideoFrame frame = makeFrame(VideoPixelFormat::I420, 6, 4, 5, pattern);
    ASSERT_TRUE(writer->write(frame));
    ASSERT_TRUE(writer->write(frame));
    ASSERT_TRUE(writer->close());

    std::vector<std::uint8_t> expected;
    appendString(expected, header(6, 4, "15:2"));
    const std::vector<std::uint8_t> record = expectedRecord(VideoPixelFormat::I420, 6, 4);
    expected.insert(expected.end(), record.begin(), record.end());
    expected.insert(expected.end(), record.begin(), record.end());
    EXPECT_EQ(readFile(path), expected);
    EXPECT_EQ(writer->framesWritten(), 2U);
    EXPECT_EQ(writer->scaledFrames(), 0U);
}

TEST(Y4mWriter, HandlesOddSizesWithRoundedUpChroma)
{
    TempDir dir;
    const std::string path = dir.file("odd.y4m");
    auto writer = createWriter(path, 5, 3);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write(makeFrame(VideoPixelFormat::I420, 5, 3, 2, pattern)));
    ASSERT_TRUE(writer->close());

    std::vector<std::uint8_t> expected;
    appendString(expected, header(5, 3, "30:1"));
    const std::vector<std::uint8_t> record = expectedRecord(VideoPixelFormat::I420, 5, 3);
    expected.insert(expected.end(), record.begin(), record.end());
    EXPECT_EQ(readFile(path), expected);
}

TEST(Y4mWriter, ConvertsNv12WithPaddedStridesToI420Exactly)
{
    TempDir dir;
    const std::string path = dir.file("nv12.y4m");
    auto writer = createWriter(path, 8, 6);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write(makeFrame(VideoPixelFormat::NV12, 8, 6, 7, pattern)));
    ASSERT_TRUE(writer->close());

    std::vector<std::uint8_t> expected;
    appendString(expected, header(8, 6, "30:1"));
    const std::vector<std::uint8_t> record = expectedRecord(VideoPixelFormat::NV12, 8, 6);
    expected.insert(expected.end(), record.begin(), record.end());
    EXPECT_EQ(readFile(path), expected);
}

/** The record of a solid 4x4 frame: what any scaler must produce from a solid picture. */
std::vector<std::uint8_t> solidRecord4x4(std::uint8_t y, std::uint8_t u, std::uint8_t v)
{
    std::vector<std::uint8_t> out;
    appendString(out, "FRAME\n");
    out.insert(out.end(), 16, y);
    out.insert(out.end(), 4, u);
    out.insert(out.end(), 4, v);
    return out;
}

TEST(Y4mWriter, ScalesFramesOfAnotherSizeToTheHeaderSizeAndCountsThem)
{
    TempDir dir;
    const std::string path = dir.file("scaled.y4m");
    auto writer = createWriter(path, 4, 4);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write(makeSolidFrame(VideoPixelFormat::I420, 8, 8, 100, 50, 200)));
    ASSERT_TRUE(writer->write(makeSolidFrame(VideoPixelFormat::NV12, 12, 6, 30, 90, 160)));
    ASSERT_TRUE(writer->write(makeSolidFrame(VideoPixelFormat::I420, 4, 4, 16, 128, 128)));
    ASSERT_TRUE(writer->write(makeSolidFrame(VideoPixelFormat::NV12, 2, 2, 235, 10, 240)));
    ASSERT_TRUE(writer->close());
    EXPECT_EQ(writer->framesWritten(), 4U);
    EXPECT_EQ(writer->scaledFrames(), 3U);

    std::vector<std::uint8_t> expected;
    appendString(expected, header(4, 4, "30:1"));
    for (const auto& record : {solidRecord4x4(100, 50, 200), solidRecord4x4(30, 90, 160),
                               solidRecord4x4(16, 128, 128), solidRecord4x4(235, 10, 240)}) {
        expected.insert(expected.end(), record.begin(), record.end());
    }
    EXPECT_EQ(readFile(path), expected);
}

TEST(Y4mWriter, ScalingKeepsWhereThingsAre)
{
    // Left half dark, right half bright: after halving, the columns must stay on their side.
    TempDir dir;
    const std::string path = dir.file("halves.y4m");
    auto writer = createWriter(path, 4, 2);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write(
            makeFrame(VideoPixelFormat::I420, 8, 4, 0, [](int plane, int, int x) -> std::uint8_t {
                if (plane != 0)
                    return 128;
                return x < 4 ? 20 : 220;
            })));
    ASSERT_TRUE(writer->close());
    const std::vector<std::uint8_t> bytes = readFile(path);
    const std::size_t luma = header(4, 2, "30:1").size() + 6;
    ASSERT_GE(bytes.size(), luma + 8);
    const std::vector<std::uint8_t> row(bytes.begin() + luma, bytes.begin() + luma + 4);
    EXPECT_EQ(row, (std::vector<std::uint8_t>{20, 20, 220, 220}));
}

TEST(Y4mWriter, FramesAreInTheFileBeforeClose)
{
    // No user-space buffer: what write() accepted survives a crash before close().
    TempDir dir;
    const std::string path = dir.file("early.y4m");
    auto writer = createWriter(path, 6, 4);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write(makeFrame(VideoPixelFormat::I420, 6, 4, 1, pattern)));
    std::vector<std::uint8_t> expected;
    appendString(expected, header(6, 4, "30:1"));
    const std::vector<std::uint8_t> record = expectedRecord(VideoPixelFormat::I420, 6, 4);
    expected.insert(expected.end(), record.begin(), record.end());
    EXPECT_EQ(readFile(path), expected);
}

TEST(Y4mWriter, AnUnwritablePathGivesAnErrorNamingIt)
{
    TempDir dir;
    const std::string path = dir.file("no-such-dir/out.y4m");
    auto writer = Y4mWriter::create(path, 4, 4, 30);
    ASSERT_FALSE(writer);
    EXPECT_EQ(writer.error().name, ErrorName::AbortError);
    EXPECT_EQ(writer.error().osError, ENOENT);
    EXPECT_NE(writer.error().message.find(path), std::string::npos) << writer.error().message;
}

TEST(Y4mWriter, RejectsBadSizesAndRates)
{
    TempDir dir;
    for (auto [width, height] : {std::pair{0, 4}, {4, -1}, {Y4mWriter::kMaxDimension + 1, 4}}) {
        auto writer = Y4mWriter::create(dir.file("bad.y4m"), width, height, 30);
        ASSERT_FALSE(writer);
        EXPECT_EQ(writer.error().name, ErrorName::TypeError);
    }
    auto writer = Y4mWriter::create(dir.file("bad.y4m"), 4, 4, 0);
    ASSERT_FALSE(writer);
    EXPECT_EQ(writer.error().name, ErrorName::TypeError);
}

TEST(Y4mWriter, RejectsInvalidFramesAndKeepsGoing)
{
    TempDir dir;
    const std::string path = dir.file("invalid.y4m");
    auto writer = createWriter(path, 4, 4);
    ASSERT_TRUE(writer);

    Result<void> empty = writer->write(VideoFrame());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().name, ErrorName::TypeError);

    VideoFrame::Init shortStride;
    shortStride.format = VideoPixelFormat::NV12;
    shortStride.width = 4;
    shortStride.height = 4;
    auto pixels = std::make_shared<std::vector<std::uint8_t>>(64);
    shortStride.planes[0] = {pixels->data(), 4};
    shortStride.planes[1] = {pixels->data() + 16, 2}; // NV12 chroma rows hold 4 bytes
    Result<void> narrow = writer->write(VideoFrame(shortStride, pixels));
    ASSERT_FALSE(narrow);
    EXPECT_EQ(narrow.error().name, ErrorName::TypeError);
    EXPECT_NE(narrow.error().message.find("stride"), std::string::npos);

    VideoFrame::Init missingPlane = shortStride;
    missingPlane.planes[1] = {nullptr, 4};
    EXPECT_FALSE(writer->write(VideoFrame(missingPlane, pixels)));

    EXPECT_TRUE(writer->write(makeSolidFrame(VideoPixelFormat::I420, 4, 4, 1, 2, 3)));
    EXPECT_EQ(writer->framesWritten(), 1U);
}

TEST(Y4mWriter, WriteAfterCloseIsInvalidState)
{
    TempDir dir;
    auto writer = createWriter(dir.file("closed.y4m"), 4, 4);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->close());
    EXPECT_TRUE(writer->close());
    Result<void> late = writer->write(makeSolidFrame(VideoPixelFormat::I420, 4, 4, 1, 2, 3));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().name, ErrorName::InvalidStateError);
}

TEST(Y4mWriter, AFailedWriteLeavesOnlyWholeFramesAndStopsTheWriter)
{
    // The file size limit makes the kernel accept part of the third frame, then refuse: the
    // writer must cut that part off. Run in a child so the limit does not touch other tests.
    TempDir dir;
    const std::string path = dir.file("limited.y4m");
    const std::string head = header(4, 4, "30:1");
    const std::size_t record = 6 + 16 + 4 + 4;
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        (void)std::signal(SIGXFSZ, SIG_IGN); // get EFBIG instead of being killed
        const rlimit limit{head.size() + 2 * record + 10, RLIM_INFINITY};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
            ::_exit(1);
        auto writer = Y4mWriter::create(path, 4, 4, 30);
        if (!writer)
            ::_exit(2);
        const VideoFrame frame = makeSolidFrame(VideoPixelFormat::I420, 4, 4, 9, 8, 7);
        if (!(*writer)->write(frame) || !(*writer)->write(frame))
            ::_exit(3);
        Result<void> third = (*writer)->write(frame);
        if (third || third.error().name != ErrorName::AbortError || third.error().osError != EFBIG)
            ::_exit(4);
        Result<void> fourth = (*writer)->write(frame);
        if (fourth || fourth.error().osError != EFBIG)
            ::_exit(5);
        if ((*writer)->framesWritten() != 2)
            ::_exit(6);
        ::_exit((*writer)->close() ? 0 : 7);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);

    std::vector<std::uint8_t> expected;
    appendString(expected, head);
    const std::vector<std::uint8_t> frame = solidRecord4x4(9, 8, 7);
    expected.insert(expected.end(), frame.begin(), frame.end());
    expected.insert(expected.end(), frame.begin(), frame.end());
    EXPECT_EQ(readFile(path), expected);
}

} // namespace
} // namespace usermedia
