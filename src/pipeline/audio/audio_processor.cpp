// SPDX-License-Identifier: MIT
#include "pipeline/audio/audio_processor.h"

#include <atomic>
#include <mutex>
#include <vector>

#include <webrtc/modules/audio_processing/include/audio_processing.h>

namespace usermedia::audio {

struct AudioProcessor::State
{
    std::unique_ptr<webrtc::AudioProcessing> apm;
    std::mutex mutex; // guards wanted
    ProcessingConfig wanted;
    std::atomic<bool> changed{true};
    ProcessingConfig applied;
    // Deinterleaved scratch, one vector per channel, and the pointers the library takes.
    std::vector<std::vector<float>> planes;
    std::vector<float*> pointers;
    std::vector<std::vector<float>> renderPlanes;
    std::vector<const float*> renderPointers;
    std::vector<std::vector<float>> renderOut; // ProcessReverseStream's output, unused
    std::vector<float*> renderOutPointers;
};

bool AudioProcessor::supportsRate(int sampleRate)
{
    return sampleRate == 8000 || sampleRate == 16000 || sampleRate == 32000 || sampleRate == 48000;
}

std::unique_ptr<AudioProcessor> AudioProcessor::create(int sampleRate, int channels,
                                                       const ProcessingConfig& config)
{
    if (!supportsRate(sampleRate) || channels <= 0)
        return nullptr;
    auto state = std::make_unique<State>();
    webrtc::Config apmConfig;
    // The extended filter and delay-agnostic mode are what Chromium runs on desktops, where the
    // render-to-capture delay is known only roughly.
    apmConfig.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
    apmConfig.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
    state->apm.reset(webrtc::AudioProcessing::Create(apmConfig));
    if (!state->apm)
        return nullptr;
    state->wanted = config;
    state->planes.assign(channels, std::vector<float>(sampleRate / 100));
    for (auto& plane : state->planes)
        state->pointers.push_back(plane.data());
    auto processor = std::unique_ptr<AudioProcessor>(
            new AudioProcessor(std::move(state), sampleRate, channels));
    processor->applyConfig();
    return processor;
}

AudioProcessor::AudioProcessor(std::unique_ptr<State> state, int rate, int channels)
    : state_(std::move(state)),
      rate_(rate),
      channels_(channels)
{}

AudioProcessor::~AudioProcessor() = default;

void AudioProcessor::setConfig(const ProcessingConfig& config)
{
    std::lock_guard lock(state_->mutex);
    state_->wanted = config;
    state_->changed.store(true);
}

ProcessingConfig AudioProcessor::config() const
{
    std::lock_guard lock(state_->mutex);
    return state_->wanted;
}

void AudioProcessor::applyConfig()
{
    if (!state_->changed.exchange(false))
        return;
    ProcessingConfig config;
    {
        std::lock_guard lock(state_->mutex);
        config = state_->wanted;
    }
    webrtc::AudioProcessing& apm = *state_->apm;
    apm.high_pass_filter()->Enable(config.any());
    apm.echo_cancellation()->Enable(config.echoCancellation);
    apm.echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression);
    apm.echo_cancellation()->enable_metrics(config.echoCancellation);
    apm.echo_cancellation()->enable_delay_logging(config.echoCancellation);
    apm.noise_suppression()->set_level(webrtc::NoiseSuppression::kHigh);
    apm.noise_suppression()->Enable(config.noiseSuppression);
    apm.gain_control()->set_mode(webrtc::GainControl::kAdaptiveDigital);
    apm.gain_control()->set_target_level_dbfs(3);
    apm.gain_control()->set_compression_gain_db(9);
    apm.gain_control()->enable_limiter(true);
    apm.gain_control()->Enable(config.autoGainControl);
    state_->applied = config;
}

bool AudioProcessor::analyzeRender(const float* frame, int channels)
{
    return analyzeRender(frame, rate_, channels);
}

bool AudioProcessor::analyzeRender(const float* frame, int sampleRate, int channels)
{
    if (!supportsRate(sampleRate) || channels <= 0)
        return false;
    const int samples = sampleRate / 100;
    State& state = *state_;
    if (static_cast<int>(state.renderPlanes.size()) != channels ||
        static_cast<int>(state.renderPlanes.front().size()) != samples) {
        // A new far-end format: the only time this allocates.
        state.renderPlanes.assign(channels, std::vector<float>(samples));
        state.renderOut.assign(channels, std::vector<float>(samples));
        state.renderPointers.clear();
        state.renderOutPointers.clear();
        for (auto& plane : state.renderPlanes)
            state.renderPointers.push_back(plane.data());
        for (auto& plane : state.renderOut)
            state.renderOutPointers.push_back(plane.data());
    }
    for (int i = 0; i < samples; ++i) {
        for (int c = 0; c < channels; ++c)
            state.renderPlanes[c][i] = frame[i * channels + c];
    }
    ++renderFrames_;
    // ProcessReverseStream resamples the far end to the processing rate itself when the two
    // differ, so one far-end stream (48 kHz) serves processors at every rate.
    const webrtc::StreamConfig config(sampleRate, static_cast<std::size_t>(channels));
    return state.apm->ProcessReverseStream(state.renderPointers.data(), config, config,
                                           state.renderOutPointers.data()) ==
           webrtc::AudioProcessing::kNoError;
}

EchoMetrics AudioProcessor::echoMetrics() const
{
    EchoMetrics metrics;
    webrtc::EchoCancellation& aec = *state_->apm->echo_cancellation();
    if (!aec.is_enabled())
        return metrics;
    webrtc::EchoCancellation::Metrics raw{};
    if (aec.GetMetrics(&raw) == webrtc::AudioProcessing::kNoError) {
        metrics.valid = true;
        metrics.erleDb = raw.echo_return_loss_enhancement.average;
    }
    int median = -1;
    int deviation = -1;
    if (aec.GetDelayMetrics(&median, &deviation) == webrtc::AudioProcessing::kNoError) {
        metrics.delayMedianMs = median;
        metrics.delayStdMs = deviation;
    }
    return metrics;
}

bool AudioProcessor::process(float* frame, int delayMs)
{
    applyConfig();
    if (!state_->applied.any())
        return true; // nothing asked: the samples pass untouched
    const int samples = frameSize();
    for (int i = 0; i < samples; ++i) {
        for (int c = 0; c < channels_; ++c)
            state_->planes[c][i] = frame[i * channels_ + c];
    }
    if (state_->applied.echoCancellation)
        state_->apm->set_stream_delay_ms(delayMs);
    const webrtc::StreamConfig config(rate_, static_cast<std::size_t>(channels_));
    const int result = state_->apm->ProcessStream(state_->pointers.data(), config, config,
                                                  state_->pointers.data());
    for (int i = 0; i < samples; ++i) {
        for (int c = 0; c < channels_; ++c)
            frame[i * channels_ + c] = state_->planes[c][i];
    }
    return result == webrtc::AudioProcessing::kNoError;
}

} // namespace usermedia::audio
