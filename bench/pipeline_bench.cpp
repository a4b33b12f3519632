// SPDX-License-Identifier: MIT
// The frame pipeline against the libraries people would otherwise use, on the same generated
// inputs, in one run: our source -> track -> sink path, libyuv alone, libswscale. The GStreamer
// and ffmpeg command-line pipelines are timed by scripts/bench.sh on files this program writes
// (--write-inputs), and the script prints every ratio against the goals of issue 5.
//
// "Ours" benchmarks drive a real CaptureSource and real tracks (as getUserMedia builds them)
// from the benchmark thread: a device whose start() only remembers the sink, fed the same
// native frame every iteration. So each iteration is one whole frame through conversion,
// scaling, fan-out and delivery to counting sinks.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <libyuv.h>
extern "C" {
#include <libavutil/pixfmt.h>
#include <libswscale/swscale.h>
}

#include <usermedia/usermedia.h>

#include "backends/fake/video_generator.h"
#include "core/capture_source.h"
#include "core/track_host.h"
#include "core/track_impl.h"
#include "pipeline/convert.h"

namespace usermedia {
namespace {

using std::chrono::nanoseconds;

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;

// ---- inputs ---------------------------------------------------------------------------------

// The fake camera's test pattern (barcode, labels, moving bar) as the device would deliver it.
std::vector<std::uint8_t> generate(NativePixelFormat format, std::uint64_t frame = 7)
{
    fake::VideoGenerator generator(format, kWidth, kHeight);
    auto native = generator.generate(frame, nanoseconds(frame * 33'333'333));
    if (!native)
        std::abort();
    return {native->data, native->data + native->size};
}

const std::vector<std::uint8_t>& yuyvInput()
{
    static const auto bytes = generate(NativePixelFormat::YUYV);
    return bytes;
}

const std::vector<std::uint8_t>& mjpegInput()
{
    static const auto bytes = generate(NativePixelFormat::MJPEG);
    return bytes;
}

const PixelBuffer& i420Input()
{
    static const PixelBuffer picture = [] {
        PixelBuffer p(VideoPixelFormat::I420, kWidth, kHeight);
        const auto& yuyv = yuyvInput();
        libyuv::YUY2ToI420(yuyv.data(), kWidth * 2, p.y(), p.strideY(), p.u(), p.strideU(), p.v(),
                           p.strideV(), kWidth, kHeight);
        return p;
    }();
    return picture;
}

// ---- a CaptureSource fed from the benchmark thread -----------------------------------------

class BenchDevice final : public Device
{
public:
    explicit BenchDevice(DeviceDescription description) : description_(std::move(description)) {}
    const DeviceDescription& description() const override { return description_; }
    Result<void> configure(const NativeVideoMode& /*mode*/) override { return {}; }
    Result<void> configure(const NativeAudioMode& /*mode*/) override { return {}; }
    Result<void> start(CaptureSink& /*sink*/) override { return {}; }
    void stop() override {}

private:
    DeviceDescription description_;
};

class BenchBackend final : public Backend
{
public:
    std::string_view name() const override { return "bench"; }
    Result<void> probe() override { return {}; }
    std::vector<DeviceDescription> enumerate() override { return {}; }
    void watch(HotplugListener* /*listener*/) override {}
    Result<std::unique_ptr<Device>> open(std::string_view id) override
    {
        DeviceDescription description;
        description.id = std::string(id);
        return std::unique_ptr<Device>(new BenchDevice(description));
    }
};

class BenchHost final : public TrackHost
{
public:
    void post(std::function<void()> task) override { task(); }
    Promise<void> applyConstraints(std::shared_ptr<MediaStreamTrack::Impl> /*track*/,
                                   const MediaTrackConstraints& /*constraints*/) override
    {
        return Promise<void>::settled(Error{ErrorName::NotSupportedError, "bench", {}, 0});
    }
    void release(std::shared_ptr<CaptureSource> /*source*/) override {}
};

struct TrackSpec
{
    int width;
    int height;
    VideoPixelFormat format = VideoPixelFormat::I420;
};

// A sink that touches each frame (one byte per plane) without allocating.
struct CountingSink
{
    std::shared_ptr<std::atomic<std::uint64_t>> sum =
            std::make_shared<std::atomic<std::uint64_t>>();
    void operator()(const VideoFrame& frame) const
    {
        sum->fetch_add(frame.format() == VideoPixelFormat::Native ? frame.data().size()
                                                                  : frame.plane(0).data[0],
                       std::memory_order_relaxed);
    }
};

class Pipeline
{
public:
    Pipeline(NativePixelFormat format, const std::vector<TrackSpec>& tracks)
    {
        device_.backend = &backend_;
        device_.description.id = "bench";
        device_.description.label = "bench";
        device_.description.kind = MediaDeviceKind::VideoInput;
        const NativeVideoMode mode{format, kWidth, kHeight, 30, 30};
        device_.description.videoModes = {mode};
        source_ = CaptureSource::openVideo(device_, mode, {}).value();
        for (const TrackSpec& spec : tracks) {
            TrackImpl::Init init;
            init.kind = MediaDeviceKind::VideoInput;
            init.settings.width = spec.width;
            init.settings.height = spec.height;
            init.settings.frameRate = 30;
            auto track = TrackImpl::create(host_, source_, init);
            track->addVideoSink(CountingSink{}, spec.format);
            tracks_.push_back(std::move(track));
        }
    }
    ~Pipeline()
    {
        for (auto& track : tracks_)
            track->stop();
    }
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    void feed(const std::vector<std::uint8_t>& bytes)
    {
        NativeVideoFrame frame;
        frame.format = source_->videoMode().format;
        frame.width = kWidth;
        frame.height = kHeight;
        frame.data = bytes.data();
        frame.size = bytes.size();
        frame.frameNumber = next_++;
        frame.timestamp = nanoseconds(static_cast<std::int64_t>(frame.frameNumber) * 33'333'333);
        source_->onVideoFrame(frame);
    }

