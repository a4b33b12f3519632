// SPDX-License-Identifier: MIT
#include "sinks/wav_writer.h"

#include <bit>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit/sinks/sink_test_support.h"

namespace usermedia {
namespace {

using testing::makeAudio;
using testing::parseWav;
using testing::readFile;
using testing::TempDir;

std::unique_ptr<WavWriter> createWriter(const std::string& path, int rate, int channels,
                                        WavSampleFormat format, WavWriter::Options options = {})
{
    auto writer = WavWriter::create(path, rate, channels, format, options);
    EXPECT_TRUE(writer) << writer.error().message;
    return writer ? std::move(*writer) : nullptr;
}

void putTag(std::vector<std::uint8_t>& out, const char* tag)
{
    out.insert(out.end(), tag, tag + 4);
}

void putLe(std::vector<std::uint8_t>& out, std::uint32_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::vector<std::int16_t> s16Samples(const std::vector<std::uint8_t>& data)
{
    std::vector<std::int16_t> out(data.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::int16_t>(testing::readU16(data.data() + 2 * i));
    return out;
}

std::vector<float> f32Samples(const std::vector<std::uint8_t>& data)
{
    std::vector<float> out(data.size() / 4);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = std::bit_cast<float>(testing::readU32(data.data() + 4 * i));
    return out;
}

TEST(WavWriter, S16HeaderBytesAreExact)
{
    TempDir dir;
    const std::string path = dir.file("s16.wav");
    auto writer = createWriter(path, 48000, 2, WavSampleFormat::S16);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write(makeAudio<float>(48000, 2, std::vector<float>(960, 0.0F))));
    ASSERT_TRUE(writer->close());

    std::vector<std::uint8_t> expected;
    putTag(expected, "RIFF");
    putLe(expected, 36 + 1920, 4);
    putTag(expected, "WAVE");
    putTag(expected, "fmt ");
    putLe(expected, 16, 4);
    putLe(expected, 1, 2); // WAVE_FORMAT_PCM
    putLe(expected, 2, 2);
    putLe(expected, 48000, 4);
    putLe(expected, 48000 * 4, 4);
    putLe(expected, 4, 2);
    putLe(expected, 16, 2);
    putTag(expected, "data");
    putLe(expected, 1920, 4);
    ASSERT_EQ(expected.size(), wavHeaderSize(WavSampleFormat::S16));

    const std::vector<std::uint8_t> bytes = readFile(path);
    ASSERT_EQ(bytes.size(), 44U + 1920U);
    EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 44), expected);
    EXPECT_EQ(writer->framesWritten(), 480U);
}

TEST(WavWriter, F32HeaderHasFloatFormatAndFactChunk)
{
    TempDir dir;
    const std::string path = dir.file("f32.wav");
    auto writer = createWriter(path, 16000, 1, WavSampleFormat::F32);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->write(makeAudio<float>(16000, 1, std::vector<float>(160, 0.25F))));
    ASSERT_TRUE(writer->close());

    std::vector<std::uint8_t> expected;
    putTag(expected, "RIFF");
    putLe(expected, 50 + 640, 4);
    putTag(expected, "WAVE");
    putTag(expected, "fmt ");
    putLe(expected, 18, 4);
    putLe(expected, 3, 2); // WAVE_FORMAT_IEEE_FLOAT
    putLe(expected, 1, 2);
    putLe(expected, 16000, 4);
    putLe(expected, 64000, 4);
    putLe(expected, 4, 2);
    putLe(expected, 32, 2);
    putLe(expected, 0, 2); // cbSize
    putTag(expected, "fact");
    putLe(expected, 4, 4);
    putLe(expected, 160, 4);
    putTag(expected, "data");
    putLe(expected, 640, 4);
    ASSERT_EQ(expected.size(), wavHeaderSize(WavSampleFormat::F32));

    const std::vector<std::uint8_t> bytes = readFile(path);
    ASSERT_EQ(bytes.size(), 58U + 640U);
    EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 58), expected);
    auto wav = parseWav(bytes);
    ASSERT_TRUE(wav);
    EXPECT_EQ(f32Samples(wav->data), std::vector<float>(160, 0.25F));
}

