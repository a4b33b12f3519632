// SPDX-License-Identifier: MIT
#include "pipeline/audio/audio_chunker.h"

#include <vector>

#include <gtest/gtest.h>

namespace usermedia::audio {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

class Recorder final : public CaptureSink
{
public:
    struct Chunk
    {
        int frames;
        std::uint64_t firstFrame;
        nanoseconds timestamp;
        std::vector<float> samples;
    };
    void onVideoFrame(const NativeVideoFrame& /*frame*/) override {}
    void onAudioChunk(const NativeAudioChunk& chunk) override
    {
        chunks.push_back({chunk.frames,
                          chunk.firstFrame,
                          chunk.timestamp,
                          {chunk.samples, chunk.samples + chunk.frames * chunk.channels}});
    }
    void onCaptureError(const Error& /*error*/) override {}
    std::vector<Chunk> chunks;
};

TEST(AudioChunker, CutsOddPiecesIntoTenMillisecondChunks)
{
    AudioChunker chunker(48000, 2);
    Recorder sink;
    std::vector<float> samples(2 * 2000);
    for (std::size_t i = 0; i < samples.size(); ++i)
        samples[i] = static_cast<float>(i);
    // Pieces of 333, 1000 and 667 frames: 2000 frames = 4 chunks of 480 and 80 pending.
    const nanoseconds start = milliseconds(5000);
    chunker.push(samples.data(), 333, start, sink);
    chunker.push(samples.data() + 2 * 333, 1000, start + microseconds(6938), sink);
    chunker.push(samples.data() + 2 * 1333, 667, start + microseconds(27771), sink);
    ASSERT_EQ(sink.chunks.size(), 4U);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(sink.chunks[i].frames, 480);
        EXPECT_EQ(sink.chunks[i].firstFrame, i * 480);
        EXPECT_EQ(sink.chunks[i].timestamp, start + milliseconds(10) * i);
        EXPECT_EQ(sink.chunks[i].samples.front(), static_cast<float>(i * 480 * 2));
        EXPECT_EQ(sink.chunks[i].samples.back(), static_cast<float>((i + 1) * 480 * 2 - 1));
    }
    EXPECT_EQ(chunker.reanchors(), 0U);
}

TEST(AudioChunker, FollowsTheCallersClockAfterAJump)
{
    AudioChunker chunker(16000, 1);
    Recorder sink;
    std::vector<float> piece(160, 0.25F);
    chunker.push(piece.data(), 160, milliseconds(100), sink);
    // The source was suspended for half a second: the next piece is stamped 510 ms later.
    chunker.push(piece.data(), 160, milliseconds(610), sink);
    ASSERT_EQ(sink.chunks.size(), 2U);
    EXPECT_EQ(sink.chunks[1].timestamp, milliseconds(610));
    EXPECT_EQ(sink.chunks[1].firstFrame, 160U); // frames stay counted without gaps
    EXPECT_EQ(chunker.reanchors(), 1U);
    // Silence fills holes and keeps the count.
    chunker.pushSilence(160, sink);
    ASSERT_EQ(sink.chunks.size(), 3U);
    EXPECT_EQ(sink.chunks[2].samples, std::vector<float>(160, 0.0F));
    EXPECT_EQ(sink.chunks[2].timestamp, milliseconds(620));
}

} // namespace
} // namespace usermedia::audio