    std::uint64_t delivered() const { return tracks_.front()->stats().deliveredFrames; }

private:
    BenchBackend backend_;
    RegisteredDevice device_;
    std::shared_ptr<BenchHost> host_ = std::make_shared<BenchHost>();
    std::shared_ptr<CaptureSource> source_;
    std::vector<std::shared_ptr<TrackImpl>> tracks_;
    std::uint64_t next_ = 0;
};

void runPipeline(benchmark::State& state, NativePixelFormat format,
                 const std::vector<std::uint8_t>& input, const std::vector<TrackSpec>& tracks)
{
    Pipeline pipeline(format, tracks);
    pipeline.feed(input); // warm-up: pools and decoder memory
    for (auto _ : state)
        pipeline.feed(input);
    if (pipeline.delivered() != static_cast<std::uint64_t>(state.iterations()) + 1)
        state.SkipWithError("frames were not delivered");
}

// ---- libyuv and swscale baselines -----------------------------------------------------------

struct I420
{
    explicit I420(int w, int h) : buffer(VideoPixelFormat::I420, w, h) {}
    PixelBuffer buffer;
};

void libyuvScale(const PixelBuffer& src, PixelBuffer& dst, libyuv::FilterMode filter)
{
    libyuv::I420Scale(src.y(), src.strideY(), src.u(), src.strideU(), src.v(), src.strideV(),
                      src.width(), src.height(), dst.y(), dst.strideY(), dst.u(), dst.strideU(),
                      dst.v(), dst.strideV(), dst.width(), dst.height(), filter);
}

class Swscale
{
public:
    Swscale(int srcW, int srcH, AVPixelFormat srcFormat, int dstW, int dstH)
        : context_(sws_getContext(srcW, srcH, srcFormat, dstW, dstH, AV_PIX_FMT_YUV420P,
                                  SWS_BILINEAR, nullptr, nullptr, nullptr)),
          srcH_(srcH)
    {}
    ~Swscale() { sws_freeContext(context_); }
    Swscale(const Swscale&) = delete;
    Swscale& operator=(const Swscale&) = delete;