TEST(WavWriter, F32ToS16RoundsToNearestAndClips)
{
    TempDir dir;
    const std::string path = dir.file("convert.wav");
    auto writer = createWriter(path, 8000, 1, WavSampleFormat::S16);
    ASSERT_TRUE(writer);
    const std::vector<float> input = {0.0F,
                                      1.0F,
                                      -1.0F,
                                      1.5F,
                                      -2.0F,
                                      0.5F,
                                      -0.5F,
                                      100.4F / 32767,
                                      100.6F / 32767,
                                      -100.4F / 32768,
                                      -100.6F / 32768,
                                      std::nanf(""),
                                      INFINITY,
                                      -INFINITY};
    const std::vector<std::int16_t> expected = {0,   32767, -32768, 32767, -32768, 16384, -16384,
                                                100, 101,   -100,   -101,  0,      32767, -32768};
    ASSERT_TRUE(writer->write(makeAudio<float>(8000, 1, input)));
    ASSERT_TRUE(writer->close());
    auto wav = parseWav(readFile(path));
    ASSERT_TRUE(wav);
    EXPECT_EQ(s16Samples(wav->data), expected);
}

TEST(WavWriter, S16InputIsStoredUnchangedOrAsTheMatchingFloats)
{
    TempDir dir;
    const std::vector<std::int16_t> input = {0, 1, -1, 32767, -32768, 12345, -12345, 7};

    auto s16 = createWriter(dir.file("s16.wav"), 8000, 2, WavSampleFormat::S16);
    ASSERT_TRUE(s16);
    ASSERT_TRUE(s16->write(makeAudio<std::int16_t>(8000, 2, input)));
    ASSERT_TRUE(s16->close());
    auto s16Wav = parseWav(readFile(dir.file("s16.wav")));
    ASSERT_TRUE(s16Wav);
    EXPECT_EQ(s16Samples(s16Wav->data), input);

    auto f32 = createWriter(dir.file("f32.wav"), 8000, 2, WavSampleFormat::F32);
    ASSERT_TRUE(f32);
    ASSERT_TRUE(f32->write(makeAudio<std::int16_t>(8000, 2, input)));
    ASSERT_TRUE(f32->close());
    auto f32Wav = parseWav(readFile(dir.file("f32.wav")));
    ASSERT_TRUE(f32Wav);
    const std::vector<float> floats = f32Samples(f32Wav->data);
    ASSERT_EQ(floats.size(), input.size());
    EXPECT_EQ(floats[0], 0.0F);
    EXPECT_EQ(floats[3], 1.0F);
    EXPECT_EQ(floats[4], -1.0F);
    EXPECT_FLOAT_EQ(floats[5], 12345.0F / 32767);
    EXPECT_FLOAT_EQ(floats[6], -12345.0F / 32768);
    EXPECT_EQ(f32Wav->factFrames, 4U);
}

TEST(WavWriter, RejectsBuffersOfAnotherRateOrChannelCount)
{
    TempDir dir;
    auto writer = createWriter(dir.file("mismatch.wav"), 48000, 2, WavSampleFormat::S16);
    ASSERT_TRUE(writer);
    Result<void> rate = writer->write(makeAudio<float>(44100, 2, std::vector<float>(882)));
    ASSERT_FALSE(rate);
    EXPECT_EQ(rate.error().name, ErrorName::TypeError);
    EXPECT_NE(rate.error().message.find("44100"), std::string::npos) << rate.error().message;
    Result<void> channels = writer->write(makeAudio<float>(48000, 1, std::vector<float>(480)));
    ASSERT_FALSE(channels);
    EXPECT_EQ(channels.error().name, ErrorName::TypeError);
    Result<void> empty = writer->write(AudioBuffer());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().name, ErrorName::TypeError);

    // A refused buffer does not stop the recording.
    EXPECT_TRUE(writer->write(makeAudio<float>(48000, 2, std::vector<float>(960))));
    EXPECT_EQ(writer->framesWritten(), 480U);
}

