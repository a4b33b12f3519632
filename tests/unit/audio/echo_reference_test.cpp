// SPDX-License-Identifier: MIT
// The far-end hand-over: order, pacing by play time, what a slow reader loses, sharing of one
// recording, a writer and readers on different threads; and the canceller fed through it, with
// and without the far end (what issue 7 was about: echoCancellation with no reference removes
// nothing).
#include "pipeline/audio/echo_reference.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/audio/audio_chains.h"
#include "pipeline/audio/audio_processor.h"

#include "unit/audio/signals.h"

namespace usermedia::audio {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using testing::db;
using testing::rms;
using testing::speechLike;

// A chunk whose every sample is \p value.
std::vector<float> filled(const EchoReference& ref, float value)
{
    return std::vector<float>(static_cast<std::size_t>(ref.chunkFrames()) * ref.channels(), value);
}

TEST(EchoReference, ReaderGetsChunksInOrderOnceTheyAreDue)
{
    auto ref = std::make_shared<EchoReference>(48000, 2);
    EXPECT_EQ(ref->chunkFrames(), 480);
    ref->push(filled(*ref, 9).data(), milliseconds(0)); // before the reader: not seen
    EchoReference::Reader reader(ref);
    for (int i = 0; i < 5; ++i)
        ref->push(filled(*ref, static_cast<float>(i)).data(), milliseconds(10 * (i + 1)));
    nanoseconds playedAt{0};
    // Due: played at or before 30 ms.
    for (int i = 0; i < 3; ++i) {
        const float* chunk = reader.next(milliseconds(30), &playedAt);
        ASSERT_NE(chunk, nullptr);
        EXPECT_EQ(chunk[0], static_cast<float>(i));
        EXPECT_EQ(chunk[2 * 480 - 1], static_cast<float>(i));
        EXPECT_EQ(playedAt, milliseconds(10 * (i + 1)));
    }
    EXPECT_EQ(reader.next(milliseconds(30)), nullptr) << "40 ms is not due at 30 ms";
    ASSERT_NE(reader.next(milliseconds(100)), nullptr);
    ASSERT_NE(reader.next(milliseconds(100)), nullptr);
    EXPECT_EQ(reader.next(milliseconds(100)), nullptr);
    EXPECT_EQ(reader.fed(), 5U);
    EXPECT_EQ(reader.dropped(), 0U);
}

TEST(EchoReference, ASlowReaderLosesTheOldestAndCountsThem)
{
    auto ref = std::make_shared<EchoReference>(16000, 1);
    EchoReference::Reader reader(ref);
    const int total = EchoReference::kSlots + 10;
    // All played at once (a burst after a stall), so none is too old to use.
    for (int i = 0; i < total; ++i)
        ref->push(filled(*ref, static_cast<float>(i)).data(), milliseconds(0));
    const float* first = reader.next(milliseconds(0));
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first[0], 10.0F) << "the ten oldest were overwritten";
    EXPECT_EQ(reader.dropped(), 10U);
    int more = 0;
    while (reader.next(milliseconds(0)))
        ++more;
    EXPECT_EQ(more, EchoReference::kSlots - 1);
}

TEST(EchoReference, ChunksTooOldToHelpAreSkipped)
{
    auto ref = std::make_shared<EchoReference>(16000, 1);
    EchoReference::Reader reader(ref);
    ref->push(filled(*ref, 1).data(), milliseconds(0));
    ref->push(filled(*ref, 2).data(), milliseconds(900));
    const float* chunk = reader.next(milliseconds(1000));
    ASSERT_NE(chunk, nullptr);
    EXPECT_EQ(chunk[0], 2.0F);
    EXPECT_EQ(reader.skipped(), 1U);
}

TEST(EchoReference, EveryReaderSeesEveryChunk)
{
    auto ref = std::make_shared<EchoReference>(48000, 1);
    EchoReference::Reader a(ref);
    EchoReference::Reader b(ref);
    for (int i = 0; i < 10; ++i)
        ref->push(filled(*ref, static_cast<float>(i)).data(), milliseconds(10 * i));
    for (int i = 0; i < 10; ++i) {
        const float* fromA = a.next(milliseconds(100));
        ASSERT_NE(fromA, nullptr);
        EXPECT_EQ(fromA[0], static_cast<float>(i));
    }
    for (int i = 0; i < 10; ++i) {
        const float* fromB = b.next(milliseconds(100));
        ASSERT_NE(fromB, nullptr);
        EXPECT_EQ(fromB[0], static_cast<float>(i));
    }
}