    void packed(const std::uint8_t* src, int stride, PixelBuffer& dst)
    {
        const std::uint8_t* const planes[4] = {src, nullptr, nullptr, nullptr}; // NOLINT
        const int strides[4] = {stride, 0, 0, 0};                               // NOLINT
        run(planes, strides, dst);
    }
    void planar(const PixelBuffer& src, PixelBuffer& dst)
    {
        const std::uint8_t* const planes[4] = {src.y(), src.u(), src.v(), nullptr}; // NOLINT
        const int strides[4] = {src.strideY(), src.strideU(), src.strideV(), 0};    // NOLINT
        run(planes, strides, dst);
    }

private:
    void run(const std::uint8_t* const* planes, const int* strides, PixelBuffer& dst)
    {
        std::uint8_t* const out[4] = {dst.y(), dst.u(), dst.v(), nullptr};          // NOLINT
        const int outStrides[4] = {dst.strideY(), dst.strideU(), dst.strideV(), 0}; // NOLINT
        sws_scale(context_, planes, strides, 0, srcH_, out, outStrides);
    }
    SwsContext* context_;
    int srcH_;
};

// ---- YUYV 1080p -> I420 1080p ---------------------------------------------------------------

void BM_YuyvToI420_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::YUYV, yuyvInput(), {{kWidth, kHeight}});
}

void BM_YuyvToI420_Libyuv(benchmark::State& state)
{
    I420 out(kWidth, kHeight);
    const auto& in = yuyvInput();
    for (auto _ : state) {
        libyuv::YUY2ToI420(in.data(), kWidth * 2, out.buffer.y(), out.buffer.strideY(),
                           out.buffer.u(), out.buffer.strideU(), out.buffer.v(),
                           out.buffer.strideV(), kWidth, kHeight);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_YuyvToI420_Swscale(benchmark::State& state)
{
    I420 out(kWidth, kHeight);
    Swscale sws(kWidth, kHeight, AV_PIX_FMT_YUYV422, kWidth, kHeight);
    const auto& in = yuyvInput();
    for (auto _ : state) {
        sws.packed(in.data(), kWidth * 2, out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

// ---- YUYV 1080p -> 1080p + 720p (+ 360p) tracks ---------------------------------------------

void BM_YuyvTo1080p720p_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::YUYV, yuyvInput(), {{kWidth, kHeight}, {1280, 720}});
}

void BM_YuyvTo1080p720p360p_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::YUYV, yuyvInput(),
                {{kWidth, kHeight}, {1280, 720}, {640, 360}});
}

// libyuv alone: convert, then its bilinear scaler per size (the usual choice).
void yuyvMultiLibyuv(benchmark::State& state, const std::vector<std::pair<int, int>>& sizes)
{
    I420 full(kWidth, kHeight);
    std::vector<std::unique_ptr<I420>> outs;
    for (const auto& [w, h] : sizes)
        outs.push_back(std::make_unique<I420>(w, h));
    const auto& in = yuyvInput();
    for (auto _ : state) {
        libyuv::YUY2ToI420(in.data(), kWidth * 2, full.buffer.y(), full.buffer.strideY(),
                           full.buffer.u(), full.buffer.strideU(), full.buffer.v(),
                           full.buffer.strideV(), kWidth, kHeight);
        for (auto& out : outs)
            libyuvScale(full.buffer, out->buffer, libyuv::kFilterBilinear);
        benchmark::DoNotOptimize(full.buffer.y());
    }
}

// swscale alone: one context per output (YUYV straight to each size).
void yuyvMultiSwscale(benchmark::State& state, const std::vector<std::pair<int, int>>& sizes)
{
    I420 full(kWidth, kHeight);
    Swscale convert(kWidth, kHeight, AV_PIX_FMT_YUYV422, kWidth, kHeight);
    std::vector<std::unique_ptr<I420>> outs;
    std::vector<std::unique_ptr<Swscale>> scalers;
    for (const auto& [w, h] : sizes) {
        outs.push_back(std::make_unique<I420>(w, h));
        scalers.push_back(std::make_unique<Swscale>(kWidth, kHeight, AV_PIX_FMT_YUV420P, w, h));
    }
    const auto& in = yuyvInput();
    for (auto _ : state) {
        convert.packed(in.data(), kWidth * 2, full.buffer);
        for (std::size_t i = 0; i < outs.size(); ++i)
            scalers[i]->planar(full.buffer, outs[i]->buffer);
        benchmark::DoNotOptimize(full.buffer.y());
    }
}

// The best combination of existing libraries: libyuv's converter, swscale's scaler.
void yuyvMultiBest(benchmark::State& state, const std::vector<std::pair<int, int>>& sizes)
{
    I420 full(kWidth, kHeight);
    std::vector<std::unique_ptr<I420>> outs;
    std::vector<std::unique_ptr<Swscale>> scalers;
    for (const auto& [w, h] : sizes) {
        outs.push_back(std::make_unique<I420>(w, h));
        scalers.push_back(std::make_unique<Swscale>(kWidth, kHeight, AV_PIX_FMT_YUV420P, w, h));
    }
    const auto& in = yuyvInput();
    for (auto _ : state) {
        libyuv::YUY2ToI420(in.data(), kWidth * 2, full.buffer.y(), full.buffer.strideY(),
                           full.buffer.u(), full.buffer.strideU(), full.buffer.v(),
                           full.buffer.strideV(), kWidth, kHeight);
        for (std::size_t i = 0; i < outs.size(); ++i)
            scalers[i]->planar(full.buffer, outs[i]->buffer);
        benchmark::DoNotOptimize(full.buffer.y());
    }
}

void BM_YuyvTo1080p720p_Libyuv(benchmark::State& state)
{
    yuyvMultiLibyuv(state, {{1280, 720}});
}
void BM_YuyvTo1080p720p_Swscale(benchmark::State& state)
{
    yuyvMultiSwscale(state, {{1280, 720}});
}
void BM_YuyvTo1080p720p_LibyuvSwscale(benchmark::State& state)
{
    yuyvMultiBest(state, {{1280, 720}});
}
void BM_YuyvTo1080p720p360p_Libyuv(benchmark::State& state)
{
    yuyvMultiLibyuv(state, {{1280, 720}, {640, 360}});
}
void BM_YuyvTo1080p720p360p_Swscale(benchmark::State& state)
{
    yuyvMultiSwscale(state, {{1280, 720}, {640, 360}});
}
void BM_YuyvTo1080p720p360p_LibyuvSwscale(benchmark::State& state)
{
    yuyvMultiBest(state, {{1280, 720}, {640, 360}});
}

// ---- MJPEG 1080p -> I420 1080p / 720p -------------------------------------------------------

void BM_MjpegToI420_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::MJPEG, mjpegInput(), {{kWidth, kHeight}});
}

