// SPDX-License-Identifier: MIT
#include "pipeline/audio/echo_reference.h"

#include <algorithm>
#include <cstring>

#include "pipeline/audio/audio_processor.h"

namespace usermedia::audio {

EchoReference::EchoReference(int sampleRate, int channels)
    : rate_(sampleRate),
      channels_(channels),
      chunkSamples_(static_cast<std::size_t>(sampleRate / 100) * channels),
      samples_(chunkSamples_ * kSlots),
      timestamps_(kSlots)
{}

void EchoReference::push(const float* samples, std::chrono::nanoseconds playedAt)
{
    std::lock_guard lock(mutex_);
    const std::size_t slot = next_ % kSlots;
    std::memcpy(samples_.data() + slot * chunkSamples_, samples, chunkSamples_ * sizeof(float));
    timestamps_[slot] = playedAt;
    ++next_;
}

std::uint64_t EchoReference::pushed() const
{
    std::lock_guard lock(mutex_);
    return next_;
}

EchoReference::Reader::Reader(std::shared_ptr<EchoReference> reference)
    : reference_(std::move(reference)),
      cursor_(reference_->pushed()),
      scratch_(reference_->chunkSamples_)
{}

const float* EchoReference::Reader::next(std::chrono::nanoseconds until,
                                         std::chrono::nanoseconds* playedAt)
{
    EchoReference& ref = *reference_;
    for (;;) {
        std::chrono::nanoseconds when{0};
        {
            std::lock_guard lock(ref.mutex_);
            if (cursor_ + kSlots < ref.next_) {
                // Overwritten while we were not looking: go on from the oldest kept.
                dropped_ += ref.next_ - kSlots - cursor_;
                cursor_ = ref.next_ - kSlots;
            }
            if (cursor_ >= ref.next_)
                return nullptr;
            const std::size_t slot = cursor_ % kSlots;
            when = ref.timestamps_[slot];
            if (when > until)
                return nullptr; // not due yet: it waits for a later near-end chunk
            std::memcpy(scratch_.data(), ref.samples_.data() + slot * ref.chunkSamples_,
                        ref.chunkSamples_ * sizeof(float));
            ++cursor_;
        }
        if (when + kMaxAge + kLead < until) {
            ++skipped_;
            continue;
        }
        any_ = true;
        newest_ = when;
        ++fed_;
        if (playedAt)
            *playedAt = when;
        return scratch_.data();
    }
}

int EchoReference::Reader::feed(AudioProcessor& processor, std::chrono::nanoseconds nearStart)
{
    const int rate = reference_->sampleRate();
    const int channels = reference_->channels();
    // The canceller (the slow part) runs outside the ring's lock: next() copied the chunk out.
    while (const float* chunk = next(nearStart + kLead))
        static_cast<void>(processor.analyzeRender(chunk, rate, channels));
    if (!any_)
        return 0;
    const auto ahead = std::chrono::duration_cast<std::chrono::milliseconds>(newest_ - nearStart);
    return std::clamp(static_cast<int>(ahead.count()), 0, kMaxDelayMs);
}

std::shared_ptr<EchoReference> EchoReferenceHub::acquire(int sampleRate, int channels,
                                                         const Opener& open)
{
    std::lock_guard lock(mutex_);
    if (auto shared = current_.lock())
        return shared;
    // The handle dies before the reference (members are destroyed in reverse order), so the
    // recording has stopped before the ring it writes to goes away.
    struct Bundle
    {
        std::shared_ptr<EchoReference> reference;
        std::unique_ptr<Handle> handle;
    };
    auto bundle = std::make_shared<Bundle>();
    bundle->reference = std::make_shared<EchoReference>(sampleRate, channels);
    bundle->handle = open(bundle->reference);
    if (!bundle->handle)
        return nullptr;
    std::shared_ptr<EchoReference> shared(bundle, bundle->reference.get());
    current_ = shared;
    return shared;
}

} // namespace usermedia::audio
