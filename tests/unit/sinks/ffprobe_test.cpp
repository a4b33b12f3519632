// SPDX-License-Identifier: MIT
// Reads the sinks' files back with FFmpeg's ffprobe: what other tools see is what counts.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sinks/wav_writer.h"
#include "sinks/y4m_writer.h"

#include "unit/sinks/sink_test_support.h"

namespace usermedia {
namespace {

using testing::makeAudio;
using testing::makeSolidFrame;
using testing::readFile;
using testing::TempDir;

bool haveFfprobe()
{
    // NOLINTNEXTLINE(concurrency-mt-unsafe): called before any thread of the test starts.
    return std::system("command -v ffprobe >/dev/null 2>&1") == 0;
}

/** The first stream that ffprobe reports for \p path, or null when it cannot read the file. */
nlohmann::json probeStream(const std::string& path, const std::string& extraArgs)
{
    const std::string command = "ffprobe -v error " + extraArgs + " -of json '" + path + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return nullptr;
    std::string output;
    char chunk[4096];
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe))
        output.append(chunk, n);
    if (::pclose(pipe) != 0)
        return nullptr;
    nlohmann::json parsed = nlohmann::json::parse(output, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("streams") || parsed["streams"].empty())
        return nullptr;
    return parsed["streams"][0];
}

class Ffprobe : public ::testing::Test
{
protected:
    void SetUp() override
    {
        if (!haveFfprobe())
            GTEST_SKIP() << "ffprobe is not installed";
    }
    TempDir dir_;
};

TEST_F(Ffprobe, ReadsEveryY4mFrameWithSizeAndRate)
{
    const std::string path = dir_.file("video.y4m");
    auto writer = Y4mWriter::create(path, 64, 48, 29.97);
    ASSERT_TRUE(writer) << writer.error().message;
    for (int i = 0; i < 9; ++i)
        ASSERT_TRUE((*writer)->write(makeSolidFrame(VideoPixelFormat::NV12, 64, 48, 80, 90, 100)));
    // One frame at another size, as after applyConstraints: scaled, still one stream.
    ASSERT_TRUE((*writer)->write(makeSolidFrame(VideoPixelFormat::I420, 32, 24, 80, 90, 100)));
    ASSERT_TRUE((*writer)->close());

    const nlohmann::json stream =
            probeStream(path, "-count_frames -show_entries stream=width,height,nb_read_frames,"
                              "r_frame_rate,pix_fmt");
    ASSERT_FALSE(stream.is_null());
    EXPECT_EQ(stream["width"], 64);
    EXPECT_EQ(stream["height"], 48);
    EXPECT_EQ(stream["nb_read_frames"], "10");
    EXPECT_EQ(stream["r_frame_rate"], "30000/1001");
    EXPECT_EQ(stream["pix_fmt"], "yuv420p");
}

TEST_F(Ffprobe, ReadsS16AndF32Wav)
{
    for (auto [format, codec] : {std::pair{WavSampleFormat::S16, "pcm_s16le"},
                                 std::pair{WavSampleFormat::F32, "pcm_f32le"}}) {
        SCOPED_TRACE(codec);
        const std::string path = dir_.file(std::string(codec) + ".wav");
        auto writer = WavWriter::create(path, 48000, 2, format);
        ASSERT_TRUE(writer) << writer.error().message;
        const AudioBuffer tenMs = makeAudio<float>(48000, 2, std::vector<float>(960, 0.1F));
        for (int i = 0; i < 100; ++i) // 1 s
            ASSERT_TRUE((*writer)->write(tenMs));
        ASSERT_TRUE((*writer)->close());

        const nlohmann::json stream = probeStream(
                path, "-show_entries stream=codec_name,sample_rate,channels,duration_ts");
        ASSERT_FALSE(stream.is_null());
        EXPECT_EQ(stream["codec_name"], codec);
        EXPECT_EQ(stream["sample_rate"], "48000");
        EXPECT_EQ(stream["channels"], 2);
        EXPECT_EQ(stream["duration_ts"], 48000);
    }
}

TEST_F(Ffprobe, ReadsAWavCutOffMidRecording)
{
    const std::string path = dir_.file("live.wav");
    auto writer = WavWriter::create(path, 16000, 1, WavSampleFormat::S16);
    ASSERT_TRUE(writer) << writer.error().message;
    for (int i = 0; i < 150; ++i) // 1.5 s: patched once, after 1 s
        ASSERT_TRUE((*writer)->write(makeAudio<float>(16000, 1, std::vector<float>(160, -0.2F))));
    std::vector<std::uint8_t> cut = readFile(path);
    cut.resize(cut.size() - 1001); // cut mid-buffer, mid-sample
    const std::string cutPath = dir_.file("cut.wav");
    testing::writeFile(cutPath, cut);

    const nlohmann::json stream =
            probeStream(cutPath, "-show_entries stream=codec_name,sample_rate,duration_ts");
    ASSERT_FALSE(stream.is_null());
    EXPECT_EQ(stream["codec_name"], "pcm_s16le");
    EXPECT_EQ(stream["sample_rate"], "16000");
    EXPECT_EQ(stream["duration_ts"], 16000);
}

} // namespace
} // namespace usermedia