// The recording thread and two capture threads at once: each reader gets the chunks in order,
// none twice, and every chunk is either read or counted as dropped. (TSan checks the locking.)
TEST(EchoReference, AWriterAndReadersOnTheirOwnThreads)
{
    auto ref = std::make_shared<EchoReference>(48000, 1);
    constexpr int kChunks = 2000;
    std::atomic<bool> done{false};
    auto read = [&](std::uint64_t* got, bool* ordered, EchoReference::Reader* reader) {
        float last = -1;
        for (;;) {
            const bool finished = done.load();
            while (const float* chunk = reader->next(milliseconds(0))) {
                *ordered = *ordered && chunk[0] > last && chunk[479] == chunk[0];
                last = chunk[0];
                ++*got;
            }
            if (finished)
                return;
            std::this_thread::yield();
        }
    };
    EchoReference::Reader readerA(ref);
    EchoReference::Reader readerB(ref);
    std::uint64_t gotA = 0;
    std::uint64_t gotB = 0;
    bool orderedA = true;
    bool orderedB = true;
    std::thread a(read, &gotA, &orderedA, &readerA);
    std::thread b(read, &gotB, &orderedB, &readerB);
    std::vector<float> chunk(480);
    for (int i = 0; i < kChunks; ++i) {
        std::fill(chunk.begin(), chunk.end(), static_cast<float>(i));
        ref->push(chunk.data(), milliseconds(0));
    }
    done.store(true);
    a.join();
    b.join();
    EXPECT_TRUE(orderedA);
    EXPECT_TRUE(orderedB);
    EXPECT_EQ(gotA + readerA.dropped(), static_cast<std::uint64_t>(kChunks));
    EXPECT_EQ(gotB + readerB.dropped(), static_cast<std::uint64_t>(kChunks));
}

class CountingHandle : public EchoReferenceHub::Handle
{
public:
    explicit CountingHandle(int* alive) : alive_(alive) { ++*alive_; }
    ~CountingHandle() override { --*alive_; }

private:
    int* alive_;
};

TEST(EchoReferenceHub, OneRecordingWhileAnyoneHoldsIt)
{
    EchoReferenceHub hub;
    int alive = 0;
    int opened = 0;
    auto open = [&](const std::shared_ptr<EchoReference>&) {
        ++opened;
        return std::make_unique<CountingHandle>(&alive);
    };
    auto first = hub.acquire(48000, 1, open);
    auto second = hub.acquire(48000, 1, open);
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first, second);
    EXPECT_EQ(opened, 1);
    EXPECT_EQ(alive, 1);
    first.reset();
    EXPECT_EQ(alive, 1) << "still held";
    second.reset();
    EXPECT_EQ(alive, 0) << "the last holder let go: the recording stopped";
    auto third = hub.acquire(48000, 1, open);
    EXPECT_EQ(opened, 2);
    EXPECT_EQ(alive, 1);
    // A failed open gives nothing, and a later one tries again.
    third.reset();
    EXPECT_EQ(hub.acquire(48000, 1,
                          [](const std::shared_ptr<EchoReference>&) {
                              return std::unique_ptr<EchoReferenceHub::Handle>();
                          }),
              nullptr);
}

// A far end played through a room (a 30 ms path to the microphone, reflections, about 9 dB of
// loss) reaches the microphone; the far end is recorded with its play times (as the Pulse
// monitor is) and the near end with its capture times, 10 ms chunks each. The canceller gets the
// far end through an EchoReference::Reader, paced by those times, or (the bug) never.
struct EchoRun
{
    double erleDb = 0;
    double nearKeptDb = 0;
    int delayHintMs = 0;
    EchoMetrics metrics;
};

