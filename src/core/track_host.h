// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>

#include <usermedia/constraints.h>
#include <usermedia/media_stream_track.h>
#include <usermedia/promise.h>

namespace usermedia {

class CaptureSource;

/**
 * What a track needs from the MediaDevices context that made it. Tracks keep their host alive.
 * Thread: all members thread-safe.
 */
class TrackHost
{
public:
    virtual ~TrackHost() = default;
    /** Runs \p task on the control thread (events, device teardown). */
    virtual void post(std::function<void()> task) = 0;
    /** applyConstraints for \p track, settled on the control thread. */
    virtual Promise<void> applyConstraints(std::shared_ptr<MediaStreamTrack::Impl> track,
                                           const MediaTrackConstraints& constraints) = 0;
    /**
     * Drops a reference to \p source on the control thread: the last reference stops the device,
     * which joins its capture thread, so it must never happen on that thread.
     */
    virtual void release(std::shared_ptr<CaptureSource> source) = 0;
};

} // namespace usermedia