TEST(WavWriter, RejectsBadFormats)
{
    TempDir dir;
    for (auto [rate, channels] : {std::pair{0, 1}, {48000, 0}, {-1, 2}, {48000, 33}}) {
        auto writer = WavWriter::create(dir.file("bad.wav"), rate, channels, WavSampleFormat::S16);
        ASSERT_FALSE(writer);
        EXPECT_EQ(writer.error().name, ErrorName::TypeError);
    }
}

TEST(WavWriter, AnUnwritablePathGivesAnErrorNamingIt)
{
    TempDir dir;
    const std::string path = dir.file("no-such-dir/out.wav");
    auto writer = WavWriter::create(path, 48000, 1, WavSampleFormat::S16);
    ASSERT_FALSE(writer);
    EXPECT_EQ(writer.error().name, ErrorName::AbortError);
    EXPECT_EQ(writer.error().osError, ENOENT);
    EXPECT_NE(writer.error().message.find(path), std::string::npos) << writer.error().message;
}

/** Writes \p seconds of a mono 8 kHz ramp in 10 ms buffers; returns the samples written. */
std::vector<std::int16_t> recordRamp(WavWriter& writer, int buffers)
{
    std::vector<std::int16_t> all;
    for (int b = 0; b < buffers; ++b) {
        std::vector<std::int16_t> chunk(80);
        for (std::size_t i = 0; i < chunk.size(); ++i)
            chunk[i] = static_cast<std::int16_t>(all.size() + i);
        all.insert(all.end(), chunk.begin(), chunk.end());
        EXPECT_TRUE(writer.write(makeAudio<std::int16_t>(8000, 1, chunk)));
    }
    return all;
}

TEST(WavWriter, AFileCutOffBeforeTheFirstPatchIsAValidEmptyWav)
{
    TempDir dir;
    const std::string path = dir.file("early.wav");
    auto writer = createWriter(path, 8000, 1, WavSampleFormat::S16);
    ASSERT_TRUE(writer);
    recordRamp(*writer, 50); // half a second: no patch yet
    auto wav = parseWav(readFile(path));
    ASSERT_TRUE(wav);
    EXPECT_EQ(wav->sampleRate, 8000U);
    EXPECT_TRUE(wav->data.empty());
}

TEST(WavWriter, AFileCutOffAnywhereAfterAPatchHoldsEverySecondBeforeIt)
{
    TempDir dir;
    const std::string path = dir.file("cut.wav");
    auto writer = createWriter(path, 8000, 1, WavSampleFormat::S16);
    ASSERT_TRUE(writer);
    const std::vector<std::int16_t> written = recordRamp(*writer, 250); // 2.5 s
    const std::vector<std::uint8_t> file = readFile(path);              // as a crash would leave it
    const std::size_t patched = 44 + 2 * 16000;                         // the patch after 2 s
    ASSERT_EQ(file.size(), 44U + 2 * written.size());

    for (std::size_t cut : {patched, patched + 1, patched + 333, file.size() - 1, file.size()}) {
        SCOPED_TRACE("cut at " + std::to_string(cut));
        auto wav = parseWav(std::vector<std::uint8_t>(file.begin(), file.begin() + cut));
        ASSERT_TRUE(wav);
        const std::vector<std::int16_t> samples = s16Samples(wav->data);
        EXPECT_EQ(samples, std::vector<std::int16_t>(written.begin(), written.begin() + 16000));
    }
    ASSERT_TRUE(writer->close());
    auto closed = parseWav(readFile(path));
    ASSERT_TRUE(closed);
    EXPECT_EQ(s16Samples(closed->data), written);
}

TEST(WavWriter, PatchIntervalIsConfigurable)
{
    TempDir dir;
    const std::string path = dir.file("interval.wav");
    WavWriter::Options options;
    options.headerPatchIntervalFrames = 160;
    auto writer = createWriter(path, 8000, 1, WavSampleFormat::F32, options);
    ASSERT_TRUE(writer);
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(writer->write(makeAudio<float>(8000, 1, std::vector<float>(80, 0.5F))));
    auto wav = parseWav(readFile(path));
    ASSERT_TRUE(wav);
    EXPECT_EQ(wav->data.size(), 4U * 320); // patched after buffers 2 and 4
    EXPECT_EQ(wav->factFrames, 320U);
}