EchoRun runRoom(int processRate, bool feedFarEnd)
{
    constexpr int kFarRate = 48000;
    constexpr int kSeconds = 12;
    constexpr int kEchoSeconds = 8;
    const int farFrames = kSeconds * kFarRate;
    auto farEnd = speechLike(kFarRate, farFrames, 0.2, 11);
    // The far end goes quiet after kEchoSeconds; then only the near end talks.
    std::fill(farEnd.begin() + kEchoSeconds * kFarRate, farEnd.end(), 0.0F);
    const auto nearTalk = speechLike(kFarRate, farFrames, 0.1, 12);
    std::mt19937 random(13);
    std::normal_distribution<float> floor(0.0F, 0.0005F);
    struct Tap
    {
        int delay; // samples at 48 kHz
        float gain;
    };
    const std::vector<Tap> room{{1440, 0.3F}, {1900, 0.15F}, {2600, 0.08F}};
    std::vector<float> mic(farFrames);
    std::vector<float> nearOnly(farFrames, 0.0F);
    for (int i = 0; i < farFrames; ++i) {
        float echo = 0;
        for (const Tap& tap : room) {
            if (i >= tap.delay)
                echo += tap.gain * farEnd[i - tap.delay];
        }
        if (i >= kEchoSeconds * kFarRate + 4800)
            nearOnly[i] = nearTalk[i];
        mic[i] = echo + nearOnly[i] + floor(random);
    }
    // The microphone at the processing rate: a box average of each (48000 / rate) samples, good
    // enough for a signal whose energy is far below 4 kHz.
    const int step = kFarRate / processRate;
    std::vector<float> near(farFrames / step);
    std::vector<float> nearOnlyAtRate(near.size());
    for (std::size_t i = 0; i < near.size(); ++i) {
        float sum = 0;
        float sumNear = 0;
        for (int k = 0; k < step; ++k) {
            sum += mic[i * step + k];
            sumNear += nearOnly[i * step + k];
        }
        near[i] = sum / static_cast<float>(step);
        nearOnlyAtRate[i] = sumNear / static_cast<float>(step);
    }

    auto ref = std::make_shared<EchoReference>(kFarRate, 1);
    EchoReference::Reader reader(ref);
    auto processor = AudioProcessor::create(processRate, 1, {true, false, false});
    EXPECT_NE(processor, nullptr);
    std::vector<float> out(near);
    const int farChunk = kFarRate / 100;
    const int nearChunk = processRate / 100;
    EchoRun run;
    for (int chunk = 0; chunk < kSeconds * 100; ++chunk) {
        const nanoseconds t = milliseconds(10 * chunk);
        // The recording thread delivers the far end a little ahead of the microphone, in pairs
        // of chunks (as a 20 ms fragment would).
        if (feedFarEnd && chunk % 2 == 0) {
            for (int k = chunk; k < chunk + 2; ++k)
                ref->push(farEnd.data() + static_cast<std::size_t>(k) * farChunk,
                          milliseconds(10 * k));
        }
        const int delay = reader.feed(*processor, t);
        run.delayHintMs = std::max(run.delayHintMs, delay);
        EXPECT_TRUE(processor->process(out.data() + static_cast<std::size_t>(chunk) * nearChunk,
                                       delay));
    }
    run.metrics = processor->echoMetrics();
    auto energy = [&](const std::vector<float>& x, double from, double to) {
        const auto begin = static_cast<std::size_t>(from * processRate);
        const double r = rms(x.data() + begin, static_cast<std::size_t>((to - from) * processRate));
        return r * r;
    };
    run.erleDb = db(energy(near, 3, kEchoSeconds) / energy(out, 3, kEchoSeconds));
    // From 1.5 s after the echo stopped: the suppressor lets go of the near end gradually.
    run.nearKeptDb = db(energy(out, 9.5, 12) / energy(nearOnlyAtRate, 9.5, 12));
    return run;
}

TEST(EchoReference, TheCancellerRemovesTheEchoOnlyWithTheFarEnd)
{
    for (const int rate : {48000, 16000}) {
        const EchoRun fed = runRoom(rate, true);
        const EchoRun starved = runRoom(rate, false);
        std::printf("echo cancellation at %d Hz, far end 48 kHz through EchoReference: ERLE "
                    "%.1f dB with the far end (library says %.1f dB, delay %d ms, hint up to %d "
                    "ms), %.1f dB without; near-end talk kept at %+.1f dB\n",
                    rate, fed.erleDb, fed.metrics.erleDb, fed.metrics.delayMedianMs,
                    fed.delayHintMs, starved.erleDb, fed.nearKeptDb);
        EXPECT_GT(fed.erleDb, 15.0) << rate;
        EXPECT_LT(starved.erleDb, 3.0) << rate << ": without the far end nothing is cancelled";
        EXPECT_NEAR(fed.nearKeptDb, 0.0, 3.0) << rate;
        EXPECT_LE(fed.delayHintMs, 30) << "the far end is fed in step, never far ahead";
    }
}

