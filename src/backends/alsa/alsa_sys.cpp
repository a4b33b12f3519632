// SPDX-License-Identifier: MIT
// alsa-lib behind the AlsaSys seam.
#include "backends/alsa/alsa_sys.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <alsa/asoundlib.h>

namespace usermedia::alsa {

namespace {

Error fromAlsa(const std::string& what, int error)
{
    const int positive = error < 0 ? -error : error;
    return Error{ErrorName::NotReadableError, "alsa: " + what + ": " + snd_strerror(error), "",
                 positive};
}

snd_pcm_format_t toAlsa(audio::PcmFormat format)
{
    switch (format) {
    case audio::PcmFormat::S16:
        return SND_PCM_FORMAT_S16;
    case audio::PcmFormat::S24In32:
        return SND_PCM_FORMAT_S24;
    case audio::PcmFormat::S32:
        return SND_PCM_FORMAT_S32;
    case audio::PcmFormat::F32:
        return SND_PCM_FORMAT_FLOAT;
    }
    return SND_PCM_FORMAT_S16;
}

struct PcmCloser
{
    void operator()(snd_pcm_t* pcm) const { snd_pcm_close(pcm); }
};
using PcmHandle = std::unique_ptr<snd_pcm_t, PcmCloser>;

struct HwParamsFree
{
    void operator()(snd_pcm_hw_params_t* p) const { snd_pcm_hw_params_free(p); }
};

class RealStream final : public PcmStream
{
public:
    explicit RealStream(PcmHandle pcm) : pcm_(std::move(pcm)) {}
    long read(void* buffer, unsigned long frames) override
    {
        return static_cast<long>(snd_pcm_readi(pcm_.get(), buffer, frames));
    }
    int recover(int error) override { return snd_pcm_recover(pcm_.get(), error, 1); }
    long delay() override
    {
        snd_pcm_sframes_t frames = 0;
        return snd_pcm_delay(pcm_.get(), &frames) == 0 ? static_cast<long>(frames) : 0;
    }
    void abort() override { snd_pcm_drop(pcm_.get()); }

private:
    PcmHandle pcm_;
};

class RealAlsaSys final : public AlsaSys
{
public:
    bool hasCards() override
    {
        int card = -1;
        return snd_card_next(&card) == 0 && card >= 0;
    }

    std::vector<PcmInfo> listCapturePcms() override
    {
        std::vector<PcmInfo> pcms;
        // "default" when it can capture (it is whatever asound.conf makes it: dmix/dsnoop,
        // PulseAudio's plugin, a hardware device).
        snd_pcm_t* probe = nullptr;
        if (snd_pcm_open(&probe, "default", SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK) == 0) {
            snd_pcm_close(probe);
            pcms.push_back({"default", "Default", ""});
        }
        int card = -1;
        while (snd_card_next(&card) == 0 && card >= 0) {
            const std::string ctlName = "hw:" + std::to_string(card);
            snd_ctl_t* ctl = nullptr;
            if (snd_ctl_open(&ctl, ctlName.c_str(), 0) < 0)
                continue;
            snd_ctl_card_info_t* cardInfo = nullptr;
            snd_ctl_card_info_alloca(&cardInfo);
            std::string cardId = ctlName;
            std::string cardName = ctlName;
            if (snd_ctl_card_info(ctl, cardInfo) == 0) {
                cardId = snd_ctl_card_info_get_id(cardInfo);
                cardName = snd_ctl_card_info_get_name(cardInfo);
            }
            int device = -1;
            while (snd_ctl_pcm_next_device(ctl, &device) == 0 && device >= 0) {
                snd_pcm_info_t* info = nullptr;
                snd_pcm_info_alloca(&info);
                snd_pcm_info_set_device(info, static_cast<unsigned>(device));
                snd_pcm_info_set_subdevice(info, 0);
                snd_pcm_info_set_stream(info, SND_PCM_STREAM_CAPTURE);
                if (snd_ctl_pcm_info(ctl, info) < 0)
                    continue; // no capture on this device
                PcmInfo pcm;
                pcm.name = "hw:CARD=" + cardId + ",DEV=" + std::to_string(device);
                pcm.label = cardName + ": " + snd_pcm_info_get_name(info);
                pcm.cardId = cardId;
                pcm.card = card;
                pcms.push_back(std::move(pcm));
            }
            snd_ctl_close(ctl);
        }
        // A card's PCMs often share one name (snd-aloop: "Loopback PCM" twice): tell them apart
        // by device number, as `arecord -l` does.
        std::vector<std::size_t> same(pcms.size(), 0);
        for (std::size_t i = 0; i < pcms.size(); ++i) {
            same[i] = static_cast<std::size_t>(
                    std::count_if(pcms.begin(), pcms.end(), [&](const PcmInfo& other) {
                        return other.label == pcms[i].label;
                    }));
        }
        for (std::size_t i = 0; i < pcms.size(); ++i) {
            if (same[i] > 1 && !pcms[i].cardId.empty())
                pcms[i].label +=
                        " (device " + pcms[i].name.substr(pcms[i].name.rfind('=') + 1) + ")";
        }
        return pcms;
    }