TEST(WavWriter, DefaultLimitKeepsTheRiffSizeIn32Bits)
{
    TempDir dir;
    for (auto format : {WavSampleFormat::S16, WavSampleFormat::F32}) {
        auto writer = createWriter(dir.file("limit.wav"), 48000, 3, format);
        ASSERT_TRUE(writer);
        const std::uint64_t riffSize = writer->maxDataBytes() + wavHeaderSize(format) - 8;
        const std::uint64_t block = format == WavSampleFormat::S16 ? 6 : 12;
        EXPECT_LE(riffSize, std::numeric_limits<std::uint32_t>::max());
        EXPECT_GT(riffSize + block, std::numeric_limits<std::uint32_t>::max());
        EXPECT_EQ(writer->maxDataBytes() % block, 0U);
    }
}

TEST(WavWriter, StopsWithAnErrorAtTheSizeLimitAndLeavesAValidFile)
{
    TempDir dir;
    const std::string path = dir.file("full.wav");
    WavWriter::Options options;
    options.maxDataBytes = 1000; // 250 stereo S16 frames
    auto writer = createWriter(path, 8000, 2, WavSampleFormat::S16, options);
    ASSERT_TRUE(writer);
    const auto buffer = makeAudio<float>(8000, 2, std::vector<float>(200, 0.5F));
    ASSERT_TRUE(writer->write(buffer));
    ASSERT_TRUE(writer->write(buffer));
    Result<void> over = writer->write(buffer);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().name, ErrorName::AbortError);
    EXPECT_EQ(over.error().osError, EFBIG);
    EXPECT_NE(over.error().message.find(path), std::string::npos);
    Result<void> after = writer->write(buffer);
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().osError, EFBIG);

    // Valid before close (patched when the limit was hit) and after.
    auto beforeClose = parseWav(readFile(path));
    ASSERT_TRUE(beforeClose);
    EXPECT_EQ(beforeClose->data.size(), 800U);
    ASSERT_TRUE(writer->close());
    auto closed = parseWav(readFile(path));
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->data.size(), 800U);
    EXPECT_EQ(readFile(path).size(), 44U + 800U);
}

TEST(WavWriter, AFailedWriteLeavesAValidFileWithEveryWholeBuffer)
{
    // The kernel accepts part of the third buffer, then refuses (file size limit): the writer
    // must cut that part off and patch the header. In a child, so the limit stays there.
    TempDir dir;
    const std::string path = dir.file("limited.wav");
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        (void)std::signal(SIGXFSZ, SIG_IGN); // get EFBIG instead of being killed
        const rlimit limit{44 + 2 * 320 + 100, RLIM_INFINITY};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
            ::_exit(1);
        auto writer = WavWriter::create(path, 8000, 2, WavSampleFormat::S16);
        if (!writer)
            ::_exit(2);
        const auto buffer = makeAudio<std::int16_t>(8000, 2, std::vector<std::int16_t>(160, 3));
        if (!(*writer)->write(buffer) || !(*writer)->write(buffer))
            ::_exit(3);
        Result<void> third = (*writer)->write(buffer);
        if (third || third.error().name != ErrorName::AbortError || third.error().osError != EFBIG)
            ::_exit(4);
        ::_exit(0); // a crash: no close()
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);

    const std::vector<std::uint8_t> file = readFile(path);
    EXPECT_EQ(file.size(), 44U + 2 * 320);
    auto wav = parseWav(file);
    ASSERT_TRUE(wav);
    EXPECT_EQ(s16Samples(wav->data), std::vector<std::int16_t>(320, 3));
}

TEST(WavWriter, WriteAfterCloseIsInvalidState)
{
    TempDir dir;
    auto writer = createWriter(dir.file("closed.wav"), 8000, 1, WavSampleFormat::S16);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->close());
    EXPECT_TRUE(writer->close());
    Result<void> late = writer->write(makeAudio<float>(8000, 1, std::vector<float>(80)));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().name, ErrorName::InvalidStateError);
}

} // namespace
} // namespace usermedia