// The same room through AudioChains, as a source's capture thread runs it: native chunks of a
// microphone at 48 kHz or 44.1 kHz (processed at 48 kHz through a resampler), and a track asking
// for echoCancellation at 48 kHz mono. The chain reads the far end from the reference it is
// given, by the chunks' timestamps.
double chainErleDb(int micRate, bool withReference, std::uint64_t* fedOut)
{
    constexpr int kFarRate = 48000;
    constexpr int kSeconds = 8;
    const auto farEnd = speechLike(kFarRate, kSeconds * kFarRate, 0.2, 31);
    // The room at the microphone's rate: 35 ms late, 9 dB down, one reflection.
    const int frames = kSeconds * micRate;
    std::vector<float> mic(frames);
    for (int i = 0; i < frames; ++i) {
        auto farAt = [&](double seconds) {
            const auto k = static_cast<int>(seconds * kFarRate);
            return k >= 0 && k < static_cast<int>(farEnd.size()) ? farEnd[k] : 0.0F;
        };
        const double t = static_cast<double>(i) / micRate;
        mic[i] = 0.35F * farAt(t - 0.035) + 0.1F * farAt(t - 0.05);
    }
    auto ref = std::make_shared<EchoReference>(kFarRate, 1);
    AudioChains chains;
    chains.setEchoReference(withReference ? ref : nullptr);
    const AudioVariantKey key{{true, false, false}, 48000, 1};
    std::vector<float> out;
    const int chunk = micRate / 100;
    for (int c = 0; c < kSeconds * 100; ++c) {
        // The far end arrives 10 ms ahead of the microphone's chunks.
        if (c + 1 < kSeconds * 100)
            ref->push(farEnd.data() + static_cast<std::size_t>(c + 1) * 480,
                      milliseconds(10 * (c + 1)));
        auto samples = std::make_shared<std::vector<float>>(mic.begin() + c * chunk,
                                                            mic.begin() + (c + 1) * chunk);
        NativeAudioChunk native;
        native.sampleRate = micRate;
        native.channels = 1;
        native.frames = chunk;
        native.samples = samples->data();
        native.timestamp = milliseconds(10 * c);
        native.firstFrame = static_cast<std::uint64_t>(c) * chunk;
        chains.begin(native, samples);
        const AudioVariantChunk& variant = chains.variant(key);
        out.insert(out.end(), variant.samples->begin(), variant.samples->end());
    }
    const VariantChain* chain = chains.chain(key);
    EXPECT_NE(chain, nullptr);
    *fedOut = chain && chain->echoReader() ? chain->echoReader()->fed() : 0;
    // 3-7.5 s, in the output's timeline (48 kHz; a resampling chain is up to 10 ms late, which
    // does not matter over 4.5 s of a steady echo).
    auto energy = [](const std::vector<float>& x, int rate) {
        const double r = rms(x.data() + 3 * rate, static_cast<std::size_t>(45 * rate / 10));
        return r * r;
    };
    return db(energy(mic, micRate) / energy(out, 48000));
}

TEST(EchoReference, AudioChainsFeedTheFarEndByTimestamp)
{
    for (const int rate : {48000, 44100}) {
        std::uint64_t fed = 0;
        const double with = chainErleDb(rate, true, &fed);
        EXPECT_GT(fed, 700U) << rate << ": every far-end chunk reached the canceller";
        std::uint64_t none = 0;
        const double without = chainErleDb(rate, false, &none);
        EXPECT_EQ(none, 0U);
        std::printf("AudioChains, %d Hz microphone, echoCancellation at 48 kHz: ERLE %.1f dB "
                    "with the reference, %.1f dB without\n",
                    rate, with, without);
        EXPECT_GT(with, 15.0) << rate;
        EXPECT_LT(without, 3.0) << rate;
    }
}

} // namespace
} // namespace usermedia::audio
