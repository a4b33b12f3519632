// SPDX-License-Identifier: MIT
// The seam between the ALSA backend and alsa-lib: what the backend needs (list capture PCMs,
// ask a PCM's hardware ranges, open it and read), with the real alsa-lib implementation in
// alsa_sys.cpp and a scripted fake in the tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <usermedia/result.h>

#include "pipeline/audio/sample_convert.h"

namespace usermedia::alsa {

/** A capture PCM: "default" or "hw:CARD=<id>,DEV=<n>". */
struct PcmInfo
{
    std::string name;   ///< what snd_pcm_open takes
    std::string label;  ///< "<card name>: <pcm name>", or "Default" for "default"
    std::string cardId; ///< the card's id (groups the card's PCMs); empty for "default"
    int card = -1;      ///< the card's number (/sys/class/sound/card<n>); -1 for "default"
};

/** The hardware parameter ranges of a PCM (snd_pcm_hw_params_get_*_min/max). */
struct HwRanges
{
    std::vector<audio::PcmFormat> formats; ///< the ones we can read, best first
    unsigned minRate = 0;
    unsigned maxRate = 0;
    unsigned minChannels = 0;
    unsigned maxChannels = 0;
};

/** One open capture stream. Thread: read() on the capture thread; abort() from any. */
class PcmStream
{
public:
    virtual ~PcmStream() = default;
    /** Reads up to \p frames frames (blocking); frames read, or -errno (-EPIPE: overrun). */
    virtual long read(void* buffer, unsigned long frames) = 0;
    /** snd_pcm_recover: 0 when the stream runs again. */
    virtual int recover(int error) = 0;
    /** Frames captured but not read yet (snd_pcm_delay), for timestamps; 0 if unknown. */
    virtual long delay() = 0;
    /** Makes a blocked read() return (snd_pcm_drop); reads fail from then on. */
    virtual void abort() = 0;
};

/** Thread: all members thread-safe. */
class AlsaSys
{
public:
    virtual ~AlsaSys() = default;
    /** Whether alsa-lib sees any sound card (probe). */
    virtual bool hasCards() = 0;
    /** The default PCM first (if it can capture), then every hardware capture PCM. */
    virtual std::vector<PcmInfo> listCapturePcms() = 0;
    /** Errors carry osError (e.g. EBUSY when another program holds the device). */
    virtual Result<HwRanges> ranges(const std::string& pcm) = 0;
    /** Opens and starts \p pcm in this format; \p periodFrames is a hint (10 ms). */
    virtual Result<std::unique_ptr<PcmStream>> open(const std::string& pcm, audio::PcmFormat format,
                                                    unsigned rate, unsigned channels,
                                                    unsigned long periodFrames) = 0;
};

/** alsa-lib itself. */
std::shared_ptr<AlsaSys> realAlsaSys();

} // namespace usermedia::alsa