    Result<HwRanges> ranges(const std::string& name) override
    {
        snd_pcm_t* raw = nullptr;
        if (const int error =
                    snd_pcm_open(&raw, name.c_str(), SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK);
            error < 0)
            return fromAlsa("opening " + name, error);
        const PcmHandle pcm(raw);
        snd_pcm_hw_params_t* params = nullptr;
        snd_pcm_hw_params_malloc(&params);
        const std::unique_ptr<snd_pcm_hw_params_t, HwParamsFree> owned(params);
        if (const int error = snd_pcm_hw_params_any(pcm.get(), params); error < 0)
            return fromAlsa("hw params of " + name, error);
        HwRanges ranges;
        // Best first: float and 32-bit keep the most, then 24, then 16.
        for (const auto format : {audio::PcmFormat::F32, audio::PcmFormat::S32,
                                  audio::PcmFormat::S24In32, audio::PcmFormat::S16}) {
            if (snd_pcm_hw_params_test_format(pcm.get(), params, toAlsa(format)) == 0)
                ranges.formats.push_back(format);
        }
        int dir = 0;
        snd_pcm_hw_params_get_rate_min(params, &ranges.minRate, &dir);
        snd_pcm_hw_params_get_rate_max(params, &ranges.maxRate, &dir);
        snd_pcm_hw_params_get_channels_min(params, &ranges.minChannels);
        snd_pcm_hw_params_get_channels_max(params, &ranges.maxChannels);
        return ranges;
    }

    Result<std::unique_ptr<PcmStream>> open(const std::string& name, audio::PcmFormat format,
                                            unsigned rate, unsigned channels,
                                            unsigned long periodFrames) override
    {
        snd_pcm_t* raw = nullptr;
        if (const int error = snd_pcm_open(&raw, name.c_str(), SND_PCM_STREAM_CAPTURE, 0);
            error < 0)
            return fromAlsa("opening " + name, error);
        PcmHandle pcm(raw);
        snd_pcm_hw_params_t* params = nullptr;
        snd_pcm_hw_params_malloc(&params);
        const std::unique_ptr<snd_pcm_hw_params_t, HwParamsFree> owned(params);
        snd_pcm_uframes_t period = periodFrames;
        snd_pcm_uframes_t buffer = periodFrames * 8;
        int dir = 0;
        int error = snd_pcm_hw_params_any(pcm.get(), params);
        if (error >= 0)
            error = snd_pcm_hw_params_set_access(pcm.get(), params, SND_PCM_ACCESS_RW_INTERLEAVED);
        if (error >= 0)
            error = snd_pcm_hw_params_set_format(pcm.get(), params, toAlsa(format));
        if (error >= 0)
            error = snd_pcm_hw_params_set_channels(pcm.get(), params, channels);
        if (error >= 0)
            error = snd_pcm_hw_params_set_rate(pcm.get(), params, rate, 0);
        if (error >= 0)
            snd_pcm_hw_params_set_period_size_near(pcm.get(), params, &period, &dir);
        if (error >= 0)
            snd_pcm_hw_params_set_buffer_size_near(pcm.get(), params, &buffer);
        if (error >= 0)
            error = snd_pcm_hw_params(pcm.get(), params);
        if (error >= 0)
            error = snd_pcm_prepare(pcm.get());
        if (error >= 0)
            error = snd_pcm_start(pcm.get());
        if (error < 0)
            return fromAlsa("configuring " + name, error);
        return std::unique_ptr<PcmStream>(std::make_unique<RealStream>(std::move(pcm)));
    }
};

} // namespace

std::shared_ptr<AlsaSys> realAlsaSys()
{
    static const auto sys = std::make_shared<RealAlsaSys>();
    return sys;
}

} // namespace usermedia::alsa
