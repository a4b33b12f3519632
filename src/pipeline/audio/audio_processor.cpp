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
    const int samples = frameSize();
    if (static_cast<int>(state_->renderPlanes.size()) != channels) {
        state_->renderPlanes.assign(channels, std::vector<float>(samples));
        state_->renderPointers.clear();
        for (auto& plane : state_->renderPlanes)
            state_->renderPointers.push_back(plane.data());
    }
    for (int i = 0; i < samples; ++i) {
        for (int c = 0; c < channels; ++c)
            state_->renderPlanes[c][i] = frame[i * channels + c];
    }
    const webrtc::StreamConfig config(rate_, static_cast<std::size_t>(channels));
    std::vector<float*> out(state_->renderPlanes.size());
    for (std::size_t c = 0; c < out.size(); ++c)
        out[c] = state_->renderPlanes[c].data();
    return state_->apm->ProcessReverseStream(state_->renderPointers.data(), config, config,
                                             out.data()) == webrtc::AudioProcessing::kNoError;
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