void BM_MjpegToI420_Libyuv(benchmark::State& state)
{
    I420 out(kWidth, kHeight);
    const auto& in = mjpegInput();
    for (auto _ : state) {
        libyuv::MJPGToI420(in.data(), in.size(), out.buffer.y(), out.buffer.strideY(),
                           out.buffer.u(), out.buffer.strideU(), out.buffer.v(),
                           out.buffer.strideV(), kWidth, kHeight, kWidth, kHeight);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_MjpegTo720p_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::MJPEG, mjpegInput(), {{1280, 720}});
}

void BM_MjpegTo720p_Libyuv(benchmark::State& state)
{
    I420 full(kWidth, kHeight);
    I420 out(1280, 720);
    const auto& in = mjpegInput();
    for (auto _ : state) {
        libyuv::MJPGToI420(in.data(), in.size(), full.buffer.y(), full.buffer.strideY(),
                           full.buffer.u(), full.buffer.strideU(), full.buffer.v(),
                           full.buffer.strideV(), kWidth, kHeight, kWidth, kHeight);
        libyuvScale(full.buffer, out.buffer, libyuv::kFilterBilinear);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_MjpegTo720p_LibyuvSwscale(benchmark::State& state)
{
    I420 full(kWidth, kHeight);
    I420 out(1280, 720);
    Swscale scale(kWidth, kHeight, AV_PIX_FMT_YUV420P, 1280, 720);
    const auto& in = mjpegInput();
    for (auto _ : state) {
        libyuv::MJPGToI420(in.data(), in.size(), full.buffer.y(), full.buffer.strideY(),
                           full.buffer.u(), full.buffer.strideU(), full.buffer.v(),
                           full.buffer.strideV(), kWidth, kHeight, kWidth, kHeight);
        scale.planar(full.buffer, out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

// An MJPEG camera serving a 640x360 track: decoded at 1/2 by DCT scaling, then 2/3.
void BM_MjpegTo360p_Ours(benchmark::State& state)
{
    runPipeline(state, NativePixelFormat::MJPEG, mjpegInput(), {{640, 360}});
}

void BM_MjpegTo360p_Libyuv(benchmark::State& state)
{
    I420 full(kWidth, kHeight);
    I420 out(640, 360);
    const auto& in = mjpegInput();
    for (auto _ : state) {
        libyuv::MJPGToI420(in.data(), in.size(), full.buffer.y(), full.buffer.strideY(),
                           full.buffer.u(), full.buffer.strideU(), full.buffer.v(),
                           full.buffer.strideV(), kWidth, kHeight, kWidth, kHeight);
        libyuvScale(full.buffer, out.buffer, libyuv::kFilterBilinear);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

// ---- the 2/3 scaler alone -------------------------------------------------------------------

void BM_Scale1080pTo720p_Ours(benchmark::State& state)
{
    I420 out(1280, 720);
    for (auto _ : state) {
        cropAndScale(i420Input(), out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_Scale1080pTo720p_LibyuvBilinear(benchmark::State& state)
{
    I420 out(1280, 720);
    for (auto _ : state) {
        libyuvScale(i420Input(), out.buffer, libyuv::kFilterBilinear);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_Scale1080pTo720p_LibyuvBox(benchmark::State& state)
{
    I420 out(1280, 720);
    for (auto _ : state) {
        libyuvScale(i420Input(), out.buffer, libyuv::kFilterBox);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

void BM_Scale1080pTo720p_Swscale(benchmark::State& state)
{
    I420 out(1280, 720);
    Swscale scale(kWidth, kHeight, AV_PIX_FMT_YUV420P, 1280, 720);
    for (auto _ : state) {
        scale.planar(i420Input(), out.buffer);
        benchmark::DoNotOptimize(out.buffer.y());
    }
}

// ---- fan-out ----------------------------------------------------------------------------------

void BM_FanOut(benchmark::State& state)
{
    std::vector<TrackSpec> tracks(static_cast<std::size_t>(state.range(0)),
                                  TrackSpec{kWidth, kHeight});
    runPipeline(state, NativePixelFormat::YUYV, yuyvInput(), tracks);
}

// ---- audio: one 10 ms chunk, 48 kHz stereo, source -> track -> F32 and S16 sinks ------------

void BM_AudioChunk10ms_Ours(benchmark::State& state)
{
    BenchBackend backend;
    RegisteredDevice device;
    device.backend = &backend;
    device.description.id = "mic";
    device.description.kind = MediaDeviceKind::AudioInput;
    const NativeAudioMode mode{48000, 2, 16, 0.01};
    device.description.audioModes = {mode};
    auto source = CaptureSource::openAudio(device, mode, {}).value();
    TrackImpl::Init init;
    init.kind = MediaDeviceKind::AudioInput;
    auto track = TrackImpl::create(std::make_shared<BenchHost>(), source, init);
    std::atomic<std::uint64_t> frames{0};
    track->addAudioSink([&](const AudioBuffer& b) { frames.fetch_add(b.frames()); },
                        SampleFormat::F32);
    track->addAudioSink([&](const AudioBuffer& b) { frames.fetch_add(b.frames()); },
                        SampleFormat::S16);
    std::vector<float> samples(480 * 2);
    for (std::size_t i = 0; i < samples.size(); ++i)
        samples[i] = 0.25F * static_cast<float>(std::sin(static_cast<double>(i) * 0.03));
    NativeAudioChunk chunk;
    chunk.sampleRate = 48000;
    chunk.channels = 2;
    chunk.frames = 480;
    chunk.samples = samples.data();
    for (auto _ : state) {
        source->onAudioChunk(chunk);
        chunk.firstFrame += 480;
        chunk.timestamp += std::chrono::milliseconds(10);
    }
    track->stop();
}

// The floor: copying the chunk once.
void BM_AudioChunk10ms_Memcpy(benchmark::State& state)
{
    std::vector<float> in(480 * 2, 0.25F);
    std::vector<float> out(in.size());
    for (auto _ : state) {
        std::memcpy(out.data(), in.data(), in.size() * sizeof(float));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
}

// ---- getUserMedia() -> first frame on a fake device -----------------------------------------

// Wall time from the call to the first frame in a sink, on the default fake camera with a
// ManualClock (moved by one frame period once the track exists): what the library costs, not
// the camera's exposure.
void BM_GetUserMediaToFirstFrame(benchmark::State& state)
{
    auto clock = std::make_shared<ManualClock>();
    MediaDevicesOptions options;
    options.fakeDevices = "default";
    options.ignoreEnvironment = true;
    options.origin = "bench.usermedia";
    options.permissionPolicy = PermissionPolicy::AllowAll;
    options.clock = clock;
    auto devices = MediaDevices::create(options).value();
    for (auto _ : state) {
        auto stream = devices.getUserMedia(R"({"video": true})").waitFor(std::chrono::seconds(10));
        if (!stream || !stream->has_value()) {
            state.SkipWithError("getUserMedia failed");
            break;
        }
        auto track = (*stream)->getVideoTracks().at(0);
        std::atomic<bool> got{false};
        track.addVideoSink([&](const VideoFrame&) { got.store(true); });
        clock->advance(nanoseconds(33'333'334));
        if (!got.load())
            state.SkipWithError("no frame");
        track.stop();
    }
}

} // namespace
} // namespace usermedia

using namespace usermedia; // NOLINT(google-build-using-namespace): benchmark registration

BENCHMARK(BM_YuyvToI420_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvToI420_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvToI420_Swscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p_Swscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p_LibyuvSwscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p360p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p360p_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p360p_Swscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_YuyvTo1080p720p360p_LibyuvSwscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegToI420_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegToI420_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo720p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo720p_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo720p_LibyuvSwscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo360p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MjpegTo360p_Libyuv)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scale1080pTo720p_Ours)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scale1080pTo720p_LibyuvBilinear)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scale1080pTo720p_LibyuvBox)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Scale1080pTo720p_Swscale)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FanOut)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AudioChunk10ms_Ours)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_AudioChunk10ms_Memcpy)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_GetUserMediaToFirstFrame)->Unit(benchmark::kMillisecond)->UseRealTime();

namespace {

// --write-inputs=DIR[,FRAMES]: the same generated frames as files for the command-line tools:
// DIR/yuyv1080.yuv (FRAMES raw YUYV frames), DIR/mjpeg1080.mjpeg (FRAMES JPEG pictures
// back to back) and DIR/mjpeg/frameNNNN.jpg (one per file, for GStreamer's multifilesrc).
int writeInputs(const std::string& argument)
{
    const auto comma = argument.find(',');
    const std::filesystem::path dir = argument.substr(0, comma);
    const int frames = comma == std::string::npos ? 300 : std::stoi(argument.substr(comma + 1));
    std::filesystem::create_directories(dir / "mjpeg");
    fake::VideoGenerator yuyv(NativePixelFormat::YUYV, kWidth, kHeight);
    fake::VideoGenerator mjpeg(NativePixelFormat::MJPEG, kWidth, kHeight);
    std::ofstream raw(dir / "yuyv1080.yuv", std::ios::binary);
    std::ofstream stream(dir / "mjpeg1080.mjpeg", std::ios::binary);
    for (int i = 0; i < frames; ++i) {
        const nanoseconds at(static_cast<std::int64_t>(i) * 33'333'333);
        auto a = yuyv.generate(static_cast<std::uint64_t>(i), at);
        auto b = mjpeg.generate(static_cast<std::uint64_t>(i), at);
        if (!a || !b)
            return 1;
        raw.write(reinterpret_cast<const char*>(a->data), static_cast<std::streamsize>(a->size));
        stream.write(reinterpret_cast<const char*>(b->data), static_cast<std::streamsize>(b->size));
        std::array<char, 32> name{};
        std::snprintf(name.data(), name.size(), "frame%04d.jpg", i);
        std::ofstream file(dir / "mjpeg" / name.data(), std::ios::binary);
        file.write(reinterpret_cast<const char*>(b->data), static_cast<std::streamsize>(b->size));
    }
    return raw && stream ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string prefix = "--write-inputs=";
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument.rfind(prefix, 0) == 0)
            return writeInputs(argument.substr(prefix.size()));
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
